"""Kickstarting: a teacher labels the steps the student takes, and the update adds a loss that
pulls the student's action distribution (and value) towards the teacher's.

The teacher acts on nothing: the student plays every step (so the labels cover the states the
student actually reaches, as in DAgger), and the teacher says what it would have done there. Two
kinds of teacher:
- `scripted`, the built-in full-information planner: it reads the env's state, so it is asked
  before the env steps; it gives one action (a one-hot target) and no value. It costs ~0.2 ms per
  agent per step, so `agents_per_step` can limit it to a few agents a step, taken in turn.
- a trained policy (any policy URI): its action distribution and value on every agent, with its
  own recurrent state.
The teacher's weight is 1, then falls linearly to 0 over the last `anneal_ratio` of
`kickstart_steps`; after that the teacher is not asked at all.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import torch

from metta_core.errors import ConfigError, PolicyError
from metta_core.rl.settings import KickstartConfig

if TYPE_CHECKING:
    from metta_core.env.vecenv import VecEnv
    from metta_core.policy.network import PolicySpec
    from metta_core.rl.buffer import RolloutBuffer


def kickstart_weight(config: KickstartConfig, agent_steps: int) -> float:
    """The teacher's weight after `agent_steps`: 1, then a linear fall to 0 at kickstart_steps."""
    if config.teacher_uri is None or agent_steps >= config.kickstart_steps:
        return 0.0
    fade_start = (1.0 - config.anneal_ratio) * config.kickstart_steps
    if agent_steps <= fade_start:
        return 1.0
    return (config.kickstart_steps - agent_steps) / (config.kickstart_steps - fade_start)


class Teacher:
    """Labels rollout steps: `label(buffer, t, obs, global_obs, starts)` before the env steps."""

    def __init__(
        self, config: KickstartConfig, env: VecEnv, spec: PolicySpec, device: torch.device, seed: int
    ):
        self.config = config
        self.env = env
        self.device = device
        self.policy = None
        self.actor = None
        self.next_row = 0
        if config.teacher_uri == "scripted":
            from metta_core.sim.scripted import ScriptedActor

            self.actor = ScriptedActor(env, seed)
            # (action, argument) -> flat index of the student's action space.
            pairs = spec.action_pairs()
            self.pair_index = np.full((len(spec.action_max_args), max(spec.action_max_args) + 1), -1)
            self.pair_index[pairs[:, 0], pairs[:, 1]] = np.arange(len(pairs))
        else:
            self.policy = _load_policy_teacher(config.teacher_uri, env, device)
            self.state = self.policy.initial_state(env.total_agents, device)

    @property
    def gives_values(self) -> bool:
        return self.policy is not None

    def label(
        self,
        buffer: RolloutBuffer,
        t: int,
        obs: torch.Tensor,
        global_obs: torch.Tensor,
        starts: torch.Tensor,
    ) -> None:
        """Fill column `t` of the buffer's teacher targets for the observation about to be acted on."""
        if self.policy is not None:
            keep = (~starts).float().view(1, -1, 1)
            self.state = (self.state[0] * keep, self.state[1] * keep)
            logits, values, self.state = self.policy.step(obs, global_obs, self.state)
            buffer.teacher_probs[:, t] = torch.softmax(logits, -1)
            buffer.teacher_values[:, t] = values
            buffer.teacher_mask[:, t] = True
            return
        total = self.env.total_agents
        count = min(self.config.agents_per_step or total, total)
        rows = (self.next_row + np.arange(count)) % total
        self.next_row = int((self.next_row + count) % total)
        self.actor.bind(rows)
        rows_t = torch.from_numpy(rows).to(self.device)
        # The planner reads the env's state; the observations only tell it how many agents.
        actions = self.actor.act(
            obs[rows_t].cpu().numpy(), global_obs[rows_t].cpu().numpy(), np.zeros(count, bool)
        )
        index = torch.from_numpy(self.pair_index[actions[:, 0], actions[:, 1]]).to(self.device)
        buffer.teacher_mask[:, t] = False
        buffer.teacher_mask[rows_t, t] = True
        buffer.teacher_probs[rows_t, t] = 0.0
        buffer.teacher_probs[rows_t, t, index] = 1.0


def _load_policy_teacher(uri: str, env: VecEnv, device: torch.device):
    """The teacher's network, which must play this env's observations and actions."""
    from metta_core.policy.actor import check_compatible
    from metta_core.policy.store import PolicyStore

    records = PolicyStore().records(uri, selector="latest", top_k=1)
    if not records:
        raise ConfigError(f"trainer.kickstart.teacher_uri: {uri}: no policy found")
    teacher = records[0].checkpoint()
    try:
        check_compatible(teacher.spec, env, uri)
    except PolicyError as err:
        raise ConfigError(
            f"trainer.kickstart.teacher_uri: {uri}: the teacher plays other observations or actions ({err})"
        ) from None
    return teacher.build_policy(device).eval()


def kickstart_losses(
    logits: torch.Tensor,
    values: torch.Tensor,
    probs: torch.Tensor,
    teacher_values: torch.Tensor | None,
    mask: torch.Tensor,
) -> tuple[torch.Tensor, torch.Tensor]:
    """Flattened rows: cross-entropy of the student's actions against the teacher's distribution,
    and half the squared error to the teacher's value (0 for a teacher without values), both
    averaged over the rows the teacher labelled."""
    labelled = mask.nonzero().squeeze(-1)
    zero = logits.sum() * 0.0
    if labelled.numel() == 0:
        return zero, zero
    log_probs = torch.log_softmax(logits[labelled], -1)
    action_loss = -(probs[labelled] * log_probs).sum(-1).mean()
    if teacher_values is None:
        return action_loss, zero
    value_loss = 0.5 * ((values[labelled] - teacher_values[labelled]) ** 2).mean()
    return action_loss, value_loss
