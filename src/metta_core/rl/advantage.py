"""Generalised advantage estimation over a rollout laid out as (agent, time).

Truncation at `max_steps` is treated as an episode end, as CleanRL does: the env resets inside the
step, so the next observation already belongs to a new episode and cannot bootstrap the old one.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import torch

if TYPE_CHECKING:
    from metta_core.rl.buffer import RolloutBuffer


def compute_gae(
    rewards: torch.Tensor,
    values: torch.Tensor,
    dones: torch.Tensor,
    next_value: torch.Tensor,
    gamma: float,
    gae_lambda: float,
    out_advantages: torch.Tensor | None = None,
) -> tuple[torch.Tensor, torch.Tensor]:
    """rewards, values, dones: (agents, T); dones[:, t] = the episode ended after step t;
    next_value: (agents,) value of the observation after the last step. Returns (advantages, returns)."""
    horizon = rewards.shape[1]
    advantages = torch.zeros_like(rewards) if out_advantages is None else out_advantages
    last = torch.zeros_like(next_value)
    following_value = next_value
    for t in range(horizon - 1, -1, -1):
        not_done = 1.0 - dones[:, t]
        delta = rewards[:, t] + gamma * following_value * not_done - values[:, t]
        last = delta + gamma * gae_lambda * not_done * last
        advantages[:, t] = last
        following_value = values[:, t]
    return advantages, advantages + values


def fill_advantages(buffer: RolloutBuffer, next_value: torch.Tensor, gamma: float, gae_lambda: float) -> None:
    """GAE into `buffer.advantages` and the value targets into `buffer.returns`, in place."""
    compute_gae(buffer.rewards, buffer.values, buffer.dones, next_value, gamma, gae_lambda, buffer.advantages)
    buffer.returns.copy_(buffer.advantages + buffer.values)
