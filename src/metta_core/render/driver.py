"""Drive one `VecEnv` with one actor, a frame at a time: the loop shared by every viewer.

`metta render`, `metta replay` and `metta play` all need the same thing: reset, ask the actor for
actions (checked against the action space, so a policy trained for another env fails with a clear
message instead of corrupting the game), optionally let a human choose some agents' actions, step.
This module must not draw anything or record anything: renderers and recorders read
`env.snapshot()` after each step.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from metta_core.errors import PolicyError


def check_actions(actions: Any, env: Any, policy: str) -> np.ndarray:
    """`actions` as int32 `(total_agents, 2)`, or a PolicyError that says what does not fit."""
    array = np.asarray(actions)
    expected = (env.total_agents, 2)
    if array.shape != expected:
        raise PolicyError(
            f"policy {policy}: returned actions of shape {array.shape}, the env needs {expected} "
            f"(one (action, argument) row per agent)"
        )
    if not np.issubdtype(array.dtype, np.integer):
        raise PolicyError(f"policy {policy}: returned actions of dtype {array.dtype}, the env needs integers")
    names = list(env.action_names)
    max_args = np.asarray(env.action_max_args, dtype=np.int64)
    kinds = array[:, 0].astype(np.int64)
    bad_kind = (kinds < 0) | (kinds >= len(names))
    if bad_kind.any():
        row = int(np.flatnonzero(bad_kind)[0])
        raise PolicyError(
            f"policy {policy}: agent {row} chose action {int(kinds[row])}, but this env has "
            f"{len(names)} actions ({', '.join(names)}): was the policy trained for another env?"
        )
    args = array[:, 1].astype(np.int64)
    bad_arg = (args < 0) | (args > max_args[kinds])
    if bad_arg.any():
        row = int(np.flatnonzero(bad_arg)[0])
        name = names[int(kinds[row])]
        raise PolicyError(
            f"policy {policy}: agent {row} chose {name} with argument {int(args[row])}, "
            f"outside 0..{int(max_args[kinds[row]])}"
        )
    return array.astype(np.int32, copy=False)


@dataclass
class StepOutcome:
    """What one step of environment 0 produced."""

    rewards: np.ndarray  # float32, one per agent of env 0
    done: bool  # the episode of env 0 ended with this step (the env has already reset itself)


class EpisodeDriver:
    """Runs environment 0 of `env` with `actor`; `human_actions` lets a caller override agents."""

    def __init__(self, env: Any, actor: Any, policy: str, seed: int = 0):
        self.env = env
        self.actor = actor
        self.policy = policy
        self.seed = seed
        self.steps = 0
        self._obs: np.ndarray | None = None
        self._global_obs: np.ndarray | None = None
        self._done_mask = np.ones(env.total_agents, dtype=bool)

    def reset(self) -> None:
        self._obs, self._global_obs = self.env.reset(seed=self.seed)
        self.actor.reset(self.env.total_agents)
        self._done_mask = np.ones(self.env.total_agents, dtype=bool)
        self.steps = 0

    def choose_actions(self) -> np.ndarray:
        """The actor's checked actions for the current observations (a copy the caller may edit)."""
        if self._obs is None:
            self.reset()
        actions = self.actor.act(self._obs, self._global_obs, self._done_mask)
        return check_actions(actions, self.env, self.policy).copy()

    def step(self, human_actions: dict[int, tuple[int, int]] | None = None) -> StepOutcome:
        actions = self.choose_actions()
        for agent, (action, arg) in (human_actions or {}).items():
            actions[agent] = (action, arg)
        obs, global_obs, rewards, terminals, truncations = self.env.step(actions)
        self._obs, self._global_obs = obs, global_obs
        done_rows = np.asarray(terminals, dtype=bool) | np.asarray(truncations, dtype=bool)
        self._done_mask = done_rows.copy()
        self.steps += 1
        agents = self.env.num_agents
        return StepOutcome(
            rewards=np.array(rewards[:agents], dtype=np.float32), done=bool(done_rows[:agents].any())
        )


def open_driver(env_config: Any, policy: str, seed: int = 0, device: str = "cpu") -> EpisodeDriver:
    """A one-env `VecEnv` of `env_config` driven by the actor for `policy`, reset and ready."""
    from metta_core.env.vecenv import VecEnv
    from metta_core.sim.actors import make_actor

    env = VecEnv(env_config, num_envs=1, seed=seed)
    actor = make_actor(policy, env, device=device, seed=seed)
    driver = EpisodeDriver(env, actor, policy, seed)
    driver.reset()
    return driver
