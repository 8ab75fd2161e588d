"""Views of a `VecEnv` through the APIs other trainers already speak: Gymnasium and PettingZoo.

- `MettaGymEnv`: a `gymnasium.Env` of a one-agent environment (one env, one agent).
- `MettaVectorEnv`: a `gymnasium.vector.VectorEnv` where every agent of every env is one sub-env.
- `MettaParallelEnv`: a PettingZoo `ParallelEnv` of one multi-agent environment.

An observation is a dict, `grid` (uint8 `(C, H, W)`) and `global` (float32 `(G,)`), or a float or
flat layout (`obs_dtype`, `flatten`: see `observation_format`). An action is `(action index,
argument)` as a `MultiDiscrete`; arguments above an action's maximum are invalid actions, penalised
by the game as usual.

Episode ends: the engine starts the next episode inside the step that ends one, and keeps the
ending episode's last observation aside (`VecEnv.final_obs`). The one-episode views (Gym `Env`,
PettingZoo) return that last observation with `terminated`/`truncated`, and their next `reset()`
without a seed hands over the episode the engine already started (no second reset). The vector
env follows Gymnasium's same-step autoreset: the observation is the next episode's first one and
`infos["final_obs"]` holds the ending one (see `episode_info`).

These adapters copy the buffers they return and never run rules of their own.
"""

from __future__ import annotations

import time
from typing import Any

import gymnasium
import numpy as np
from gymnasium import spaces
from gymnasium.vector.utils import batch_space
from pettingzoo import ParallelEnv

from metta_core.env.adapter_render import RENDER_FPS, RENDER_MODES, check_render_mode, render_env
from metta_core.env.config import EnvConfig
from metta_core.env.episode_info import agent_stats, vector_final_info
from metta_core.env.observation_format import ObservationFormat
from metta_core.env.vecenv import VecEnv
from metta_core.errors import ConfigError


def action_space(env: VecEnv) -> spaces.MultiDiscrete:
    return spaces.MultiDiscrete([len(env.action_names), int(env.action_max_args.max()) + 1])


def observation_format(env: VecEnv, obs_dtype: str, flatten: bool) -> ObservationFormat:
    return ObservationFormat(env.obs_shape, env.num_global_features, obs_dtype=obs_dtype, flatten=flatten)


def observation_space(env: VecEnv) -> spaces.Space:
    """The engine's own observation space of one agent (the default format)."""
    return observation_format(env, "uint8", False).space()


def _rows(fmt: ObservationFormat, batch: Any, count: int) -> list[Any]:
    """A batch in `fmt` split into one observation per row."""
    if fmt.flatten:
        return list(batch)
    return [{key: value[i] for key, value in batch.items()} for i in range(count)]


class MettaGymEnv(gymnasium.Env):
    """A one-agent environment as a `gymnasium.Env`."""

    metadata = {"render_modes": RENDER_MODES, "render_fps": RENDER_FPS}

    def __init__(
        self,
        config: EnvConfig,
        seed: int = 0,
        render_mode: str | None = None,
        obs_dtype: str = "uint8",
        flatten: bool = False,
    ):
        if config.game.num_agents != 1:
            raise ConfigError(
                f"game.num_agents: the Gymnasium single-env view needs 1 agent, got {config.game.num_agents}"
                " (use MettaVectorEnv or MettaParallelEnv, or a one-agent preset such as navigation_single)"
            )
        self.render_mode = check_render_mode(render_mode)
        self.env = VecEnv(config, num_envs=1, seed=seed)
        self.format = observation_format(self.env, obs_dtype, flatten)
        self.observation_space = self.format.space()
        self.action_space = action_space(self.env)
        self._actions = np.zeros((1, 2), dtype=np.int32)
        self._episode_started = True  # the engine starts an episode on construction

    def _current_obs(self):
        return self.format.one(self.env.obs[0], self.env.global_obs[0])

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        if seed is not None or not self._episode_started:
            self.env.reset(seed=seed)
        self._episode_started = False
        return self._current_obs(), {}

    def step(self, action):
        self._actions[0] = np.asarray(action, dtype=np.int32)
        _, _, rewards, terminals, truncations = self.env.step(self._actions)
        info: dict[str, Any] = {}
        if terminals[0] or truncations[0]:
            observation = self.format.one(self.env.final_obs[0], self.env.final_global_obs[0])
            info["stats"] = agent_stats(self.env.drain_episodes()[-1], 0)
            self._episode_started = True
        else:
            observation = self._current_obs()
        return observation, float(rewards[0]), bool(terminals[0]), bool(truncations[0]), info

    def render(self):
        return render_env(self.env, self.render_mode)


class MettaVectorEnv(gymnasium.vector.VectorEnv):
    """Every agent of `num_envs` environments as one sub-env of a Gymnasium vector env: sub-env
    `e * agents + a` is agent `a` of environment `e`, so `self.num_envs` counts agents."""

    metadata = {
        "autoreset_mode": gymnasium.vector.AutoresetMode.SAME_STEP,
        "render_modes": RENDER_MODES,
        "render_fps": RENDER_FPS,
    }

    def __init__(
        self,
        config: EnvConfig,
        num_envs: int = 1,
        seed: int = 0,
        threads: int = 1,
        render_mode: str | None = None,
        obs_dtype: str = "uint8",
        flatten: bool = False,
    ):
        self.render_mode = check_render_mode(render_mode)
        self.env = VecEnv(config, num_envs=num_envs, seed=seed, threads=threads)
        self.num_envs = self.env.total_agents
        self.format = observation_format(self.env, obs_dtype, flatten)
        self.single_observation_space = self.format.space()
        self.single_action_space = action_space(self.env)
        self.observation_space = batch_space(self.single_observation_space, self.num_envs)
        self.action_space = batch_space(self.single_action_space, self.num_envs)
        self._started_at = np.full(self.env.num_envs, time.perf_counter())

    def reset(self, *, seed: int | None = None, options: dict | None = None):
        super().reset(seed=seed)
        obs, global_obs = self.env.reset(seed=seed)
        self._started_at[:] = time.perf_counter()
        return self.format.batch(obs, global_obs), {}

    def step(self, actions):
        obs, global_obs, rewards, terminals, truncations = self.env.step(np.asarray(actions))
        infos: dict[str, Any] = {}
        episodes = self.env.drain_episodes()
        if episodes:
            infos = self._final_infos(episodes)
        return self.format.batch(obs, global_obs), rewards.copy(), terminals.copy(), truncations.copy(), infos

    def _final_infos(self, episodes) -> dict[str, Any]:
        now = time.perf_counter()
        final_info, mask = vector_final_info(
            episodes, self.num_envs, self.env.num_agents, now - self._started_at
        )
        self._started_at[[episode.env_index for episode in episodes]] = now
        rows = np.flatnonzero(mask)
        last = self.format.batch(self.env.final_obs[rows], self.env.final_global_obs[rows])
        final_obs = np.full(self.num_envs, None, dtype=object)
        for row, observation in zip(rows.tolist(), _rows(self.format, last, len(rows)), strict=True):
            final_obs[row] = observation
        return {"final_obs": final_obs, "_final_obs": mask, "final_info": final_info, "_final_info": mask}

    def render(self):
        """One frame per environment (not per agent: an environment's agents share its map)."""
        if self.render_mode is None:
            return None
        return tuple(render_env(self.env, self.render_mode, e) for e in range(self.env.num_envs))

    def close_extras(self, **kwargs: Any) -> None:
        self.env.close()


class MettaParallelEnv(ParallelEnv):
    """One multi-agent environment as a PettingZoo `ParallelEnv`; agents are `agent_<i>`. Every
    agent's episode ends on the same step."""

    metadata = {
        "name": "metta_v0",
        "render_modes": RENDER_MODES,
        "render_fps": RENDER_FPS,
        "is_parallelizable": True,
    }

    def __init__(
        self,
        config: EnvConfig,
        seed: int = 0,
        render_mode: str | None = None,
        obs_dtype: str = "uint8",
        flatten: bool = False,
    ):
        self.render_mode = check_render_mode(render_mode)
        self.env = VecEnv(config, num_envs=1, seed=seed)
        self.format = observation_format(self.env, obs_dtype, flatten)
        self.possible_agents = [f"agent_{i}" for i in range(self.env.num_agents)]
        self.agents: list[str] = []
        self._observation_space = self.format.space()
        self._action_space = action_space(self.env)
        self._actions = np.zeros((self.env.num_agents, 2), dtype=np.int32)
        self._index = {name: i for i, name in enumerate(self.possible_agents)}
        self._episode_started = True

    def observation_space(self, agent: str) -> spaces.Space:
        return self._observation_space

    def action_space(self, agent: str) -> spaces.MultiDiscrete:
        return self._action_space

    def _observations(self, grid: np.ndarray, global_obs: np.ndarray) -> dict[str, Any]:
        count = len(self.possible_agents)
        return dict(
            zip(
                self.possible_agents,
                _rows(self.format, self.format.batch(grid, global_obs), count),
                strict=True,
            )
        )

    def reset(self, seed: int | None = None, options: dict | None = None):
        if seed is not None or not self._episode_started:
            self.env.reset(seed=seed)
        self._episode_started = False
        self.agents = list(self.possible_agents)
        return self._observations(self.env.obs, self.env.global_obs), {name: {} for name in self.agents}

    def step(self, actions: dict[str, Any]):
        self._actions[:] = 0  # agents without an action this step noop (index 0)
        for name, action in actions.items():
            if name in self._index:
                self._actions[self._index[name]] = np.asarray(action, dtype=np.int32)
        _, _, rewards, terminals, truncations = self.env.step(self._actions)
        names = self.possible_agents
        reward = dict(zip(names, rewards.tolist(), strict=True))
        terminated = dict(zip(names, terminals.tolist(), strict=True))
        truncated = dict(zip(names, truncations.tolist(), strict=True))
        infos: dict[str, dict] = {name: {} for name in names}
        if terminals.any() or truncations.any():
            observations = self._observations(self.env.final_obs, self.env.final_global_obs)
            episode = self.env.drain_episodes()[-1]
            for i, name in enumerate(names):
                infos[name]["stats"] = agent_stats(episode, i)
            self.agents = []  # every agent's episode ends together
            self._episode_started = True
        else:
            observations = self._observations(self.env.obs, self.env.global_obs)
        return observations, reward, terminated, truncated, infos

    def render(self):
        return render_env(self.env, self.render_mode)

    def close(self) -> None:
        self.env.close()
