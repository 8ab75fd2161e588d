"""Views of a `VecEnv` through the APIs other trainers already speak: Gymnasium and PettingZoo.

- `MettaGymEnv`: a `gymnasium.Env` of a one-agent environment (one env, one agent).
- `MettaVectorEnv`: a `gymnasium.vector.VectorEnv` where every agent of every env is one sub-env.
- `MettaParallelEnv`: a PettingZoo `ParallelEnv` of one multi-agent environment.

An observation is a dict: `grid` (uint8 `(C, H, W)`) and `global` (float32 `(G,)`). An action is
`(action index, argument)` as a `MultiDiscrete`; arguments above an action's maximum are invalid
actions, penalised by the game as usual. The engine resets a finished episode inside the step, so
the observation returned with `terminated`/`truncated` is already the next episode's first one
(Gymnasium's "same step" autoreset); the Gym and PettingZoo single-episode views hide that by
ending the episode for the caller, who then calls `reset()`.

These adapters copy the buffers they return and never run rules of their own.
"""

from __future__ import annotations

from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces
from gymnasium.vector.utils import batch_space
from pettingzoo import ParallelEnv

from metta_core.env.config import EnvConfig
from metta_core.env.vecenv import VecEnv
from metta_core.errors import ConfigError


def observation_space(env: VecEnv) -> spaces.Dict:
    return spaces.Dict(
        {
            "grid": spaces.Box(0, 255, env.obs_shape, dtype=np.uint8),
            "global": spaces.Box(-1e9, 1e9, (env.num_global_features,), dtype=np.float32),
        }
    )


def action_space(env: VecEnv) -> spaces.MultiDiscrete:
    return spaces.MultiDiscrete([len(env.action_names), int(env.action_max_args.max()) + 1])


def _obs(env: VecEnv, row: int) -> dict[str, np.ndarray]:
    return {"grid": env.obs[row].copy(), "global": env.global_obs[row].copy()}


class MettaGymEnv(gymnasium.Env):
    """A one-agent environment as a `gymnasium.Env`."""

    metadata = {"render_modes": []}

    def __init__(self, config: EnvConfig, seed: int = 0):
        if config.game.num_agents != 1:
            raise ConfigError(
                f"game.num_agents: the Gymnasium single-env view needs 1 agent, got {config.game.num_agents}"
                " (use MettaVectorEnv or MettaParallelEnv)"
            )
        self.env = VecEnv(config, num_envs=1, seed=seed)
        self.observation_space = observation_space(self.env)
        self.action_space = action_space(self.env)
        self._actions = np.zeros((1, 2), dtype=np.int32)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        self.env.reset(seed=seed)
        return _obs(self.env, 0), {}

    def step(self, action):
        self._actions[0] = np.asarray(action, dtype=np.int32)
        _, _, rewards, terminals, truncations = self.env.step(self._actions)
        info: dict[str, Any] = {}
        episodes = self.env.drain_episodes()
        if episodes:
            info["episode_stats"] = episodes[-1]
        return _obs(self.env, 0), float(rewards[0]), bool(terminals[0]), bool(truncations[0]), info


class MettaVectorEnv(gymnasium.vector.VectorEnv):
    """Every agent of `num_envs` environments as one sub-env of a Gymnasium vector env."""

    metadata = {"autoreset_mode": gymnasium.vector.AutoresetMode.SAME_STEP}

    def __init__(self, config: EnvConfig, num_envs: int = 1, seed: int = 0, threads: int = 1):
        self.env = VecEnv(config, num_envs=num_envs, seed=seed, threads=threads)
        self.num_envs = self.env.total_agents
        self.single_observation_space = observation_space(self.env)
        self.single_action_space = action_space(self.env)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        obs, global_obs = self.env.reset(seed=seed)
        return {"grid": obs.copy(), "global": global_obs.copy()}, {}

    def step(self, actions):
        obs, global_obs, rewards, terminals, truncations = self.env.step(np.asarray(actions, dtype=np.int32))
        infos: dict[str, Any] = {}
        episodes = self.env.drain_episodes()
        if episodes:
            infos["episode_stats"] = episodes
        return (
            {"grid": obs.copy(), "global": global_obs.copy()},
            rewards.copy(),
            terminals.copy(),
            truncations.copy(),
            infos,
        )


class MettaParallelEnv(ParallelEnv):
    """One multi-agent environment as a PettingZoo `ParallelEnv`; agents are `agent_<i>`."""

    metadata = {"name": "metta_v0", "render_modes": []}

    def __init__(self, config: EnvConfig, seed: int = 0):
        self.env = VecEnv(config, num_envs=1, seed=seed)
        self.possible_agents = [f"agent_{i}" for i in range(self.env.num_agents)]
        self.agents: list[str] = []
        self._observation_space = observation_space(self.env)
        self._action_space = action_space(self.env)
        self._actions = np.zeros((self.env.num_agents, 2), dtype=np.int32)

    def observation_space(self, agent: str) -> spaces.Dict:
        return self._observation_space

    def action_space(self, agent: str) -> spaces.MultiDiscrete:
        return self._action_space

    def reset(self, seed: int | None = None, options: dict | None = None):
        self.env.reset(seed=seed)
        self.agents = list(self.possible_agents)
        observations = {name: _obs(self.env, i) for i, name in enumerate(self.possible_agents)}
        return observations, {name: {} for name in self.agents}

    def step(self, actions: dict[str, Any]):
        self._actions[:] = 0  # agents without an action this step noop (index 0)
        for i, name in enumerate(self.possible_agents):
            if name in actions:
                self._actions[i] = np.asarray(actions[name], dtype=np.int32)
        _, _, rewards, terminals, truncations = self.env.step(self._actions)
        names = list(self.agents)
        observations = {name: _obs(self.env, self.possible_agents.index(name)) for name in names}
        reward = {name: float(rewards[self.possible_agents.index(name)]) for name in names}
        terminated = {name: bool(terminals[self.possible_agents.index(name)]) for name in names}
        truncated = {name: bool(truncations[self.possible_agents.index(name)]) for name in names}
        infos: dict[str, dict] = {name: {} for name in names}
        if any(terminated.values()) or any(truncated.values()):
            self.agents = []  # every agent's episode ends together
        return observations, reward, terminated, truncated, infos
