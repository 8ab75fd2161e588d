"""`VecEnv`: N environments x A agents stepped together by one numba call.

The VecEnv owns the state arrays and the output buffers; `step` hands the actions to the kernel
and returns the buffers (overwritten by the next call). Python work happens only when episodes
end: their stats are collected and the next map of those envs is built, so that the kernel can
reset an env inside the step with no wasted step. Nothing here loops over agents per step.

Seeds: episode k of env e uses `episode_seed(seed, e, k)` both for its map and for the env's
in-kernel generator (agent order), so a run is reproducible from (seed, actions) alone.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np

from metta_core.env.config import EnvConfig, GameConfig, fixed_field_changed
from metta_core.env.kernel import (
    AG_ACTION,
    AG_ARG,
    AG_COL,
    AG_COLOR,
    AG_FROZEN,
    AG_OBJECT,
    AG_ORIENTATION,
    AG_ROW,
    AG_SUCCESS,
    AG_TEAM,
    OB_COL,
    OB_CONVERTING,
    OB_COOLDOWN,
    OB_ROW,
    OB_TYPE,
    RW_SHARED,
    RW_TOTAL,
    RuleSets,
    reset_envs,
    step_all,
    step_all_parallel,
)
from metta_core.env.layout import FEATURE_NAMES, GLOBAL_FEATURE_NAMES, NUM_GLOBAL, NUM_LAYERS, STAT_NAMES
from metta_core.env.seeding import episode_seed, episode_seeds
from metta_core.env.state import allocate_state, build_rule_sets, build_rules, encode_map, grow_state
from metta_core.env.table import (
    AGENT,
    FIRST_CONVERTER,
    ITEM_NAMES,
    LAST_CONVERTER,
    OBJECT_NAMES,
    ORIENTATIONS,
)
from metta_core.errors import ConfigError
from metta_core.maps.config import MapConfig


@dataclass
class EpisodeStats:
    """One finished episode of one env."""

    env_index: int
    episode_seed: int
    length: int
    rewards: list[float]  # per agent, after group sharing
    raw_rewards: list[float]  # per agent, before sharing
    agent_teams: list[int]
    counters: np.ndarray  # float32 (agents, len(STAT_NAMES)): the `<thing>.<event>` counters
    #: Index of the map task the episode was drawn from (0 without a curriculum).
    task: int = 0

    @cached_property
    def agent_stats(self) -> list[dict[str, float]]:
        """Per agent, `<thing>.<event>` -> count, plus `reward` (raw). Built on first use: most
        episodes of a fast loop are never read one counter at a time."""
        stats = []
        for row, raw in zip(self.counters.tolist(), self.raw_rewards, strict=True):
            counters = dict(zip(STAT_NAMES, row, strict=True))
            counters["reward"] = raw
            stats.append(counters)
        return stats


@dataclass
class GridSnapshot:
    """The full state of one env at one step, as plain Python data for renderers and replays."""

    height: int
    width: int
    step: int
    objects: list[dict] = field(default_factory=list)
    agents: list[dict] = field(default_factory=list)


#: The most observation memory one VecEnv may ask for: far above any sane num_envs, far below
#: what would make numpy's allocation fail with a MemoryError half way through set-up.
MAX_OBS_BYTES = 64 * 2**30

#: The seed stream of the map pool (no env has this index).
POOL_STREAM = 0xFFFFFFFF


class VecEnv:
    """`num_envs` copies of one environment config, stepped together."""

    def __init__(
        self,
        config: EnvConfig,
        num_envs: int = 1,
        seed: int = 0,
        threads: int = 1,
        tasks: Sequence[MapConfig] | None = None,
        choose_task: Callable[[int], int] | None = None,
        task_games: Sequence[GameConfig] | None = None,
    ):
        """`tasks` (a curriculum's maps; default: the config's one) and `choose_task(env_index) ->
        task index`, asked once per episode when its map is staged, draw each episode's map;
        `task_games` (one per task; default: the config's game for all) its rules. Task games may
        differ from the config's in max_steps, rewards and recipes, not in what shapes the
        observations and actions."""
        if num_envs < 1:
            raise ConfigError(f"num_envs must be >= 1, got {num_envs}")
        if threads < 1:
            raise ConfigError(f"threads must be >= 1, got {threads}")
        self.config = config
        game = config.game
        self.num_envs = num_envs
        self.num_agents = game.num_agents
        self.total_agents = num_envs * game.num_agents
        self.max_steps = game.max_steps
        self.threads = threads
        self.obs_shape = (NUM_LAYERS, game.obs_height, game.obs_width)
        self.num_global_features = NUM_GLOBAL
        self.feature_names = list(FEATURE_NAMES)
        self.global_feature_names = list(GLOBAL_FEATURE_NAMES)
        self.action_names = game.actions.enabled()
        #: (action, item, count) that an action spends: a policy may mask what an agent cannot pay.
        self.action_costs = (
            [("attack", item, count) for item, count in game.attack.cost.items()]
            if "attack" in self.action_names
            else []
        )
        self.item_names = list(ITEM_NAMES)
        self.object_names = list(OBJECT_NAMES)
        self.orientation_names = list(ORIENTATIONS)
        self.stat_names = list(STAT_NAMES)
        self.rules = build_rules(game)  # the config's own game (the planner and renderers read it)
        self.action_max_args = self.rules.action_max_args.copy()

        if self.total_agents * int(np.prod(self.obs_shape)) > MAX_OBS_BYTES:
            raise ConfigError(
                f"num_envs: {num_envs} envs of {self.num_agents} agents need"
                f" {self.total_agents * int(np.prod(self.obs_shape)) / 2**30:.0f} GiB of observations"
                f" (more than the {MAX_OBS_BYTES / 2**30:.0f} GiB one VecEnv may use)"
            )
        self.obs = np.zeros((self.total_agents, *self.obs_shape), dtype=np.uint8)
        self._obs_flat = self.obs.reshape(self.total_agents, -1)  # the kernel's view of `obs`
        self.global_obs = np.zeros((self.total_agents, NUM_GLOBAL), dtype=np.float32)
        self.rewards = np.zeros(self.total_agents, dtype=np.float32)
        self.terminals = np.zeros(self.total_agents, dtype=np.bool_)
        self.truncations = np.zeros(self.total_agents, dtype=np.bool_)
        self._actions = np.zeros((self.total_agents, 2), dtype=np.int32)
        self.task_maps = list(tasks) if tasks else [config.map]
        self.choose_task = choose_task
        self._fixed_maps: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._staged_task = np.zeros(num_envs, dtype=np.int64)
        self.rule_sets = self._task_rules(game, task_games)
        self._current_task = np.zeros(num_envs, dtype=np.int64)
        self._episodes: list[EpisodeStats] = []
        self._state = None
        self._rule_arrays = tuple(self.rule_sets)
        try:
            self._seed_episodes(seed)  # allocates the state arrays
        except MemoryError as err:
            raise ConfigError(
                f"num_envs: {num_envs} envs of {self.num_agents} agents need more memory than this machine"
                f" can allocate ({str(err).splitlines()[0]})"
            ) from None
        self._set_threads()

    def _task_rules(self, game: GameConfig, task_games: Sequence[GameConfig] | None) -> RuleSets:
        """One rules variant per task (its index is the task's): the config's game for every task
        unless `task_games` gives each its own."""
        if not task_games:
            return build_rule_sets([game] * len(self.task_maps))
        if len(task_games) != len(self.task_maps):
            raise ConfigError(f"task_games: {len(task_games)} games for {len(self.task_maps)} tasks")
        for k, task_game in enumerate(task_games):
            field = fixed_field_changed(game, task_game)
            if field is not None:
                raise ConfigError(f"task_games[{k}]: game.{field} must be the env's, like every task's")
        return build_rule_sets(list(task_games))

    # ---- maps and seeds -------------------------------------------------------------------
    def _seed_episodes(self, seed: int) -> None:
        self.seed = seed
        self._map_pool: dict[tuple[int, int], tuple[np.ndarray, np.ndarray]] = {}
        self._episode_index = np.zeros(self.num_envs, dtype=np.int64)
        self._current_seed = np.zeros(self.num_envs, dtype=np.int64)
        envs = np.arange(self.num_envs)
        first = [
            self._build_map(ep_seed, self._draw_task(e))
            for e, ep_seed in enumerate(episode_seeds(seed, envs, np.zeros_like(envs)).tolist())
        ]
        height = max(types.shape[0] for types, _, _ in first)
        width = max(types.shape[1] for types, _, _ in first)
        game = self.config.game
        if self._state is None:
            self._state = allocate_state(
                self.num_envs, self.num_agents, height, width, game.obs_height, game.obs_width
            )
            self._state_arrays = tuple(self._state)
        for e, built in enumerate(first):
            self._stage_map(e, *built)
        reset_envs(
            self._state,
            self.rule_sets,
            np.ones(self.num_envs, dtype=np.bool_),
            self._obs_flat,
            self.global_obs,
        )
        later = episode_seeds(seed, envs, np.ones_like(envs))
        self._current_task[:] = self._staged_task
        for e in range(self.num_envs):
            self._current_seed[e] = int(self._state.next_seed[e])
            self._episode_index[e] = 1
            self._stage_map(e, *self._build_map(int(later[e]), self._draw_task(e)))
        self.agent_teams = self._state.agents[:, :, AG_TEAM].reshape(-1).copy()

    def _draw_task(self, env_index: int) -> int:
        """The task of the next episode of env `env_index` (remembered until that episode ends)."""
        task = int(self.choose_task(env_index)) if self.choose_task is not None else 0
        if not 0 <= task < len(self.task_maps):
            raise ConfigError(f"choose_task: task {task} is not one of the {len(self.task_maps)} tasks")
        self._staged_task[env_index] = task
        return task

    def _build_map(self, ep_seed: int, task: int = 0) -> tuple[np.ndarray, np.ndarray, int]:
        """(types, teams, seed) of the map of the episode whose seed is `ep_seed`, of task `task`."""
        from metta_core.maps.build import build_map

        if task in self._fixed_maps:
            return (*self._fixed_maps[task], ep_seed)
        map_config = self.task_maps[task]
        pool_size = self.config.map_pool_size
        if pool_size:
            # Map i of the pool depends only on (seed, i), so which episodes share a map does not
            # depend on the order in which envs finish: runs stay reproducible.
            return (*self._pool_map(ep_seed % pool_size, task), ep_seed)
        grid = build_map(map_config, np.random.default_rng(ep_seed))
        types, teams = encode_map(grid, self.num_agents, f"map of env {self.config.name!r}")
        if map_config.builder == "ascii" or getattr(map_config, "seed", None) is not None:
            # The same map every episode: build it once.
            self._fixed_maps[task] = (types, teams)
        return types, teams, ep_seed

    def fill_map_pool(self) -> int:
        """Build every map of the pool now instead of on first use; returns the pool's size."""
        pool_size = self.config.map_pool_size
        for task in range(len(self.task_maps)):
            for index in range(pool_size if task not in self._fixed_maps else 0):
                self._pool_map(index, task)
        return pool_size

    def _pool_map(self, index: int, task: int = 0) -> tuple[np.ndarray, np.ndarray]:
        from metta_core.maps.build import build_map

        if (task, index) not in self._map_pool:
            # Task 0's pool is the one a single-task env always had; other tasks get streams of their own.
            stream = POOL_STREAM + task
            grid = build_map(
                self.task_maps[task], np.random.default_rng(episode_seed(self.seed, stream, index))
            )
            self._map_pool[task, index] = encode_map(
                grid, self.num_agents, f"map of env {self.config.name!r}"
            )
        return self._map_pool[task, index]

    def _stage_map(self, env_index: int, types: np.ndarray, teams: np.ndarray, ep_seed: int) -> None:
        st = self._state
        height, width = types.shape
        if height > st.next_type.shape[1] or width > st.next_type.shape[2]:
            game = self.config.game
            self._state = st = grow_state(
                st,
                max(height, st.next_type.shape[1]),
                max(width, st.next_type.shape[2]),
                game.obs_height,
                game.obs_width,
            )
            self._state_arrays = tuple(st)
        st.next_type[env_index, :height, :width] = types
        st.next_team[env_index, :height, :width] = teams
        st.next_size[env_index] = (height, width)
        st.next_seed[env_index] = ep_seed
        st.next_variant[env_index] = self._staged_task[env_index]

    def _set_threads(self) -> None:
        if self.threads > 1:
            import numba

            numba.set_num_threads(min(self.threads, numba.config.NUMBA_NUM_THREADS))

    # ---- the API ----------------------------------------------------------------------------
    def reset(self, seed: int | None = None) -> tuple[np.ndarray, np.ndarray]:
        """Start new episodes in every env (from `seed`, or continuing the current seed's stream)."""
        if seed is None:
            st = self._state
            reset_envs(
                st, self.rule_sets, np.ones(self.num_envs, dtype=np.bool_), self._obs_flat, self.global_obs
            )
            self._after_resets(np.ones(self.num_envs, dtype=np.bool_))
        else:
            self._seed_episodes(seed)
        self._episodes.clear()
        self.rewards[:] = 0
        self.terminals[:] = False
        self.truncations[:] = False
        return self.obs, self.global_obs

    def step(self, actions: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """Advance every env one step. `actions`: int `(total_agents, 2)` (action index, argument).

        The returned arrays are the env's own buffers, valid until the next call. Read or copy
        them; never write into them: observations are updated in place, cell by cell.
        """
        if actions.shape != (self.total_agents, 2):
            raise ConfigError(f"actions: expected shape ({self.total_agents}, 2), got {tuple(actions.shape)}")
        if actions.dtype != np.int32 or not actions.flags.c_contiguous:
            np.copyto(self._actions, actions, casting="unsafe")
            actions = self._actions
        kernel = step_all_parallel if self.threads > 1 else step_all
        ended = kernel(
            self._state_arrays,
            self._rule_arrays,
            actions,
            self._obs_flat,
            self.global_obs,
            self.rewards,
            self.terminals,
            self.truncations,
        )
        if ended:
            self._collect_episodes()
        return self.obs, self.global_obs, self.rewards, self.terminals, self.truncations

    def _collect_episodes(self) -> None:
        st = self._state
        ended = np.flatnonzero(st.ended)
        # One tolist() per array: converting numpy scalars one by one costs more than the episode.
        all_stats = st.ended_stats[ended]  # a copy (fancy indexing): the kernel reuses its rows
        all_rewards = st.ended_reward[ended].tolist()
        all_raw = st.ended_raw[ended].tolist()
        all_teams = st.ended_team[ended].tolist()
        lengths = st.ended_length[ended].tolist()
        seeds = self._current_seed[ended].tolist()
        tasks = self._current_task[ended].tolist()
        for k, e in enumerate(ended.tolist()):
            self._episodes.append(
                EpisodeStats(
                    env_index=e,
                    episode_seed=seeds[k],
                    length=lengths[k],
                    rewards=all_rewards[k],
                    raw_rewards=all_raw[k],
                    agent_teams=all_teams[k],
                    counters=all_stats[k],
                    task=tasks[k],
                )
            )
        mask = np.zeros(self.num_envs, dtype=np.bool_)
        mask[ended] = True
        self._after_resets(mask)

    def _after_resets(self, mask: np.ndarray) -> None:
        """The kernel started new episodes in `mask`'s envs: stage the maps of the ones after."""
        st = self._state
        envs = np.flatnonzero(mask)
        self._current_seed[envs] = st.next_seed[envs]
        self._current_task[envs] = self._staged_task[envs]
        self._episode_index[envs] += 1
        seeds = episode_seeds(self.seed, envs, self._episode_index[envs])
        for e, ep_seed in zip(envs.tolist(), seeds.tolist(), strict=True):
            self._stage_map(e, *self._build_map(ep_seed, self._draw_task(e)))
        self.agent_teams = self._state.agents[:, :, AG_TEAM].reshape(-1).copy()

    @property
    def final_mask(self) -> np.ndarray:
        """bool `(total_agents,)`: the rows whose episode ended on the last step."""
        return self.terminals | self.truncations

    @property
    def final_obs(self) -> np.ndarray:
        """uint8 `(total_agents, C, H, W)`: for the rows of `final_mask`, the ending episode's last
        observation (what `step` returns for them is already the next episode's first one). Other
        rows hold an earlier episode's; read only the masked rows, and never write."""
        return self._state.ended_obs.reshape(self.total_agents, *self.obs_shape)

    @property
    def final_global_obs(self) -> np.ndarray:
        """float32 `(total_agents, G)`: the global features that go with `final_obs`."""
        return self._state.ended_global.reshape(self.total_agents, self.num_global_features)

    def drain_episodes(self) -> list[EpisodeStats]:
        """Episodes finished since the last call (oldest first)."""
        episodes, self._episodes = self._episodes, []
        return episodes

    def snapshot(self, env_index: int = 0) -> GridSnapshot:
        """Every object and agent of env `env_index` as plain Python data (map coordinates)."""
        if not 0 <= env_index < self.num_envs:
            raise ConfigError(f"env_index: must be in 0..{self.num_envs - 1}, got {env_index}")
        st, e = self._state, env_index
        pad_y, pad_x = self.config.game.obs_height // 2, self.config.game.obs_width // 2
        height, width = (int(v) for v in st.map_size[e])
        snap = GridSnapshot(height=height, width=width, step=int(st.step_count[e]))
        objects = st.objects[e]
        items = st.object_items[e]
        for o in range(int(st.num_objects[e])):
            type_id = int(objects[o, OB_TYPE])
            if type_id == AGENT:
                continue
            entry = {
                "id": o,
                "type_id": type_id,
                "type_name": OBJECT_NAMES[type_id],
                "row": int(objects[o, OB_ROW]) - pad_y,
                "col": int(objects[o, OB_COL]) - pad_x,
                "inventory": [int(v) for v in items[o, 0] + items[o, 1]],
            }
            if FIRST_CONVERTER <= type_id <= LAST_CONVERTER:
                entry["converting"] = bool(objects[o, OB_CONVERTING] > 0)
                entry["cooldown_remaining"] = int(objects[o, OB_COOLDOWN])
                entry["ready"] = bool(items[o, 1].sum() > 0)
            snap.objects.append(entry)
        agents = st.agents[e]
        rewards = st.agent_rewards[e]
        for a in range(self.num_agents):
            snap.agents.append(
                {
                    "agent_id": a,
                    "object_id": int(agents[a, AG_OBJECT]),
                    "row": int(agents[a, AG_ROW]) - pad_y,
                    "col": int(agents[a, AG_COL]) - pad_x,
                    "orientation": int(agents[a, AG_ORIENTATION]),
                    "inventory": [int(v) for v in st.agent_inventory[e, a]],
                    "frozen": int(agents[a, AG_FROZEN]),
                    "color": int(agents[a, AG_COLOR]),
                    "team": int(agents[a, AG_TEAM]),
                    "last_action": int(agents[a, AG_ACTION]),
                    "last_arg": int(agents[a, AG_ARG]),
                    "last_reward": float(rewards[a, RW_SHARED]),
                    "total_reward": float(rewards[a, RW_TOTAL]),
                    "last_action_success": bool(agents[a, AG_SUCCESS]),
                }
            )
        return snap

    @property
    def state(self):
        """The raw kernel arrays (read them, don't resize them): for tests and tools."""
        return self._state

    def close(self) -> None:
        """Nothing to release; present for adapter symmetry."""
