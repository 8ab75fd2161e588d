"""Truncated episodes are bootstrapped from the value of their last observation; terminal ones are not."""

from __future__ import annotations

import torch

from metta_core.rl.build import build_training
from metta_core.rl.rollout import collect_rollout


def _rollout_rewards(settings, gamma: float) -> tuple[torch.Tensor, torch.Tensor, float]:
    parts = build_training(settings, torch.device("cpu"), seed=3)
    parts.policy.eval()
    collect_rollout(
        parts.env,
        parts.policy,
        parts.buffer,
        parts.carry,
        parts.action_pairs,
        parts.generator,
        bootstrap_gamma=gamma,
    )
    return parts.buffer.rewards.clone(), parts.buffer.dones.clone(), parts.buffer.bootstrapped


def test_only_truncating_steps_get_gamma_times_the_final_value(settings_for):
    settings = settings_for()
    plain, dones, _ = _rollout_rewards(settings, 0.0)
    boosted, same_dones, bonus = _rollout_rewards(settings, 0.99)
    assert torch.equal(dones, same_dones) and dones.any()  # the same trajectory: same seeds
    difference = boosted - plain
    assert torch.all(difference[dones == 0] == 0)
    assert torch.all(difference[dones == 1] != 0)
    assert (
        bonus == torch.tensor(difference.sum().item()).item() or abs(bonus - difference.sum().item()) < 1e-4
    )


def test_terminal_episodes_are_not_bootstrapped(settings_for):
    settings = settings_for("env.game.episode_end=termination")
    plain, dones, _ = _rollout_rewards(settings, 0.0)
    boosted, _, bonus = _rollout_rewards(settings, 0.99)
    assert dones.any() and torch.equal(plain, boosted) and bonus == 0.0
