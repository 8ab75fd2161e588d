"""The rules of the game as numba functions over the engine's arrays: one step of every env.

All state lives in the arrays of `State` (built by `metta_core.env.state`); the constants of a
configuration live in `Rules`. `step_all` / `step_all_parallel` advance every environment one
step, auto-reset those that reach `max_steps` and write observations. Nothing here allocates per
step, calls Python, or reads configuration objects.

Order of one step (per environment):
1. the step counter advances; converter timers tick (finish conversions, cool down, start new
   conversions);
2. the agents are shuffled with the env's own xorshift generator; attacks resolve first in that
   order, then every other action in the same order;
3. rewards (from inventory changes, capped per item, minus failure penalties) are shared within
   teams by `group_reward_pct`;
4. at `max_steps` the episode's stats are copied out and the env resets from its next map;
5. observations and global features are written for every agent.

Choices where the spec is silent:
- A frozen agent's next `freeze_duration` actions fail (counting the current step's, if it had
  not yet acted); attacking an already frozen agent fails and costs nothing.
- An attack with no target at the chosen index fails and costs nothing; lacking the cost fails.
- `put_items` hands over at most what the recipe still needs; `get_items` takes all output it can.
- Converters keep inputs and outputs apart, so a recipe may use its own output as input.
- A conversion started in tick t completes `conversion_ticks` ticks later, at the start of that
  step; then `cooldown` ticks pass before the next may start.
- `attack.frozen` counts on the target, `attack.hit` / `attack.blocked` on the attacker.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
from numba import njit, prange

from metta_core.env.layout import (
    FIRST_USABLE_TYPE,
    LAYER_AGENT,
    LAYER_COLOR,
    LAYER_FROZEN,
    LAYER_INVENTORY,
    LAYER_ORIENTATION,
    LAYER_READY,
    LAYER_TEAM,
    LAYER_TYPE,
    LAYER_WALL,
    LAYER_WORKING,
    NUM_LAYERS,
    STAT_ACTION,
    STAT_ATTACK_BLOCKED,
    STAT_ATTACK_FROZEN,
    STAT_ATTACK_HIT,
    STAT_INVALID,
    STAT_ITEM,
    STAT_USED,
)

# Table ids, repeated as literals so the kernel never imports Python tables at run time.
AGENT = 0
WALL = 1
BLOCK = 14
FIRST_CONVERTER = 2
LAST_CONVERTER = 13
EMPTY = -1
VOID = -2  # padding around the map: blocks movement, observed as zeros

A_NOOP, A_MOVE, A_ROTATE, A_PUT, A_GET, A_ATTACK, A_SWAP, A_COLOR = 0, 1, 2, 3, 4, 5, 6, 7

# Row/column steps of each orientation (up, down, left, right), and the direction to its right.
FORWARD = np.array([[-1, 0], [1, 0], [0, -1], [0, 1]], dtype=np.int32)
RIGHT = np.array([[0, 1], [0, -1], [-1, 0], [1, 0]], dtype=np.int32)


class Rules(NamedTuple):
    """Per-configuration constants, as arrays the kernel reads."""

    recipe_in: np.ndarray  # int32 (types, items)
    recipe_out: np.ndarray  # int32 (types, items)
    recipe_cooldown: np.ndarray  # int32 (types,)
    recipe_ticks: np.ndarray  # int32 (types,)
    recipe_max_output: np.ndarray  # int32 (types,)
    recipe_initial: np.ndarray  # int32 (types,)
    recipe_color: np.ndarray  # int32 (types,)
    limits: np.ndarray  # int32 (items,)
    item_reward: np.ndarray  # float32 (items,)
    item_reward_max: np.ndarray  # float32 (items,), inf when uncapped
    action_ids: np.ndarray  # int32 (enabled actions,): table id of each enabled action
    action_max_args: np.ndarray  # int32 (enabled actions,)
    attack_cost: np.ndarray  # int32 (items,)
    params: np.ndarray  # float64: see PARAM_* below


PARAM_MAX_STEPS = 0
PARAM_GROUP_PCT = 1
PARAM_FAILURE_PENALTY = 2
PARAM_TERMINATE = 3
PARAM_FREEZE = 4
PARAM_DEFENSE_ITEM = 5
NUM_PARAMS = 6


class State(NamedTuple):
    """Every array of a batch of environments. Grids are padded by half the observation window."""

    grid: np.ndarray  # int32 (N, GH, GW): object id, EMPTY or VOID
    features: np.ndarray  # uint8 (N, C, GH, GW): observation layers of each cell
    map_height: np.ndarray  # int32 (N,)
    map_width: np.ndarray  # int32 (N,)
    object_type: np.ndarray  # int32 (N, M)
    object_row: np.ndarray  # int32 (N, M), map coordinates
    object_col: np.ndarray  # int32 (N, M)
    object_agent: np.ndarray  # int32 (N, M): agent index or -1
    converter_input: np.ndarray  # int32 (N, M, I): inputs handed in, not yet consumed
    converter_output: np.ndarray  # int32 (N, M, I): output waiting to be taken
    converting: np.ndarray  # int32 (N, M): ticks left of the current conversion
    cooldown: np.ndarray  # int32 (N, M): ticks left before the next conversion may start
    num_objects: np.ndarray  # int32 (N,)
    converters: np.ndarray  # int32 (N, M): object ids of converters
    num_converters: np.ndarray  # int32 (N,)
    agent_object: np.ndarray  # int32 (N, A)
    agent_row: np.ndarray  # int32 (N, A)
    agent_col: np.ndarray  # int32 (N, A)
    agent_orientation: np.ndarray  # int32 (N, A)
    agent_inventory: np.ndarray  # int32 (N, A, I)
    agent_frozen: np.ndarray  # int32 (N, A)
    agent_color: np.ndarray  # int32 (N, A)
    agent_team: np.ndarray  # int32 (N, A)
    agent_last_action: np.ndarray  # int32 (N, A)
    agent_last_arg: np.ndarray  # int32 (N, A)
    agent_last_success: np.ndarray  # int32 (N, A)
    agent_raw_reward: np.ndarray  # float32 (N, A): this step, before sharing
    agent_reward: np.ndarray  # float32 (N, A): this step, after sharing
    agent_total_raw: np.ndarray  # float32 (N, A): this episode, before sharing
    agent_total_reward: np.ndarray  # float32 (N, A): this episode, after sharing
    agent_earned: np.ndarray  # float32 (N, A, I): reward earned per item (for rewards_max)
    agent_order: np.ndarray  # int32 (N, A): scratch for the shuffled order
    team_sum: np.ndarray  # float64 (N, 8): scratch for reward sharing
    team_count: np.ndarray  # int32 (N, 8): scratch for reward sharing
    stats: np.ndarray  # float32 (N, A, S)
    step_count: np.ndarray  # int32 (N,)
    rng: np.ndarray  # uint64 (N,): xorshift64 state
    next_type: np.ndarray  # int32 (N, H, W): next episode's map, object type or EMPTY
    next_team: np.ndarray  # int32 (N, H, W)
    next_height: np.ndarray  # int32 (N,)
    next_width: np.ndarray  # int32 (N,)
    next_seed: np.ndarray  # uint64 (N,)
    ended: np.ndarray  # uint8 (N,): an episode ended during the last call
    ended_length: np.ndarray  # int32 (N,)
    ended_reward: np.ndarray  # float32 (N, A)
    ended_raw: np.ndarray  # float32 (N, A)
    ended_team: np.ndarray  # int32 (N, A)
    ended_stats: np.ndarray  # float32 (N, A, S)


@njit(cache=True, inline="always")
def _next_random(st: State, e: int) -> np.uint64:
    x = st.rng[e]
    x ^= x << np.uint64(13)
    x ^= x >> np.uint64(7)
    x ^= x << np.uint64(17)
    st.rng[e] = x
    return x


@njit(cache=True)
def refresh_cell(st: State, e: int, gy: int, gx: int) -> None:
    """Rewrite every observation layer of one cell (padded coordinates) from the object there."""
    f = st.features
    for c in range(NUM_LAYERS):
        f[e, c, gy, gx] = 0
    o = st.grid[e, gy, gx]
    if o < 0:
        return
    t = st.object_type[e, o]
    f[e, LAYER_TYPE, gy, gx] = t + 1
    num_items = st.agent_inventory.shape[2]
    if t == AGENT:
        a = st.object_agent[e, o]
        f[e, LAYER_AGENT, gy, gx] = 1
        f[e, LAYER_TEAM, gy, gx] = st.agent_team[e, a] + 1
        f[e, LAYER_ORIENTATION, gy, gx] = st.agent_orientation[e, a] + 1
        f[e, LAYER_FROZEN, gy, gx] = min(st.agent_frozen[e, a], 255)
        f[e, LAYER_COLOR, gy, gx] = st.agent_color[e, a]
        for i in range(num_items):
            f[e, LAYER_INVENTORY + i, gy, gx] = st.agent_inventory[e, a, i]
    elif t == WALL:
        f[e, LAYER_WALL, gy, gx] = 1
    elif FIRST_CONVERTER <= t <= LAST_CONVERTER:
        ready = 0
        for i in range(num_items):
            held = st.converter_output[e, o, i]
            f[e, LAYER_INVENTORY + i, gy, gx] = min(held, 255)
            if held > 0:
                ready = 1
        f[e, LAYER_READY, gy, gx] = ready
        f[e, LAYER_WORKING, gy, gx] = 1 if st.converting[e, o] > 0 else 0


@njit(cache=True)
def _refresh_object(st: State, e: int, o: int, pad_y: int, pad_x: int) -> None:
    refresh_cell(st, e, st.object_row[e, o] + pad_y, st.object_col[e, o] + pad_x)


@njit(cache=True)
def change_inventory(
    st: State, ru: Rules, e: int, a: int, item: int, delta: int, pad_y: int, pad_x: int
) -> int:
    """Add `delta` of `item` to agent `a` within [0, limit]; pays the reward; returns the change."""
    current = st.agent_inventory[e, a, item]
    new = min(max(current + delta, 0), ru.limits[item])
    change = new - current
    if change == 0:
        return 0
    st.agent_inventory[e, a, item] = new
    if change > 0:
        st.stats[e, a, STAT_ITEM + 4 * item] += change
    else:
        st.stats[e, a, STAT_ITEM + 4 * item + 1] -= change
    value = ru.item_reward[item] * change
    if value != 0.0:
        earned = st.agent_earned[e, a, item]
        capped = min(earned + value, ru.item_reward_max[item])
        st.agent_raw_reward[e, a] += capped - earned
        st.agent_earned[e, a, item] = capped
    st.features[e, LAYER_INVENTORY + item, st.agent_row[e, a] + pad_y, st.agent_col[e, a] + pad_x] = new
    return change


@njit(cache=True)
def try_start_conversion(st: State, ru: Rules, e: int, o: int) -> bool:
    """Start converting if idle, holding the recipe's inputs, and below max_output."""
    if st.converting[e, o] > 0 or st.cooldown[e, o] > 0:
        return False
    t = st.object_type[e, o]
    num_items = ru.recipe_in.shape[1]
    held = 0
    for i in range(num_items):
        if st.converter_input[e, o, i] < ru.recipe_in[t, i]:
            return False
        if ru.recipe_out[t, i] > 0:
            held += st.converter_output[e, o, i]
    if held >= ru.recipe_max_output[t]:
        return False
    for i in range(num_items):
        st.converter_input[e, o, i] -= ru.recipe_in[t, i]
    st.converting[e, o] = ru.recipe_ticks[t]
    return True


@njit(cache=True)
def tick_converters(st: State, ru: Rules, e: int, pad_y: int, pad_x: int) -> None:
    """Advance every converter's timers by one tick (the start of a step, before actions)."""
    num_items = ru.recipe_in.shape[1]
    for k in range(st.num_converters[e]):
        o = st.converters[e, k]
        t = st.object_type[e, o]
        changed = False
        if st.converting[e, o] > 0:
            st.converting[e, o] -= 1
            if st.converting[e, o] == 0:
                for i in range(num_items):
                    st.converter_output[e, o, i] = min(
                        st.converter_output[e, o, i] + ru.recipe_out[t, i], 255
                    )
                st.cooldown[e, o] = ru.recipe_cooldown[t]
                changed = True
        elif st.cooldown[e, o] > 0:
            st.cooldown[e, o] -= 1
        if try_start_conversion(st, ru, e, o):
            changed = True
        if changed:
            _refresh_object(st, e, o, pad_y, pad_x)


@njit(cache=True)
def _front_cell(st: State, e: int, a: int, distance: int, pad_y: int, pad_x: int) -> tuple[int, int]:
    orientation = st.agent_orientation[e, a]
    return (
        st.agent_row[e, a] + pad_y + distance * FORWARD[orientation, 0],
        st.agent_col[e, a] + pad_x + distance * FORWARD[orientation, 1],
    )


@njit(cache=True)
def _move_agent(st: State, e: int, a: int, gy: int, gx: int, pad_y: int, pad_x: int) -> None:
    """Put agent `a` on the empty padded cell (gy, gx), leaving its old cell empty."""
    old_y = st.agent_row[e, a] + pad_y
    old_x = st.agent_col[e, a] + pad_x
    o = st.agent_object[e, a]
    st.grid[e, old_y, old_x] = EMPTY
    st.grid[e, gy, gx] = o
    st.agent_row[e, a] = gy - pad_y
    st.agent_col[e, a] = gx - pad_x
    st.object_row[e, o] = gy - pad_y
    st.object_col[e, o] = gx - pad_x
    for c in range(NUM_LAYERS):
        st.features[e, c, gy, gx] = st.features[e, c, old_y, old_x]
        st.features[e, c, old_y, old_x] = 0


@njit(cache=True)
def act_move(st: State, e: int, a: int, arg: int, pad_y: int, pad_x: int) -> bool:
    gy, gx = _front_cell(st, e, a, 1 if arg == 0 else -1, pad_y, pad_x)
    if st.grid[e, gy, gx] != EMPTY:
        return False
    _move_agent(st, e, a, gy, gx, pad_y, pad_x)
    return True


@njit(cache=True)
def act_rotate(st: State, e: int, a: int, arg: int, pad_y: int, pad_x: int) -> bool:
    st.agent_orientation[e, a] = arg
    st.features[e, LAYER_ORIENTATION, st.agent_row[e, a] + pad_y, st.agent_col[e, a] + pad_x] = arg + 1
    return True


@njit(cache=True)
def act_change_color(st: State, e: int, a: int, arg: int, pad_y: int, pad_x: int) -> bool:
    st.agent_color[e, a] = arg
    st.features[e, LAYER_COLOR, st.agent_row[e, a] + pad_y, st.agent_col[e, a] + pad_x] = arg
    return True


@njit(cache=True)
def _front_converter(st: State, e: int, a: int, pad_y: int, pad_x: int) -> int:
    gy, gx = _front_cell(st, e, a, 1, pad_y, pad_x)
    o = st.grid[e, gy, gx]
    if o < 0:
        return -1
    t = st.object_type[e, o]
    if t < FIRST_CONVERTER or t > LAST_CONVERTER:
        return -1
    return o


@njit(cache=True)
def act_put_items(st: State, ru: Rules, e: int, a: int, pad_y: int, pad_x: int) -> bool:
    o = _front_converter(st, e, a, pad_y, pad_x)
    if o < 0:
        return False
    t = st.object_type[e, o]
    given = 0
    for i in range(ru.recipe_in.shape[1]):
        need = ru.recipe_in[t, i] - st.converter_input[e, o, i]
        amount = min(need, st.agent_inventory[e, a, i])
        if amount > 0:
            change_inventory(st, ru, e, a, i, -amount, pad_y, pad_x)
            st.converter_input[e, o, i] += amount
            st.stats[e, a, STAT_ITEM + 4 * i + 2] += amount
            given += amount
    if given == 0:
        return False
    st.stats[e, a, STAT_USED + t - FIRST_USABLE_TYPE] += 1
    try_start_conversion(st, ru, e, o)
    _refresh_object(st, e, o, pad_y, pad_x)
    return True


@njit(cache=True)
def act_get_items(st: State, ru: Rules, e: int, a: int, pad_y: int, pad_x: int) -> bool:
    o = _front_converter(st, e, a, pad_y, pad_x)
    if o < 0:
        return False
    t = st.object_type[e, o]
    taken = 0
    for i in range(ru.recipe_in.shape[1]):
        held = st.converter_output[e, o, i]
        if held > 0:
            change = change_inventory(st, ru, e, a, i, held, pad_y, pad_x)
            if change > 0:
                st.converter_output[e, o, i] -= change
                st.stats[e, a, STAT_ITEM + 4 * i + 3] += change
                taken += change
    if taken == 0:
        return False
    st.stats[e, a, STAT_USED + t - FIRST_USABLE_TYPE] += 1
    try_start_conversion(st, ru, e, o)
    _refresh_object(st, e, o, pad_y, pad_x)
    return True


@njit(cache=True)
def act_swap(st: State, e: int, a: int, pad_y: int, pad_x: int) -> bool:
    gy, gx = _front_cell(st, e, a, 1, pad_y, pad_x)
    o = st.grid[e, gy, gx]
    if o < 0 or st.object_type[e, o] != BLOCK:
        return False
    old_y = st.agent_row[e, a] + pad_y
    old_x = st.agent_col[e, a] + pad_x
    st.grid[e, gy, gx] = EMPTY
    _move_agent(st, e, a, gy, gx, pad_y, pad_x)
    st.grid[e, old_y, old_x] = o
    st.object_row[e, o] = old_y - pad_y
    st.object_col[e, o] = old_x - pad_x
    refresh_cell(st, e, old_y, old_x)
    st.stats[e, a, STAT_USED + BLOCK - FIRST_USABLE_TYPE] += 1
    return True


@njit(cache=True)
def find_attack_target(st: State, e: int, a: int, arg: int, pad_y: int, pad_x: int) -> int:
    """The `arg`-th agent in the 3x3 block ahead, nearest row first, left to right; -1 if none."""
    orientation = st.agent_orientation[e, a]
    fy, fx = FORWARD[orientation, 0], FORWARD[orientation, 1]
    ry, rx = RIGHT[orientation, 0], RIGHT[orientation, 1]
    y0 = st.agent_row[e, a] + pad_y
    x0 = st.agent_col[e, a] + pad_x
    found = 0
    for distance in range(1, 4):
        for lateral in range(-1, 2):
            gy = y0 + distance * fy + lateral * ry
            gx = x0 + distance * fx + lateral * rx
            if gy < 0 or gx < 0 or gy >= st.grid.shape[1] or gx >= st.grid.shape[2]:
                continue
            o = st.grid[e, gy, gx]
            if o >= 0 and st.object_type[e, o] == AGENT:
                if found == arg:
                    return st.object_agent[e, o]
                found += 1
    return -1


@njit(cache=True)
def act_attack(st: State, ru: Rules, e: int, a: int, arg: int, pad_y: int, pad_x: int) -> bool:
    target = find_attack_target(st, e, a, arg, pad_y, pad_x)
    if target < 0 or st.agent_frozen[e, target] > 0:
        return False
    num_items = ru.attack_cost.shape[0]
    for i in range(num_items):
        if st.agent_inventory[e, a, i] < ru.attack_cost[i]:
            return False
    for i in range(num_items):
        if ru.attack_cost[i] > 0:
            change_inventory(st, ru, e, a, i, -ru.attack_cost[i], pad_y, pad_x)
    defense = int(ru.params[PARAM_DEFENSE_ITEM])
    if st.agent_inventory[e, target, defense] > 0:
        change_inventory(st, ru, e, target, defense, -1, pad_y, pad_x)
        st.stats[e, a, STAT_ATTACK_BLOCKED] += 1
        return True
    st.agent_frozen[e, target] = int(ru.params[PARAM_FREEZE])
    st.stats[e, a, STAT_ATTACK_HIT] += 1
    st.stats[e, target, STAT_ATTACK_FROZEN] += 1
    for i in range(num_items):
        loot = st.agent_inventory[e, target, i]
        if loot > 0:
            moved = change_inventory(st, ru, e, a, i, loot, pad_y, pad_x)
            if moved > 0:
                change_inventory(st, ru, e, target, i, -moved, pad_y, pad_x)
    refresh_cell(st, e, st.agent_row[e, target] + pad_y, st.agent_col[e, target] + pad_x)
    return True


@njit(cache=True)
def do_action(st: State, ru: Rules, e: int, a: int, action: int, arg: int, pad_y: int, pad_x: int) -> None:
    """Validate and perform one agent's action, counting success/failure and the penalty."""
    num_actions = ru.action_ids.shape[0]
    if action < 0 or action >= num_actions:
        st.stats[e, a, STAT_INVALID] += 1
        st.agent_raw_reward[e, a] -= ru.params[PARAM_FAILURE_PENALTY]
        st.agent_last_success[e, a] = 0
        return
    kind = ru.action_ids[action]
    if arg < 0 or arg > ru.action_max_args[action]:
        st.stats[e, a, STAT_INVALID] += 1
        st.stats[e, a, STAT_ACTION + 2 * kind + 1] += 1
        st.agent_raw_reward[e, a] -= ru.params[PARAM_FAILURE_PENALTY]
        st.agent_last_success[e, a] = 0
        return
    success = False
    if st.agent_frozen[e, a] > 0:
        st.agent_frozen[e, a] -= 1
        st.features[e, LAYER_FROZEN, st.agent_row[e, a] + pad_y, st.agent_col[e, a] + pad_x] = min(
            st.agent_frozen[e, a], 255
        )
    elif kind == A_NOOP:
        success = True
    elif kind == A_MOVE:
        success = act_move(st, e, a, arg, pad_y, pad_x)
    elif kind == A_ROTATE:
        success = act_rotate(st, e, a, arg, pad_y, pad_x)
    elif kind == A_PUT:
        success = act_put_items(st, ru, e, a, pad_y, pad_x)
    elif kind == A_GET:
        success = act_get_items(st, ru, e, a, pad_y, pad_x)
    elif kind == A_ATTACK:
        success = act_attack(st, ru, e, a, arg, pad_y, pad_x)
    elif kind == A_SWAP:
        success = act_swap(st, e, a, pad_y, pad_x)
    elif kind == A_COLOR:
        success = act_change_color(st, e, a, arg, pad_y, pad_x)
    if success:
        st.stats[e, a, STAT_ACTION + 2 * kind] += 1
        st.agent_last_success[e, a] = 1
    else:
        st.stats[e, a, STAT_ACTION + 2 * kind + 1] += 1
        st.agent_raw_reward[e, a] -= ru.params[PARAM_FAILURE_PENALTY]
        st.agent_last_success[e, a] = 0


@njit(cache=True)
def reset_env(st: State, ru: Rules, e: int, pad_y: int, pad_x: int) -> None:
    """Start a new episode in env `e` from its prepared next map and seed."""
    st.grid[e, :, :] = VOID
    st.features[e, :, :, :] = 0
    height = st.next_height[e]
    width = st.next_width[e]
    st.map_height[e] = height
    st.map_width[e] = width
    num_items = ru.limits.shape[0]
    num_agents = st.agent_object.shape[1]
    n = 0
    agents = 0
    converters = 0
    for y in range(height):
        for x in range(width):
            t = st.next_type[e, y, x]
            if t == EMPTY:
                st.grid[e, y + pad_y, x + pad_x] = EMPTY
                continue
            st.grid[e, y + pad_y, x + pad_x] = n
            st.object_type[e, n] = t
            st.object_row[e, n] = y
            st.object_col[e, n] = x
            st.object_agent[e, n] = -1
            st.converting[e, n] = 0
            st.cooldown[e, n] = 0
            for i in range(num_items):
                st.converter_input[e, n, i] = 0
                st.converter_output[e, n, i] = 0
            if t == AGENT and agents < num_agents:
                st.object_agent[e, n] = agents
                st.agent_object[e, agents] = n
                st.agent_row[e, agents] = y
                st.agent_col[e, agents] = x
                st.agent_team[e, agents] = st.next_team[e, y, x]
                agents += 1
            elif FIRST_CONVERTER <= t <= LAST_CONVERTER:
                for i in range(num_items):
                    st.converter_output[e, n, i] = min(ru.recipe_out[t, i] * ru.recipe_initial[t], 255)
                st.converters[e, converters] = n
                converters += 1
            n += 1
    st.num_objects[e] = n
    st.num_converters[e] = converters
    for a in range(num_agents):
        st.agent_orientation[e, a] = 0
        st.agent_frozen[e, a] = 0
        st.agent_color[e, a] = 0
        st.agent_last_action[e, a] = 0
        st.agent_last_arg[e, a] = 0
        st.agent_last_success[e, a] = 1
        st.agent_raw_reward[e, a] = 0.0
        st.agent_total_raw[e, a] = 0.0
        st.agent_total_reward[e, a] = 0.0
        for i in range(num_items):
            st.agent_inventory[e, a, i] = 0
            st.agent_earned[e, a, i] = 0.0
        for s in range(st.stats.shape[2]):
            st.stats[e, a, s] = 0.0
    for k in range(converters):
        try_start_conversion(st, ru, e, st.converters[e, k])
    for o in range(n):
        _refresh_object(st, e, o, pad_y, pad_x)
    st.step_count[e] = 0
    seed = st.next_seed[e]
    st.rng[e] = seed if seed != 0 else np.uint64(0x9E3779B97F4A7C15)


@njit(cache=True)
def write_observations(st: State, ru: Rules, e: int, obs: np.ndarray, global_obs: np.ndarray) -> None:
    """Copy each agent's window out of the padded feature grid; fill its global features."""
    num_agents = st.agent_object.shape[1]
    obs_height = obs.shape[2]
    obs_width = obs.shape[3]
    progress = st.step_count[e] / ru.params[PARAM_MAX_STEPS]
    for a in range(num_agents):
        row = e * num_agents + a
        y0 = st.agent_row[e, a]
        x0 = st.agent_col[e, a]
        for c in range(NUM_LAYERS):
            for r in range(obs_height):
                for q in range(obs_width):
                    obs[row, c, r, q] = st.features[e, c, y0 + r, x0 + q]
        global_obs[row, 0] = progress
        global_obs[row, 1] = st.agent_last_action[e, a]
        global_obs[row, 2] = st.agent_last_arg[e, a]
        global_obs[row, 3] = st.agent_reward[e, a]


@njit(cache=True)
def _share_rewards(st: State, ru: Rules, e: int) -> None:
    num_agents = st.agent_object.shape[1]
    pct = ru.params[PARAM_GROUP_PCT]
    team_sum = st.team_sum[e]
    team_count = st.team_count[e]
    if pct > 0.0:
        team_sum[:] = 0.0
        team_count[:] = 0
        for a in range(num_agents):
            team_sum[st.agent_team[e, a]] += st.agent_raw_reward[e, a]
            team_count[st.agent_team[e, a]] += 1
    for a in range(num_agents):
        raw = st.agent_raw_reward[e, a]
        reward = raw
        if pct > 0.0:
            team = st.agent_team[e, a]
            reward = (1.0 - pct) * raw + pct * team_sum[team] / team_count[team]
        st.agent_reward[e, a] = reward
        st.agent_total_raw[e, a] += raw
        st.agent_total_reward[e, a] += reward


@njit(cache=True)
def step_env(
    st: State,
    ru: Rules,
    e: int,
    actions: np.ndarray,
    obs: np.ndarray,
    global_obs: np.ndarray,
    rewards: np.ndarray,
    terminals: np.ndarray,
    truncations: np.ndarray,
) -> None:
    """One step of env `e`: timers, attacks, other actions, rewards, auto-reset, observations."""
    num_agents = st.agent_object.shape[1]
    pad_y = obs.shape[2] // 2
    pad_x = obs.shape[3] // 2
    st.ended[e] = 0
    st.step_count[e] += 1
    tick_converters(st, ru, e, pad_y, pad_x)

    order = st.agent_order[e]
    for a in range(num_agents):
        order[a] = a
        st.agent_raw_reward[e, a] = 0.0
        st.agent_last_action[e, a] = actions[e * num_agents + a, 0]
        st.agent_last_arg[e, a] = actions[e * num_agents + a, 1]
    for a in range(num_agents - 1, 0, -1):
        j = int(_next_random(st, e) % np.uint64(a + 1))
        order[a], order[j] = order[j], order[a]

    num_actions = ru.action_ids.shape[0]
    for attack_phase in (True, False):
        for k in range(num_agents):
            a = order[k]
            action = st.agent_last_action[e, a]
            is_attack = 0 <= action < num_actions and ru.action_ids[action] == A_ATTACK
            if is_attack == attack_phase:
                do_action(st, ru, e, a, action, st.agent_last_arg[e, a], pad_y, pad_x)

    _share_rewards(st, ru, e)
    done = st.step_count[e] >= int(ru.params[PARAM_MAX_STEPS])
    terminate = ru.params[PARAM_TERMINATE] > 0.0
    for a in range(num_agents):
        row = e * num_agents + a
        rewards[row] = st.agent_reward[e, a]
        terminals[row] = done and terminate
        truncations[row] = done and not terminate
    if done:
        st.ended[e] = 1
        st.ended_length[e] = st.step_count[e]
        for a in range(num_agents):
            st.ended_reward[e, a] = st.agent_total_reward[e, a]
            st.ended_raw[e, a] = st.agent_total_raw[e, a]
            st.ended_team[e, a] = st.agent_team[e, a]
            for s in range(st.stats.shape[2]):
                st.ended_stats[e, a, s] = st.stats[e, a, s]
        reset_env(st, ru, e, pad_y, pad_x)
        for a in range(num_agents):
            st.agent_reward[e, a] = 0.0
    write_observations(st, ru, e, obs, global_obs)


@njit(cache=True)
def step_all(st, ru, actions, obs, global_obs, rewards, terminals, truncations) -> int:
    """Step every env in order on one thread; returns how many episodes ended."""
    ended = 0
    for e in range(st.grid.shape[0]):
        step_env(st, ru, e, actions, obs, global_obs, rewards, terminals, truncations)
        ended += st.ended[e]
    return ended


@njit(cache=True, parallel=True)
def step_all_parallel(st, ru, actions, obs, global_obs, rewards, terminals, truncations) -> int:
    """Step every env, spreading envs over numba's threads; results equal `step_all`'s."""
    for e in prange(st.grid.shape[0]):
        step_env(st, ru, e, actions, obs, global_obs, rewards, terminals, truncations)
    ended = 0
    for e in range(st.grid.shape[0]):
        ended += st.ended[e]
    return ended


@njit(cache=True)
def reset_envs(st, ru, mask, obs, global_obs) -> None:
    """Reset the envs where `mask` is set from their next maps and write their observations."""
    pad_y = obs.shape[2] // 2
    pad_x = obs.shape[3] // 2
    for e in range(st.grid.shape[0]):
        if mask[e]:
            reset_env(st, ru, e, pad_y, pad_x)
            for a in range(st.agent_object.shape[1]):
                st.agent_reward[e, a] = 0.0
            write_observations(st, ru, e, obs, global_obs)
