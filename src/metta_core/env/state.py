"""Turn an `EnvConfig` into the kernel's arrays: the `Rules` constants and a preallocated `State`.

Also converts map character grids into the kernel's (type, team) codes. Runs once per VecEnv
(and once per map); nothing here runs per step.
"""

from __future__ import annotations

import numpy as np

from metta_core.env.config import GameConfig
from metta_core.env.kernel import (
    NUM_PARAMS,
    PARAM_DEFENSE_ITEM,
    PARAM_FAILURE_PENALTY,
    PARAM_FREEZE,
    PARAM_GROUP_PCT,
    PARAM_MAX_STEPS,
    PARAM_TERMINATE,
    Rules,
    State,
)
from metta_core.env.layout import NUM_LAYERS, NUM_STATS
from metta_core.env.table import (
    ACTION_NAMES,
    ACTION_TYPES,
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
    recipe_in = np.zeros((NUM_TYPES, NUM_ITEMS), dtype=np.int32)
    recipe_out = np.zeros((NUM_TYPES, NUM_ITEMS), dtype=np.int32)
    per_type = {name: np.zeros(NUM_TYPES, dtype=np.int32) for name in ("cd", "ticks", "max", "init", "color")}
    for name, recipe in game.objects.recipes().items():
        t = OBJECT_ID[name]
        recipe_in[t] = _item_vector(recipe.input, np.int32)
        recipe_out[t] = _item_vector(recipe.output, np.int32)
        per_type["cd"][t] = recipe.cooldown
        per_type["ticks"][t] = recipe.conversion_ticks
        per_type["max"][t] = recipe.max_output
        per_type["init"][t] = recipe.initial_output
        per_type["color"][t] = recipe.color
    enabled = game.actions.enabled()
    params = np.zeros(NUM_PARAMS, dtype=np.float64)
    params[PARAM_MAX_STEPS] = game.max_steps
    params[PARAM_GROUP_PCT] = game.group_reward_pct
    params[PARAM_FAILURE_PENALTY] = game.action_failure_penalty
    params[PARAM_TERMINATE] = 1.0 if game.episode_end == "termination" else 0.0
    params[PARAM_FREEZE] = game.attack.freeze_duration
    params[PARAM_DEFENSE_ITEM] = ITEM_ID[game.attack.defense_item]
    return Rules(
        recipe_in=recipe_in,
        recipe_out=recipe_out,
        recipe_cooldown=per_type["cd"],
        recipe_ticks=per_type["ticks"],
        recipe_max_output=per_type["max"],
        recipe_initial=per_type["init"],
        recipe_color=per_type["color"],
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
    agents = int((types == 0).sum())
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
        grid=np.full((n, grid_h, grid_w), -2, dtype=np.int32),
        features=np.zeros((n, NUM_LAYERS, grid_h, grid_w), dtype=np.uint8),
        map_height=i32(n),
        map_width=i32(n),
        object_type=i32(n, m),
        object_row=i32(n, m),
        object_col=i32(n, m),
        object_agent=i32(n, m),
        converter_input=i32(n, m, NUM_ITEMS),
        converter_output=i32(n, m, NUM_ITEMS),
        converting=i32(n, m),
        cooldown=i32(n, m),
        num_objects=i32(n),
        converters=i32(n, m),
        num_converters=i32(n),
        agent_object=i32(n, a),
        agent_row=i32(n, a),
        agent_col=i32(n, a),
        agent_orientation=i32(n, a),
        agent_inventory=i32(n, a, NUM_ITEMS),
        agent_frozen=i32(n, a),
        agent_color=i32(n, a),
        agent_team=i32(n, a),
        agent_last_action=i32(n, a),
        agent_last_arg=i32(n, a),
        agent_last_success=i32(n, a),
        agent_raw_reward=f32(n, a),
        agent_reward=f32(n, a),
        agent_total_raw=f32(n, a),
        agent_total_reward=f32(n, a),
        agent_earned=f32(n, a, NUM_ITEMS),
        agent_order=i32(n, a),
        team_sum=np.zeros((n, 8), dtype=np.float64),
        team_count=i32(n, 8),
        stats=f32(n, a, NUM_STATS),
        step_count=i32(n),
        rng=np.zeros(n, dtype=np.uint64),
        next_type=np.full((n, height, width), -1, dtype=np.int32),
        next_team=i32(n, height, width),
        next_height=i32(n),
        next_width=i32(n),
        next_seed=np.zeros(n, dtype=np.uint64),
        ended=np.zeros(n, dtype=np.uint8),
        ended_length=i32(n),
        ended_reward=f32(n, a),
        ended_raw=f32(n, a),
        ended_team=i32(n, a),
        ended_stats=f32(n, a, NUM_STATS),
    )


def grow_state(state: State, height: int, width: int, obs_height: int, obs_width: int) -> State:
    """A copy of `state` with room for maps up to `height` x `width` (maps may vary in size)."""
    n, a = state.agent_object.shape
    bigger = allocate_state(n, a, height, width, obs_height, obs_width)
    for name in State._fields:
        old, new = getattr(state, name), getattr(bigger, name)
        if name in (
            "object_type",
            "object_row",
            "object_col",
            "object_agent",
            "converting",
            "cooldown",
            "converters",
        ):
            new[:, : old.shape[1]] = old
        elif name in ("converter_input", "converter_output"):
            new[:, : old.shape[1], :] = old
        elif name in ("grid", "next_type", "next_team"):
            new[:, : old.shape[1], : old.shape[2]] = old
        elif name == "features":
            new[:, :, : old.shape[2], : old.shape[3]] = old
        else:
            new[...] = old
    return bigger
