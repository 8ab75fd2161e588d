"""GAE against a direct per-agent computation, and episode boundaries cutting the bootstrap."""

from __future__ import annotations

import torch

from metta_core.rl.advantage import compute_gae


def _reference_gae(rewards, values, dones, next_value, gamma, lam):
    advantages = []
    for agent in range(rewards.shape[0]):
        row, last = [], 0.0
        following = float(next_value[agent])
        for t in reversed(range(rewards.shape[1])):
            not_done = 1.0 - float(dones[agent, t])
            delta = float(rewards[agent, t]) + gamma * following * not_done - float(values[agent, t])
            last = delta + gamma * lam * not_done * last
            row.append(last)
            following = float(values[agent, t])
        advantages.append(list(reversed(row)))
    return torch.tensor(advantages)


def test_gae_matches_a_direct_computation():
    g = torch.Generator().manual_seed(1)
    rewards, values = torch.rand(3, 7, generator=g), torch.rand(3, 7, generator=g)
    dones = (torch.rand(3, 7, generator=g) < 0.2).float()
    next_value = torch.rand(3, generator=g)
    advantages, returns = compute_gae(rewards, values, dones, next_value, 0.97, 0.9)
    torch.testing.assert_close(advantages, _reference_gae(rewards, values, dones, next_value, 0.97, 0.9))
    torch.testing.assert_close(returns, advantages + values)


def test_episode_end_stops_credit_from_the_next_episode():
    rewards = torch.tensor([[0.0, 0.0, 10.0]])
    values = torch.zeros(1, 3)
    dones = torch.tensor([[0.0, 1.0, 0.0]])
    advantages, _ = compute_gae(rewards, values, dones, torch.tensor([5.0]), 0.99, 0.95)
    assert advantages[0, 1] == 0.0  # the reward at step 2 belongs to the next episode
    assert advantages[0, 0] == 0.0
    assert advantages[0, 2] > 10.0  # bootstrapped from next_value
