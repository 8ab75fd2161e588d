"""The preallocated experience buffer of one rollout, laid out as (agent, time) for BPTT segments.

Rows are agents (env-major, as the VecEnv numbers them), columns are rollout steps. A rollout of
`horizon` steps is cut into segments of `bptt_horizon` steps; the recurrent state at the start of
each segment is stored so the update can replay the LSTM from there. This module allocates and
slices tensors; it runs no network and no environment.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass
class Minibatch:
    """A group of BPTT segments: tensors shaped (segments, bptt_horizon, ...)."""

    obs: torch.Tensor
    global_obs: torch.Tensor
    starts: torch.Tensor
    actions: torch.Tensor
    logprobs: torch.Tensor
    values: torch.Tensor
    advantages: torch.Tensor
    returns: torch.Tensor
    state: tuple[torch.Tensor, torch.Tensor]
    #: Kickstarting only: the teacher's action distribution, value, and which steps it labelled.
    teacher_probs: torch.Tensor | None = None
    teacher_values: torch.Tensor | None = None
    teacher_mask: torch.Tensor | None = None


def rollout_horizon(batch_size: int, total_agents: int, bptt_horizon: int) -> int:
    """Steps per rollout: enough for `batch_size` agent steps, a whole number of BPTT segments."""
    segments = -(-batch_size // (total_agents * bptt_horizon))
    return max(1, segments) * bptt_horizon


class RolloutBuffer:
    """Every tensor one update needs, created once and overwritten by each rollout."""

    def __init__(
        self,
        num_agents: int,
        horizon: int,
        bptt_horizon: int,
        obs_shape: tuple[int, int, int],
        num_global_features: int,
        lstm_size: int,
        device: torch.device | str = "cpu",
    ):
        if horizon % bptt_horizon:
            raise ValueError(f"rollout horizon {horizon} is not a multiple of bptt_horizon {bptt_horizon}")
        self.num_agents, self.horizon, self.bptt_horizon = num_agents, horizon, bptt_horizon
        self.segments_per_agent = horizon // bptt_horizon
        shape = (num_agents, horizon)
        self.obs = torch.zeros(*shape, *obs_shape, dtype=torch.uint8, device=device)
        self.global_obs = torch.zeros(*shape, num_global_features, device=device)
        self.starts = torch.zeros(shape, dtype=torch.bool, device=device)
        self.actions = torch.zeros(shape, dtype=torch.long, device=device)
        self.logprobs = torch.zeros(shape, device=device)
        self.values = torch.zeros(shape, device=device)
        self.rewards = torch.zeros(shape, device=device)
        self.dones = torch.zeros(shape, device=device)
        self.advantages = torch.zeros(shape, device=device)
        self.returns = torch.zeros(shape, device=device)
        #: The sum of the truncation bootstraps added to `rewards` by the last rollout.
        self.bootstrapped = 0.0
        state = (num_agents, self.segments_per_agent, max(lstm_size, 1))
        self.state_h = torch.zeros(state, device=device)
        self.state_c = torch.zeros(state, device=device)
        self.teacher_probs: torch.Tensor | None = None
        self.teacher_values: torch.Tensor | None = None
        self.teacher_mask: torch.Tensor | None = None

    def add_teacher_targets(self, num_pairs: int, values: bool) -> None:
        """Room for a kickstarting teacher's labels (see `rl.kickstart`); `values` when it gives them."""
        shape, device = (self.num_agents, self.horizon), self.obs.device
        self.teacher_probs = torch.zeros(*shape, num_pairs, device=device)
        self.teacher_values = torch.zeros(shape, device=device) if values else None
        self.teacher_mask = torch.zeros(shape, dtype=torch.bool, device=device)

    @property
    def num_segments(self) -> int:
        return self.num_agents * self.segments_per_agent

    @property
    def size(self) -> int:
        return self.num_agents * self.horizon

    def _segments(self, tensor: torch.Tensor) -> torch.Tensor:
        # (agents, horizon, ...) -> (agents * segments_per_agent, bptt, ...): a view, no copy.
        return tensor.view(self.num_segments, self.bptt_horizon, *tensor.shape[2:])

    def minibatch(self, segment_ids: torch.Tensor) -> Minibatch:
        def take(tensor: torch.Tensor) -> torch.Tensor:
            return self._segments(tensor)[segment_ids]

        h = self.state_h.view(self.num_segments, -1)[segment_ids].unsqueeze(0)
        c = self.state_c.view(self.num_segments, -1)[segment_ids].unsqueeze(0)
        return Minibatch(
            obs=take(self.obs),
            global_obs=take(self.global_obs),
            starts=take(self.starts),
            actions=take(self.actions),
            logprobs=take(self.logprobs),
            values=take(self.values),
            advantages=take(self.advantages),
            returns=take(self.returns),
            state=(h.contiguous(), c.contiguous()),
            teacher_probs=None if self.teacher_probs is None else take(self.teacher_probs),
            teacher_values=None if self.teacher_values is None else take(self.teacher_values),
            teacher_mask=None if self.teacher_mask is None else take(self.teacher_mask),
        )
