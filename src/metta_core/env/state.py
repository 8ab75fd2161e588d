"""Turn an `EnvConfig` into the kernel's arrays: the `Rules` constants and a preallocated `State`.

Also converts map character grids into the kernel's (type, team) codes. Runs once per VecEnv
(and once per map); nothing here runs per step.
"""

from __future__ import annotations

import numpy as np

from metta_core.env.config import GameConfig
from metta_core.env.kernel import (
    AGENT_FIELDS,
    EMPTY,
    NUM_PARAMS,
    OBJECT_FIELDS,
    PARAM_DEFENSE_ITEM,
    PARAM_FAILURE_PENALTY,
    PARAM_FREEZE,
    PARAM_GROUP_PCT,
    PARAM_MAX_STEPS,
    PARAM_OBS_HEIGHT,
    PARAM_OBS_WIDTH,
    PARAM_TERMINATE,
    REWARD_FIELDS,
    TP_COLOR,
    TP_COOLDOWN,
    TP_INITIAL,
    TP_MAX_OUTPUT,
    TP_TICKS,
    TYPE_FIELDS,
    VOID,
    Rules,
    RuleSets,
    State,
)
from metta_core.env.layout import NUM_GLOBAL, NUM_LAYERS, NUM_STATS
from metta_core.env.table import (
    ACTION_NAMES,
    ACTION_TYPES,
    AGENT,
    CHAR_TO_OBJECT,
    ITEM_ID,
    ITEM_NAMES,
    OBJECT_ID,
    OBJECT_TYPES,
)
from metta_core.errors import MapError

NUM_ITEMS = len(ITEM_NAMES)
NUM_TYPES = len(OBJECT_TYPES)


def _item_vector(counts: dict[str, int | float], dtype, fill=0) -> np.ndarray:
    vector = np.full(NUM_ITEMS, fill, dtype=dtype)
    for name, count in counts.items():
        vector[ITEM_ID[name]] = count
    return vector


def build_rules(game: GameConfig) -> Rules:
    recipes = np.zeros((NUM_TYPES, 2, NUM_ITEMS), dtype=np.int32)
    type_params = np.zeros((NUM_TYPES, TYPE_FIELDS), dtype=np.int32)
    for name, recipe in game.objects.recipes().items():
        t = OBJECT_ID[name]
        recipes[t, 0] = _item_vector(recipe.input, np.int32)
        recipes[t, 1] = _item_vector(recipe.output, np.int32)
        type_params[t, TP_COOLDOWN] = recipe.cooldown
        type_params[t, TP_TICKS] = recipe.conversion_ticks
        type_params[t, TP_MAX_OUTPUT] = recipe.max_output
        type_params[t, TP_INITIAL] = recipe.initial_output
        type_params[t, TP_COLOR] = recipe.color
    enabled = game.actions.enabled()
    params = np.zeros(NUM_PARAMS, dtype=np.float64)
    params[PARAM_MAX_STEPS] = game.max_steps
    params[PARAM_GROUP_PCT] = game.group_reward_pct
    params[PARAM_FAILURE_PENALTY] = game.action_failure_penalty
    params[PARAM_TERMINATE] = 1.0 if game.episode_end == "termination" else 0.0
    params[PARAM_FREEZE] = game.attack.freeze_duration
    params[PARAM_DEFENSE_ITEM] = ITEM_ID[game.attack.defense_item]
    params[PARAM_OBS_HEIGHT] = game.obs_height
    params[PARAM_OBS_WIDTH] = game.obs_width
    return Rules(
        recipes=recipes,
        type_params=type_params,
        limits=_item_vector(game.limits(), np.int32),
        item_reward=_item_vector(game.rewards, np.float32),
        item_reward_max=_item_vector(game.rewards_max, np.float32, fill=np.inf),
        action_ids=np.array([ACTION_NAMES.index(name) for name in enabled], dtype=np.int32),
        action_max_args=np.array(
            [ACTION_TYPES[ACTION_NAMES.index(n)].max_arg for n in enabled], dtype=np.int32
        ),
        attack_cost=_item_vector(game.attack.cost, np.int32),
        params=params,
    )


def build_rule_sets(games: list[GameConfig]) -> RuleSets:
    """The rules of each game, stacked: variant `v` plays by `games[v]`. The games must agree on
    what shapes the observations and actions (callers check and say which field differs)."""
    each = [build_rules(game) for game in games]
    return RuleSets(*(np.stack(arrays) for arrays in zip(*each, strict=True)))


#: Character code -> kernel type id / team, as lookup arrays over ord(char) (ASCII only).
_TYPE_OF = np.full(128, -3, dtype=np.int32)
_TEAM_OF = np.zeros(128, dtype=np.int32)
for _char, (_type, _team) in CHAR_TO_OBJECT.items():
    _TYPE_OF[ord(_char)] = _type
    _TEAM_OF[ord(_char)] = _team


def encode_map(grid: np.ndarray, num_agents: int, source: str = "map") -> tuple[np.ndarray, np.ndarray]:
    """(type, team) int32 arrays of a character grid; MapError on unknown characters or a wrong
    number of agents."""
    codes = np.frombuffer(np.ascontiguousarray(grid, dtype="<U1").tobytes(), dtype=np.uint32).reshape(
        grid.shape
    )
    if codes.size and codes.max() >= 128:
        raise MapError(f"{source}: non-ASCII character in the map")
    types = _TYPE_OF[codes]
    if (types == -3).any():
        bad = sorted({str(c) for c in grid[types == -3]})
        raise MapError(f"{source}: unknown map characters {', '.join(repr(c) for c in bad)}")
    agents = int((types == AGENT).sum())
    if agents != num_agents:
        raise MapError(f"{source}: the map places {agents} agents but game.num_agents is {num_agents}")
    return types, _TEAM_OF[codes]


def allocate_state(
    num_envs: int, num_agents: int, height: int, width: int, obs_height: int, obs_width: int
) -> State:
    """Zeroed arrays for `num_envs` envs of maps up to `height` x `width`."""
    n, a = num_envs, num_agents
    grid_h, grid_w = height + 2 * (obs_height // 2), width + 2 * (obs_width // 2)
    m = height * width

    def i32(*shape):
        return np.zeros(shape, dtype=np.int32)

    def f32(*shape):
        return np.zeros(shape, dtype=np.float32)

    return State(
        grid=np.full((n, grid_h, grid_w), VOID, dtype=np.int32),
        features=np.zeros((n, grid_h, grid_w, NUM_LAYERS), dtype=np.uint8),
        map_size=i32(n, 2),
        objects=i32(n, m, OBJECT_FIELDS),
        object_items=i32(n, m, 2, NUM_ITEMS),
        num_objects=i32(n),
        converters=i32(n, m),
        num_converters=i32(n),
        active=i32(n, m),
        num_active=i32(n),
        agents=i32(n, a, AGENT_FIELDS),
        agent_inventory=i32(n, a, NUM_ITEMS),
        agent_rewards=f32(n, a, REWARD_FIELDS),
        agent_order=i32(n, a),
        team_sum=np.zeros((n, 8), dtype=np.float64),
        team_count=i32(n, 8),
        stats=f32(n, a, NUM_STATS),
        step_count=i32(n),
        rng=np.zeros(n, dtype=np.uint64),
        next_type=np.full((n, height, width), EMPTY, dtype=np.int32),
        next_team=i32(n, height, width),
        next_size=i32(n, 2),
        next_seed=np.zeros(n, dtype=np.uint64),
        variant=i32(n),
        next_variant=i32(n),
        ended=np.zeros(n, dtype=np.uint8),
        ended_length=i32(n),
        ended_reward=f32(n, a),
        ended_raw=f32(n, a),
        ended_team=i32(n, a),
        ended_stats=f32(n, a, NUM_STATS),
        ended_obs=np.zeros((n, a, NUM_LAYERS * obs_height * obs_width), dtype=np.uint8),
        ended_global=f32(n, a, NUM_GLOBAL),
        # Room for every agent's own and one other cell, a frozen decrement and a few converters
        # per step; a busier step overflows and rewrites its windows whole (correct, just slower).
        changed=i32(n, 4 * a + 32, 2),
        num_changed=i32(n),
    )


def grow_state(state: State, height: int, width: int, obs_height: int, obs_width: int) -> State:
    """A copy of `state` with room for maps up to `height` x `width` (maps may vary in size)."""
    n, a = state.agents.shape[:2]
    bigger = allocate_state(n, a, height, width, obs_height, obs_width)
    for name in State._fields:
        old, new = getattr(state, name), getattr(bigger, name)
        if name in ("objects", "object_items", "converters", "active"):
            new[:, : old.shape[1]] = old
        elif name in ("grid", "features", "next_type", "next_team"):
            new[:, : old.shape[1], : old.shape[2]] = old
        else:
            new[...] = old
    return bigger
