"""Collect one rollout: every agent of every env acts in one batched forward pass per step.

The env's arrays are read as torch views (no copy until they land in the buffer), actions are
sampled from the flattened (action, argument) space and turned into the env's (n, 2) layout by a
table lookup. The LSTM state of an agent whose episode just ended is cleared before its next step.
This module fills the buffer; it computes no losses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from metta_core.policy.network import LSTMState, MettaPolicy
from metta_core.rl.buffer import RolloutBuffer

if TYPE_CHECKING:
    from metta_core.env.vecenv import VecEnv
    from metta_core.rl.kickstart import Teacher


@dataclass
class RolloutCarry:
    """What one rollout hands the next: the current observations, LSTM state and restart flags."""

    obs: np.ndarray
    global_obs: np.ndarray
    state: LSTMState
    starts: torch.Tensor

    @classmethod
    def begin(cls, env: VecEnv, policy: MettaPolicy, device: torch.device, seed: int) -> RolloutCarry:
        obs, global_obs = env.reset(seed=seed)
        return cls(
            obs=obs,
            global_obs=global_obs,
            state=policy.initial_state(env.total_agents, device),
            starts=torch.ones(env.total_agents, dtype=torch.bool, device=device),
        )


def collect_rollout(
    env: VecEnv,
    policy: MettaPolicy,
    buffer: RolloutBuffer,
    carry: RolloutCarry,
    action_pairs: np.ndarray,
    generator: torch.Generator,
    should_stop: Callable[[], bool] = lambda: False,
    bootstrap_gamma: float = 0.0,
    teacher: Teacher | None = None,
) -> bool:
    """Fill `buffer` with `buffer.horizon` steps; False when `should_stop` cut it short.

    With `bootstrap_gamma`, a step that truncated an episode gets `bootstrap_gamma * V(last
    observation of that episode)` added to its reward, so GAE, which stops at every episode end,
    still values what the time limit cut off. A kickstarting `teacher` labels each step before
    the env takes it.
    """
    device = buffer.obs.device
    buffer.bootstrapped = 0.0
    for t in range(buffer.horizon):
        if should_stop():
            return False
        obs = torch.from_numpy(carry.obs).to(device, non_blocking=True)
        global_obs = torch.from_numpy(carry.global_obs).to(device, non_blocking=True)
        buffer.obs[:, t] = obs
        buffer.global_obs[:, t] = global_obs
        buffer.starts[:, t] = carry.starts
        if t % buffer.bptt_horizon == 0:
            segment = t // buffer.bptt_horizon
            buffer.state_h[:, segment] = carry.state[0][0]
            buffer.state_c[:, segment] = carry.state[1][0]

        if teacher is not None:
            teacher.label(buffer, t, obs, global_obs, carry.starts)
        policy.observe_ranges(obs, global_obs)
        logits, values, state = policy.step(obs, global_obs, carry.state)
        log_probs = torch.log_softmax(logits, -1)
        actions = torch.multinomial(log_probs.exp(), 1, generator=generator)
        buffer.actions[:, t] = actions.squeeze(-1)
        buffer.logprobs[:, t] = log_probs.gather(-1, actions).squeeze(-1)
        buffer.values[:, t] = values

        carry.obs, carry.global_obs, rewards, terminals, truncations = env.step(
            action_pairs[actions.squeeze(-1).cpu().numpy()]
        )
        done = torch.from_numpy(terminals | truncations).to(device)
        buffer.rewards[:, t] = torch.from_numpy(rewards).to(device)
        if bootstrap_gamma and truncations.any():
            bootstrap_truncated(env, policy, buffer, t, state, np.flatnonzero(truncations), bootstrap_gamma)
        buffer.dones[:, t] = done
        keep = (~done).float().view(1, -1, 1)
        carry.state = (state[0] * keep, state[1] * keep)
        carry.starts = done
    return True


@torch.no_grad()
def bootstrap_truncated(
    env, policy, buffer, t: int, state: LSTMState, rows: np.ndarray, gamma: float
) -> None:
    """Add gamma * V(final observation) to step `t`'s reward of the truncated `rows`; `state` is
    the recurrent state after step t, the one that would have read the next observation."""
    device = buffer.obs.device
    index = torch.from_numpy(rows).to(device)
    obs = torch.from_numpy(env.final_obs[rows]).to(device)
    global_obs = torch.from_numpy(env.final_global_obs[rows]).to(device)
    _, values, _ = policy.step(obs, global_obs, (state[0][:, index], state[1][:, index]))
    buffer.rewards[index, t] += gamma * values
    buffer.bootstrapped += float(gamma * values.sum())


@torch.no_grad()
def bootstrap_value(policy: MettaPolicy, carry: RolloutCarry, device: torch.device) -> torch.Tensor:
    """The value of the observation after the rollout's last step (GAE's bootstrap)."""
    obs = torch.from_numpy(carry.obs).to(device)
    global_obs = torch.from_numpy(carry.global_obs).to(device)
    _, values, _ = policy.step(obs, global_obs, carry.state)
    return values
