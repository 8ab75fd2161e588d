"""The rules of the game as numba functions over the engine's arrays: one step of every env.

All state lives in the arrays of `State` (built by `metta_core.env.state`); the constants of a
configuration live in `Rules`. `step_all` / `step_all_parallel` advance every environment one
step, auto-reset those that reach `max_steps` and write observations. Nothing here allocates per
step, calls Python, or reads configuration objects.

Why the odd shapes: an agent's scalar fields are columns of one int32 array (`AG_*`), an
object's of another (`OB_*`), and helpers receive plain per-env arrays, never the `State` tuple
(typing and passing one array is cheaper than a tuple of thirty). Positions are stored in padded
grid coordinates.

Order of one step (per environment):
1. the step counter advances; the timers of converters that are converting or cooling down tick
   (finish conversions, cool down, start new conversions);
2. the agents are shuffled with the env's own xorshift generator; attacks resolve first in that
   order, then every other action in the same order;
3. rewards (the change in the capped value of each agent's holdings, minus failure penalties)
   are shared within teams by `group_reward_pct`;
4. at `max_steps` the episode's last observations and stats are copied out and the env resets
   from its next map;
5. observations and global features are written for every agent: whole windows for agents that
   moved (or whose env reset), otherwise only the cells noted as changed during the step.

Choices where the spec is silent:
- A freeze lasts exactly `freeze_duration` steps: each step, at the frozen agent's turn (whatever
  it submitted, valid or not), its counter drops by one and its action fails, so an agent hit
  before its turn loses this step's action and the next `freeze_duration - 1`, one hit after its
  turn the next `freeze_duration`. Attacking an already frozen agent fails and costs nothing.
- `swap` with a frozen agent exchanges the two agents' cells; it counts no `<object>.used`.
- An attack with no agent at the chosen index fails and costs nothing; lacking the cost fails.
- `put_items` hands over at most what the recipe still needs; `get_items` takes all output it can.
- Converters keep inputs and outputs apart, so a recipe may use its own output as input.
- A conversion started in tick t completes `conversion_ticks` ticks later, at the start of that
  step; then `cooldown` ticks pass before the next may start. Converters needing no input (mines)
  start at reset, so their first output is ready after `conversion_ticks` steps.
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
from metta_core.env.table import (
    AGENT,
    ATTACK,
    BLOCK,
    CHANGE_COLOR,
    FIRST_CONVERTER,
    GET_ITEMS,
    LAST_CONVERTER,
    MOVE,
    NOOP,
    PUT_ITEMS,
    ROTATE,
    SWAP,
    WALL,
)

# Numba's runtime reference-counts every array view and array argument through an indirect call;
# in this kernel, which passes many arrays to small functions, that bookkeeping cost more than the
# game itself (navigation steps ran 1.8x faster without it). Nothing here allocates, so it is off.
# `_nrt` is numba's own switch for that runtime (its tests use it); an allocation slipped in later
# fails to compile with "NRT required but not enabled" rather than misbehaving.
KERNEL = {"cache": True, "_nrt": False}
# Functions called once per agent or per env and step are inlined into their caller: a call that
# passes a dozen arrays pushes over a hundred words (each array travels as its data pointer, shape,
# strides...), which made the call to `act` cost more than most actions (arena steps 1.4x faster).
INLINED = {**KERNEL, "inline": "always"}

# Object type and action ids come from `env/table.py` (numba compiles module-level ints in as
# constants). Grid codes of cells that hold no object:
EMPTY = -1
VOID = -2  # padding around the map: blocks movement, observed as zeros

# Columns of the agents array.
AG_ROW, AG_COL, AG_ORIENTATION, AG_FROZEN, AG_COLOR, AG_TEAM = 0, 1, 2, 3, 4, 5
AG_ACTION, AG_ARG, AG_SUCCESS, AG_OBJECT = 6, 7, 8, 9
AG_OBS_ROW, AG_OBS_COL = 10, 11  # where the agent stood when its window was last written whole
AGENT_FIELDS = 12
# Columns of the objects array.
OB_TYPE, OB_ROW, OB_COL, OB_AGENT, OB_CONVERTING, OB_COOLDOWN = 0, 1, 2, 3, 4, 5
OBJECT_FIELDS = 6
# Columns of the agent rewards array.
RW_RAW, RW_SHARED, RW_TOTAL_RAW, RW_TOTAL = 0, 1, 2, 3
REWARD_FIELDS = 4
# Columns of the per-type recipe parameters.
TP_COOLDOWN, TP_TICKS, TP_MAX_OUTPUT, TP_INITIAL, TP_COLOR = 0, 1, 2, 3, 4
TYPE_FIELDS = 5
# Entries of Rules.params.
PARAM_MAX_STEPS = 0
PARAM_GROUP_PCT = 1
PARAM_FAILURE_PENALTY = 2
PARAM_TERMINATE = 3
PARAM_FREEZE = 4
PARAM_DEFENSE_ITEM = 5
PARAM_OBS_HEIGHT = 6
PARAM_OBS_WIDTH = 7
NUM_PARAMS = 8

# Row/column steps of each orientation (up, down, left, right), and the direction to its right.
FORWARD = np.array([[-1, 0], [1, 0], [0, -1], [0, 1]], dtype=np.int32)
RIGHT = np.array([[0, 1], [0, -1], [-1, 0], [1, 0]], dtype=np.int32)
# Within a row of the attack's 3x3 block: the centre, then the attacker's left, then its right.
SCAN_LATERAL = np.array([0, -1, 1], dtype=np.int32)


class Rules(NamedTuple):
    """Per-configuration constants, as arrays the kernel reads."""

    recipes: np.ndarray  # int32 (types, 2, items): [t, 0] inputs, [t, 1] outputs
    type_params: np.ndarray  # int32 (types, TYPE_FIELDS)
    limits: np.ndarray  # int32 (items,)
    item_reward: np.ndarray  # float32 (items,)
    item_reward_max: np.ndarray  # float32 (items,), inf when uncapped
    action_ids: np.ndarray  # int32 (enabled actions,): table id of each enabled action
    action_max_args: np.ndarray  # int32 (enabled actions,)
    attack_cost: np.ndarray  # int32 (items,)
    params: np.ndarray  # float64 (NUM_PARAMS,)


class RuleSets(NamedTuple):
    """The `Rules` of every variant of a batch's game, stacked on a leading axis (one variant
    unless a curriculum's tasks change rules: max_steps, rewards, recipes). Each env plays one
    variant per episode (`State.variant`)."""

    recipes: np.ndarray  # int32 (V, types, 2, items)
    type_params: np.ndarray  # int32 (V, types, TYPE_FIELDS)
    limits: np.ndarray  # int32 (V, items)
    item_reward: np.ndarray  # float32 (V, items)
    item_reward_max: np.ndarray  # float32 (V, items)
    action_ids: np.ndarray  # int32 (V, enabled actions): the same in every variant
    action_max_args: np.ndarray  # int32 (V, enabled actions): the same in every variant
    attack_cost: np.ndarray  # int32 (V, items)
    params: np.ndarray  # float64 (V, NUM_PARAMS): the observation window the same in every variant


@njit(**INLINED)
def variant_rules(rule_sets, v) -> Rules:
    """Variant `v`'s rules, as views (no copy)."""
    rs = rule_sets
    return Rules(
        rs.recipes[v], rs.type_params[v], rs.limits[v], rs.item_reward[v], rs.item_reward_max[v],
        rs.action_ids[v], rs.action_max_args[v], rs.attack_cost[v], rs.params[v],
    )  # fmt: skip


class Holdings(NamedTuple):
    """One env's arrays that an inventory change touches, and the rules it follows: what
    `change_inventory` needs, passed as one record (the action rules are inlined, so building it
    costs nothing at run time)."""

    inv: np.ndarray  # int32 (A, I)
    limits: np.ndarray  # int32 (I,)
    item_reward: np.ndarray  # float32 (I,)
    item_reward_max: np.ndarray  # float32 (I,)
    rewards: np.ndarray  # float32 (A, REWARD_FIELDS)
    stats: np.ndarray  # float32 (A, S)
    feat: np.ndarray  # uint8 (GH, GW, C)
    agents: np.ndarray  # int32 (A, AGENT_FIELDS)


class State(NamedTuple):
    """Every array of a batch of environments. Grids are padded by half the observation window."""

    grid: np.ndarray  # int32 (N, GH, GW): object id, EMPTY or VOID
    features: np.ndarray  # uint8 (N, GH, GW, C): observation layers of each cell
    map_size: np.ndarray  # int32 (N, 2): height, width of the current map
    objects: np.ndarray  # int32 (N, M, OBJECT_FIELDS)
    object_items: np.ndarray  # int32 (N, M, 2, I): converter inputs handed in, outputs waiting
    num_objects: np.ndarray  # int32 (N,)
    converters: np.ndarray  # int32 (N, M): object ids of converters
    num_converters: np.ndarray  # int32 (N,)
    active: np.ndarray  # int32 (N, M): ids of the converters converting or cooling down
    num_active: np.ndarray  # int32 (N,)
    agents: np.ndarray  # int32 (N, A, AGENT_FIELDS)
    agent_inventory: np.ndarray  # int32 (N, A, I)
    agent_rewards: np.ndarray  # float32 (N, A, REWARD_FIELDS)
    agent_order: np.ndarray  # int32 (N, A): scratch for the shuffled order
    team_sum: np.ndarray  # float64 (N, 8): scratch for reward sharing
    team_count: np.ndarray  # int32 (N, 8): scratch for reward sharing
    stats: np.ndarray  # float32 (N, A, S)
    step_count: np.ndarray  # int32 (N,)
    rng: np.ndarray  # uint64 (N,): xorshift64 state
    next_type: np.ndarray  # int32 (N, H, W): next episode's map, object type or EMPTY
    next_team: np.ndarray  # int32 (N, H, W)
    next_size: np.ndarray  # int32 (N, 2)
    next_seed: np.ndarray  # uint64 (N,)
    variant: np.ndarray  # int32 (N,): the rules variant of the episode being played
    next_variant: np.ndarray  # int32 (N,): and of the next episode
    ended: np.ndarray  # uint8 (N,): an episode ended during the last call
    ended_length: np.ndarray  # int32 (N,)
    ended_reward: np.ndarray  # float32 (N, A)
    ended_raw: np.ndarray  # float32 (N, A)
    ended_team: np.ndarray  # int32 (N, A)
    ended_stats: np.ndarray  # float32 (N, A, S)
    ended_obs: np.ndarray  # uint8 (N, A, C*H*W): the last observations of the episode that ended
    ended_global: np.ndarray  # float32 (N, A, G): and its last global features
    changed: np.ndarray  # int32 (N, K, 2): grid cells (gy, gx) whose layers changed this step
    num_changed: np.ndarray  # int32 (N,): entries noted in `changed` (above K: too many to list)


@njit(**INLINED)
def note_changed(changed, num_changed, e, gy, gx) -> None:
    """Note that the observation layers of cell (gy, gx) of env `e` changed during this step."""
    k = num_changed[e]
    if k < changed.shape[0]:
        changed[k, 0] = gy
        changed[k, 1] = gx
    num_changed[e] = k + 1  # past the capacity, every window of the env is rewritten whole


@njit(**KERNEL)
def write_agent_cell(feat, gy, gx, agents, inv, a) -> None:
    """Observation layers of the cell holding agent `a`."""
    f = feat[gy, gx]
    for c in range(NUM_LAYERS):
        f[c] = 0
    f[LAYER_TYPE] = AGENT + 1
    f[LAYER_AGENT] = 1
    f[LAYER_TEAM] = agents[a, AG_TEAM] + 1
    f[LAYER_ORIENTATION] = agents[a, AG_ORIENTATION] + 1
    f[LAYER_FROZEN] = min(agents[a, AG_FROZEN], 255)
    f[LAYER_COLOR] = agents[a, AG_COLOR]
    for i in range(inv.shape[1]):
        f[LAYER_INVENTORY + i] = inv[a, i]


@njit(**KERNEL)
def write_object_cell(feat, gy, gx, objects, items, type_params, o) -> None:
    """Observation layers of the cell holding non-agent object `o`."""
    f = feat[gy, gx]
    for c in range(NUM_LAYERS):
        f[c] = 0
    t = objects[o, OB_TYPE]
    f[LAYER_TYPE] = t + 1
    if t == WALL:
        f[LAYER_WALL] = 1
    elif FIRST_CONVERTER <= t <= LAST_CONVERTER:
        ready = 0
        for i in range(items.shape[2]):
            held = items[o, 1, i]
            f[LAYER_INVENTORY + i] = min(held, 255)
            if held > 0:
                ready = 1
        f[LAYER_COLOR] = type_params[t, TP_COLOR]
        f[LAYER_READY] = ready
        f[LAYER_WORKING] = 1 if objects[o, OB_CONVERTING] > 0 else 0


@njit(**KERNEL)
def change_inventory(h: Holdings, a, item, delta):
    """Add `delta` of `item` to agent `a` within [0, limit], pay its reward; returns the change."""
    current = h.inv[a, item]
    new = min(max(current + delta, 0), h.limits[item])
    change = new - current
    if change == 0:
        return 0
    h.inv[a, item] = new
    if change > 0:
        h.stats[a, STAT_ITEM + 4 * item] += change
    else:
        h.stats[a, STAT_ITEM + 4 * item + 1] -= change
    # Reward follows the capped value of what the agent holds: units beyond the cap neither pay
    # when gained nor cost when handed over.
    reward, cap = h.item_reward[item], h.item_reward_max[item]
    if reward != 0.0:
        h.rewards[a, RW_RAW] += min(reward * new, cap) - min(reward * current, cap)
    h.feat[h.agents[a, AG_ROW], h.agents[a, AG_COL], LAYER_INVENTORY + item] = new
    return change


@njit(**KERNEL)
def try_start_conversion(objects, items, recipes, type_params, o) -> bool:
    """Start converting if idle, holding the recipe's inputs, and below max_output."""
    if objects[o, OB_CONVERTING] > 0 or objects[o, OB_COOLDOWN] > 0:
        return False
    t = objects[o, OB_TYPE]
    held = 0
    for i in range(items.shape[2]):
        if items[o, 0, i] < recipes[t, 0, i]:
            return False
        if recipes[t, 1, i] > 0:
            held += items[o, 1, i]
    if held >= type_params[t, TP_MAX_OUTPUT]:
        return False
    for i in range(items.shape[2]):
        items[o, 0, i] -= recipes[t, 0, i]
    objects[o, OB_CONVERTING] = type_params[t, TP_TICKS]
    return True


@njit(**INLINED)
def tick_converters(
    objects, items, active, num_active, recipes, type_params, feat, changed, num_changed, e
) -> int:
    """Advance the timers of the active converters by one tick (the start of a step, before
    actions); returns how many stay active, compacted at the front of `active`.

    Only converters that are converting or cooling down are visited: an idle converter that
    failed to start cannot start until an action changes what it holds, and `put_items` /
    `get_items` try to start it right then (and add it to `active`). So skipping idle ones gives
    exactly the result of ticking every converter, at a cost proportional to what is running
    (navigation's altars, for instance, never restart, so its envs tick nothing).
    """
    kept = 0
    for k in range(num_active):
        o = active[k]
        t = objects[o, OB_TYPE]
        changed_here = False
        if objects[o, OB_CONVERTING] > 0:
            objects[o, OB_CONVERTING] -= 1
            if objects[o, OB_CONVERTING] == 0:
                for i in range(items.shape[2]):
                    items[o, 1, i] = min(items[o, 1, i] + recipes[t, 1, i], 255)
                objects[o, OB_COOLDOWN] = type_params[t, TP_COOLDOWN]
                changed_here = True
        elif objects[o, OB_COOLDOWN] > 0:
            objects[o, OB_COOLDOWN] -= 1
        if try_start_conversion(objects, items, recipes, type_params, o):
            changed_here = True
        if changed_here:
            write_object_cell(feat, objects[o, OB_ROW], objects[o, OB_COL], objects, items, type_params, o)
            note_changed(changed, num_changed, e, objects[o, OB_ROW], objects[o, OB_COL])
        if objects[o, OB_CONVERTING] > 0 or objects[o, OB_COOLDOWN] > 0:
            active[kept] = o
            kept += 1
    return kept


@njit(**INLINED)
def move_agent(grid, feat, objects, agents, a, gy, gx) -> None:
    """Put agent `a` on the empty cell (gy, gx), leaving its old cell empty."""
    old_y = agents[a, AG_ROW]
    old_x = agents[a, AG_COL]
    o = agents[a, AG_OBJECT]
    grid[old_y, old_x] = EMPTY
    grid[gy, gx] = o
    agents[a, AG_ROW] = gy
    agents[a, AG_COL] = gx
    objects[o, OB_ROW] = gy
    objects[o, OB_COL] = gx
    for c in range(NUM_LAYERS):
        feat[gy, gx, c] = feat[old_y, old_x, c]
        feat[old_y, old_x, c] = 0


@njit(**KERNEL)
def find_attack_target(grid, objects, agents, a, arg) -> int:
    """The `arg`-th agent in the 3x3 block ahead: nearest row first, and within a row the centre,
    then the attacker's left, then its right; -1 if none."""
    orientation = agents[a, AG_ORIENTATION]
    fy, fx = FORWARD[orientation, 0], FORWARD[orientation, 1]
    ry, rx = RIGHT[orientation, 0], RIGHT[orientation, 1]
    y0 = agents[a, AG_ROW]
    x0 = agents[a, AG_COL]
    found = 0
    for distance in range(1, 4):
        for k in range(3):
            lateral = SCAN_LATERAL[k]
            gy = y0 + distance * fy + lateral * ry
            gx = x0 + distance * fx + lateral * rx
            if gy < 0 or gx < 0 or gy >= grid.shape[0] or gx >= grid.shape[1]:
                continue
            o = grid[gy, gx]
            if o >= 0 and objects[o, OB_TYPE] == AGENT:
                if found == arg:
                    return objects[o, OB_AGENT]
                found += 1
    return -1


@njit(**INLINED)
def cell_ahead(agents, a):
    """The (row, col) of the cell agent `a` faces."""
    orientation = agents[a, AG_ORIENTATION]
    return agents[a, AG_ROW] + FORWARD[orientation, 0], agents[a, AG_COL] + FORWARD[orientation, 1]


@njit(**INLINED)
def move(grid, feat, objects, agents, a, arg) -> bool:
    """One cell forward (arg 0) or back (arg 1), onto an empty cell."""
    orientation = agents[a, AG_ORIENTATION]
    step = 1 if arg == 0 else -1
    gy = agents[a, AG_ROW] + step * FORWARD[orientation, 0]
    gx = agents[a, AG_COL] + step * FORWARD[orientation, 1]
    if grid[gy, gx] != EMPTY:
        return False
    move_agent(grid, feat, objects, agents, a, gy, gx)
    return True


@njit(**INLINED)
def rotate(feat, agents, a, arg) -> bool:
    """Face orientation `arg` (up, down, left, right)."""
    agents[a, AG_ORIENTATION] = arg
    feat[agents[a, AG_ROW], agents[a, AG_COL], LAYER_ORIENTATION] = arg + 1
    return True


@njit(**INLINED)
def change_color(feat, agents, a, arg) -> bool:
    agents[a, AG_COLOR] = arg
    feat[agents[a, AG_ROW], agents[a, AG_COL], LAYER_COLOR] = arg
    return True


@njit(**INLINED)
def swap_agents(grid, feat, objects, agents, a, b) -> None:
    """Agents `a` and `b` exchange cells (with their observation layers)."""
    ya, xa, yb, xb = agents[a, AG_ROW], agents[a, AG_COL], agents[b, AG_ROW], agents[b, AG_COL]
    oa, ob = agents[a, AG_OBJECT], agents[b, AG_OBJECT]
    grid[ya, xa], grid[yb, xb] = ob, oa
    agents[a, AG_ROW], agents[a, AG_COL], agents[b, AG_ROW], agents[b, AG_COL] = yb, xb, ya, xa
    objects[oa, OB_ROW], objects[oa, OB_COL], objects[ob, OB_ROW], objects[ob, OB_COL] = yb, xb, ya, xa
    for c in range(NUM_LAYERS):
        feat[ya, xa, c], feat[yb, xb, c] = feat[yb, xb, c], feat[ya, xa, c]


@njit(**INLINED)
def swap(grid, feat, objects, items, type_params, agents, stats, a) -> bool:
    """Trade places with the block or the frozen agent ahead."""
    y = agents[a, AG_ROW]
    x = agents[a, AG_COL]
    gy, gx = cell_ahead(agents, a)
    o = grid[gy, gx]
    if o >= 0 and objects[o, OB_TYPE] == AGENT and agents[objects[o, OB_AGENT], AG_FROZEN] > 0:
        swap_agents(grid, feat, objects, agents, a, objects[o, OB_AGENT])
        return True
    if o < 0 or objects[o, OB_TYPE] != BLOCK:
        return False
    grid[gy, gx] = EMPTY
    move_agent(grid, feat, objects, agents, a, gy, gx)
    grid[y, x] = o
    objects[o, OB_ROW] = y
    objects[o, OB_COL] = x
    write_object_cell(feat, y, x, objects, items, type_params, o)
    stats[a, STAT_USED + BLOCK - FIRST_USABLE_TYPE] += 1
    return True


@njit(**INLINED)
def put_items(h: Holdings, items, recipes, a, o, t) -> int:
    """Hand converter `o` (of type `t`) what its recipe still needs, as far as the inventory holds
    it; returns the units handed over."""
    moved = 0
    for i in range(items.shape[2]):
        amount = min(recipes[t, 0, i] - items[o, 0, i], h.inv[a, i])
        if amount > 0:
            change_inventory(h, a, i, -amount)
            items[o, 0, i] += amount
            h.stats[a, STAT_ITEM + 4 * i + 2] += amount
            moved += amount
    return moved


@njit(**INLINED)
def get_items(h: Holdings, items, a, o) -> int:
    """Take all the output of converter `o` that the inventory limits allow; returns the units."""
    moved = 0
    for i in range(items.shape[2]):
        if items[o, 1, i] > 0:
            change = change_inventory(h, a, i, items[o, 1, i])
            if change > 0:
                items[o, 1, i] -= change
                h.stats[a, STAT_ITEM + 4 * i + 3] += change
                moved += change
    return moved


@njit(**INLINED)
def use_converter(h: Holdings, grid, objects, items, ru, active, num_active, e, kind, a) -> bool:
    """put_items or get_items on the converter ahead; a use that moves nothing fails. A used
    converter is counted, starts converting if it now can, and is redrawn."""
    gy, gx = cell_ahead(h.agents, a)
    o = grid[gy, gx]
    if o < 0 or objects[o, OB_TYPE] < FIRST_CONVERTER or objects[o, OB_TYPE] > LAST_CONVERTER:
        return False
    t = objects[o, OB_TYPE]
    moved = put_items(h, items, ru.recipes, a, o, t) if kind == PUT_ITEMS else get_items(h, items, a, o)
    if moved == 0:
        return False
    h.stats[a, STAT_USED + t - FIRST_USABLE_TYPE] += 1
    if try_start_conversion(objects, items, ru.recipes, ru.type_params, o):
        # It was idle (so not in the list) and now has a timer to tick.
        active[num_active[e]] = o
        num_active[e] += 1
    write_object_cell(h.feat, gy, gx, objects, items, ru.type_params, o)
    return True


@njit(**INLINED)
def attack(h: Holdings, grid, objects, attack_cost, freeze, defense, a, arg) -> bool:
    """Pay the cost and hit the `arg`-th agent ahead: its defense item absorbs the hit, otherwise
    it is frozen and the attacker takes its inventory."""
    inv, stats = h.inv, h.stats
    target = find_attack_target(grid, objects, h.agents, a, arg)
    if target < 0 or h.agents[target, AG_FROZEN] > 0:
        return False
    for i in range(inv.shape[1]):
        if inv[a, i] < attack_cost[i]:
            return False
    for i in range(inv.shape[1]):
        if attack_cost[i] > 0:
            change_inventory(h, a, i, -attack_cost[i])
    if inv[target, defense] > 0:
        change_inventory(h, target, defense, -1)
        stats[a, STAT_ATTACK_BLOCKED] += 1
        return True
    h.agents[target, AG_FROZEN] = freeze
    stats[a, STAT_ATTACK_HIT] += 1
    stats[target, STAT_ATTACK_FROZEN] += 1
    for i in range(inv.shape[1]):
        loot = inv[target, i]
        if loot > 0:
            taken = change_inventory(h, a, i, loot)
            if taken > 0:
                change_inventory(h, target, i, -taken)
    h.feat[h.agents[target, AG_ROW], h.agents[target, AG_COL], LAYER_FROZEN] = min(freeze, 255)
    return True


@njit(**INLINED)
def act(h: Holdings, grid, objects, items, ru, active, num_active, e, kind, a, arg) -> bool:
    """Perform one valid action of an unfrozen agent; returns whether it succeeded."""
    if kind == NOOP:
        return True
    if kind == MOVE:
        return move(grid, h.feat, objects, h.agents, a, arg)
    if kind == ROTATE:
        return rotate(h.feat, h.agents, a, arg)
    if kind == CHANGE_COLOR:
        return change_color(h.feat, h.agents, a, arg)
    if kind == SWAP:
        return swap(grid, h.feat, objects, items, ru.type_params, h.agents, h.stats, a)
    if kind in (PUT_ITEMS, GET_ITEMS):
        return use_converter(h, grid, objects, items, ru, active, num_active, e, kind, a)
    if kind == ATTACK:
        freeze = int(ru.params[PARAM_FREEZE])
        defense = int(ru.params[PARAM_DEFENSE_ITEM])
        return attack(h, grid, objects, ru.attack_cost, freeze, defense, a, arg)
    return False


@njit(**KERNEL)
def reset_env(
    grid, feat, map_size, objects, items, num_objects, converters, num_converters, active, num_active, agents, inv,
    rewards, stats, step_count, rng, next_type, next_team, next_size, next_seed, ru_recipes, ru_type_params,
    e, pad_y, pad_x,
) -> None:  # fmt: skip
    """Start a new episode in env `e` (arrays are env `e`'s, except the N-long ones) from its
    prepared next map and seed."""
    grid[:, :] = VOID
    feat[:, :, :] = 0
    height = next_size[0]
    width = next_size[1]
    map_size[0] = height
    map_size[1] = width
    num_items = inv.shape[1]
    num_agents = agents.shape[0]
    n = 0
    count_agents = 0
    count_converters = 0
    for y in range(height):
        for x in range(width):
            t = next_type[y, x]
            gy = y + pad_y
            gx = x + pad_x
            if t == EMPTY:
                grid[gy, gx] = EMPTY
                continue
            grid[gy, gx] = n
            objects[n, OB_TYPE] = t
            objects[n, OB_ROW] = gy
            objects[n, OB_COL] = gx
            objects[n, OB_AGENT] = -1
            objects[n, OB_CONVERTING] = 0
            objects[n, OB_COOLDOWN] = 0
            for i in range(num_items):
                items[n, 0, i] = 0
                items[n, 1, i] = 0
            if t == AGENT and count_agents < num_agents:
                a = count_agents
                objects[n, OB_AGENT] = a
                for f in range(AGENT_FIELDS):
                    agents[a, f] = 0
                agents[a, AG_OBJECT] = n
                agents[a, AG_OBS_ROW] = -1  # no window written yet: the next write is whole
                agents[a, AG_ROW] = gy
                agents[a, AG_COL] = gx
                agents[a, AG_TEAM] = next_team[y, x]
                agents[a, AG_SUCCESS] = 1
                count_agents += 1
            elif FIRST_CONVERTER <= t <= LAST_CONVERTER:
                for i in range(num_items):
                    items[n, 1, i] = min(ru_recipes[t, 1, i] * ru_type_params[t, TP_INITIAL], 255)
                converters[count_converters] = n
                count_converters += 1
            n += 1
    num_objects[e] = n
    num_converters[e] = count_converters
    rewards[:, :] = 0.0
    inv[:, :] = 0
    stats[:, :] = 0.0
    count_active = 0
    for k in range(count_converters):
        o = converters[k]
        if try_start_conversion(objects, items, ru_recipes, ru_type_params, o):
            active[count_active] = o
            count_active += 1
    num_active[e] = count_active
    for o in range(n):
        if objects[o, OB_TYPE] == AGENT:
            write_agent_cell(feat, objects[o, OB_ROW], objects[o, OB_COL], agents, inv, objects[o, OB_AGENT])
        else:
            write_object_cell(feat, objects[o, OB_ROW], objects[o, OB_COL], objects, items, ru_type_params, o)
    step_count[e] = 0
    seed = next_seed[e]
    rng[e] = seed if seed != 0 else np.uint64(0x9E3779B97F4A7C15)


@njit(**KERNEL)
def write_window(flat_grid, flat_feat, grid_width, out, top_left, obs_height, obs_width) -> None:
    """Write one whole window into `out` (flat `C * H * W`) from its top-left grid cell.

    Most cells are empty, so the window is zeroed and only occupied cells are copied: the
    occupancy test reads one int per cell instead of C bytes. Flat indexing keeps the inner loops
    free of stride arithmetic.
    """
    plane = obs_height * obs_width
    out[:] = 0
    for r in range(obs_height):
        cell = top_left + r * grid_width
        base = r * obs_width
        for q in range(obs_width):
            if flat_grid[cell + q] >= 0:
                source = (cell + q) * NUM_LAYERS
                target = base + q
                if flat_feat[source + LAYER_WALL]:
                    # Walls, the commonest objects, have just these two layers set.
                    out[target + LAYER_WALL * plane] = 1
                    out[target + LAYER_TYPE * plane] = WALL + 1
                else:
                    for c in range(NUM_LAYERS):
                        out[target + c * plane] = flat_feat[source + c]


@njit(**KERNEL)
def write_observations(
    grid,
    feat,
    agents,
    rewards,
    obs,
    global_obs,
    first_row,
    obs_height,
    obs_width,
    progress,
    changed,
    num_changed,
):
    """Bring each agent's window (obs is flat: `(total_agents, C * H * W)`) up to date and write
    its global features.

    The obs buffer still holds every window as written after the previous step. An agent that
    has not moved since its window was last written whole only needs the cells noted in
    `changed` that fall inside its window (a cell's layers are copied, zeros included, since an
    emptied cell's layers are all zero). An agent that moved, a freshly reset env (its agents'
    `AG_OBS_ROW` is -1) or more changes than `changed` holds get whole windows.
    """
    plane = obs_height * obs_width
    pad_y = obs_height // 2
    pad_x = obs_width // 2
    grid_width = grid.shape[1]
    flat_grid = grid.reshape(-1)
    flat_feat = feat.reshape(-1)
    overflow = num_changed > changed.shape[0]
    for a in range(agents.shape[0]):
        row = first_row + a
        out = obs[row]
        y = agents[a, AG_ROW]
        x = agents[a, AG_COL]
        if overflow or y != agents[a, AG_OBS_ROW] or x != agents[a, AG_OBS_COL]:
            write_window(
                flat_grid,
                flat_feat,
                grid_width,
                out,
                (y - pad_y) * grid_width + x - pad_x,
                obs_height,
                obs_width,
            )
            agents[a, AG_OBS_ROW] = y
            agents[a, AG_OBS_COL] = x
        else:
            for k in range(num_changed):
                cy = changed[k, 0]
                cx = changed[k, 1]
                dy = cy - y + pad_y
                dx = cx - x + pad_x
                if 0 <= dy < obs_height and 0 <= dx < obs_width:
                    source = (cy * grid_width + cx) * NUM_LAYERS
                    target = dy * obs_width + dx
                    for c in range(NUM_LAYERS):
                        out[target + c * plane] = flat_feat[source + c]
        global_obs[row, 0] = progress
        global_obs[row, 1] = agents[a, AG_ACTION]
        global_obs[row, 2] = agents[a, AG_ARG]
        global_obs[row, 3] = rewards[a, RW_SHARED]


@njit(**INLINED)
def share_rewards(agents, rewards, team_sum, team_count, pct) -> None:
    """Split `pct` of every agent's raw reward evenly over its team; accumulate episode totals."""
    if pct > 0.0:
        team_sum[:] = 0.0
        team_count[:] = 0
        for a in range(agents.shape[0]):
            team_sum[agents[a, AG_TEAM]] += rewards[a, RW_RAW]
            team_count[agents[a, AG_TEAM]] += 1
    for a in range(agents.shape[0]):
        raw = rewards[a, RW_RAW]
        reward = raw
        if pct > 0.0:
            team = agents[a, AG_TEAM]
            reward = (1.0 - pct) * raw + pct * team_sum[team] / team_count[team]
        rewards[a, RW_SHARED] = reward
        rewards[a, RW_TOTAL_RAW] += raw
        rewards[a, RW_TOTAL] += reward


@njit(**INLINED)
def note_action_changes(changed, num_changed, e, grid, objects, agents, a, kind, arg, y, x) -> None:
    """Note the cells whose layers a successful action of agent `a` (standing at (y, x) before it)
    changed: its own cell (position, orientation, colour, inventory), the cell it left (move,
    swap), the cell in front (put, get) and the attacked agent's cell (frozen, inventory)."""
    note_changed(changed, num_changed, e, agents[a, AG_ROW], agents[a, AG_COL])
    if kind in (MOVE, SWAP):
        note_changed(changed, num_changed, e, y, x)
    elif kind in (PUT_ITEMS, GET_ITEMS):
        orientation = agents[a, AG_ORIENTATION]
        note_changed(changed, num_changed, e, y + FORWARD[orientation, 0], x + FORWARD[orientation, 1])
    elif kind == ATTACK:
        # Positions do not change in an attack, so the search finds the same target again.
        target = find_attack_target(grid, objects, agents, a, arg)
        note_changed(changed, num_changed, e, agents[target, AG_ROW], agents[target, AG_COL])


@njit(**INLINED)
def thaw(h: Holdings, st, e, a) -> None:
    """A frozen agent's turn: its counter drops by one (whatever it submitted)."""
    agents = h.agents
    y, x = agents[a, AG_ROW], agents[a, AG_COL]
    agents[a, AG_FROZEN] -= 1
    h.feat[y, x, LAYER_FROZEN] = min(agents[a, AG_FROZEN], 255)
    note_changed(st.changed[e], st.num_changed, e, y, x)


@njit(**INLINED)
def take_turn(h: Holdings, st, ru, e, kind, a, arg) -> bool:
    """Agent `a`'s valid action, by an unfrozen agent; the cells its success changed are noted.
    Returns whether the action succeeded."""
    agents = h.agents
    grid, objects, items = st.grid[e], st.objects[e], st.object_items[e]
    changed, num_changed = st.changed[e], st.num_changed
    y = agents[a, AG_ROW]
    x = agents[a, AG_COL]
    success = act(h, grid, objects, items, ru, st.active[e], st.num_active, e, kind, a, arg)
    if success and kind != NOOP:
        note_action_changes(changed, num_changed, e, grid, objects, agents, a, kind, arg, y, x)
    return success


@njit(**INLINED)
def shuffle_order(order, rng, e) -> None:
    """A Fisher-Yates shuffle of `order` with env `e`'s xorshift64 generator."""
    x = rng[e]
    for a in range(order.shape[0] - 1, 0, -1):
        x ^= x << np.uint64(13)
        x ^= x >> np.uint64(7)
        x ^= x << np.uint64(17)
        j = int(x % np.uint64(a + 1))
        order[a], order[j] = order[j], order[a]
    rng[e] = x


@njit(**INLINED)
def record_ended_episode(st, e, rewards, agents, stats) -> None:
    """Copy the ending episode's length, rewards, teams and stats out before the env resets."""
    st.ended[e] = 1
    st.ended_length[e] = st.step_count[e]
    ended_stats = st.ended_stats[e]
    for a in range(agents.shape[0]):
        st.ended_reward[e, a] = rewards[a, RW_TOTAL]
        st.ended_raw[e, a] = rewards[a, RW_TOTAL_RAW]
        st.ended_team[e, a] = agents[a, AG_TEAM]
        for k in range(stats.shape[1]):
            ended_stats[a, k] = stats[a, k]


@njit(**KERNEL)
def step_env(st, rule_sets, e, actions, obs, global_obs, out_rewards, terminals, truncations) -> None:
    """One step of env `e`: timers, attacks, other actions, rewards, auto-reset, observations."""
    ru = variant_rules(rule_sets, st.variant[e])
    grid = st.grid[e]
    feat = st.features[e]
    objects = st.objects[e]
    items = st.object_items[e]
    agents = st.agents[e]
    inv = st.agent_inventory[e]
    rewards = st.agent_rewards[e]
    stats = st.stats[e]
    order = st.agent_order[e]
    rng = st.rng
    recipes = ru.recipes
    type_params = ru.type_params
    action_ids = ru.action_ids
    action_max_args = ru.action_max_args
    params = ru.params
    penalty = params[PARAM_FAILURE_PENALTY]
    obs_height = int(params[PARAM_OBS_HEIGHT])
    obs_width = int(params[PARAM_OBS_WIDTH])
    num_agents = agents.shape[0]
    num_actions = action_ids.shape[0]
    first_row = e * num_agents

    holdings = Holdings(inv, ru.limits, ru.item_reward, ru.item_reward_max, rewards, stats, feat, agents)
    changed = st.changed[e]
    num_changed = st.num_changed
    st.ended[e] = 0
    st.step_count[e] += 1
    num_changed[e] = 0
    active = st.active[e]
    st.num_active[e] = tick_converters(
        objects, items, active, st.num_active[e], recipes, type_params, feat, changed, num_changed, e
    )

    for a in range(num_agents):
        order[a] = a
        rewards[a, RW_RAW] = 0.0
        agents[a, AG_ACTION] = actions[first_row + a, 0]
        agents[a, AG_ARG] = actions[first_row + a, 1]
    shuffle_order(order, rng, e)

    for phase in range(2):  # 0: attacks, 1: everything else
        for k in range(num_agents):
            a = order[k]
            action = agents[a, AG_ACTION]
            arg = agents[a, AG_ARG]
            valid_index = 0 <= action < num_actions
            kind = action_ids[action] if valid_index else -1
            if (kind == ATTACK) != (phase == 0):
                continue
            valid = valid_index and 0 <= arg <= action_max_args[action]
            if not valid:
                stats[a, STAT_INVALID] += 1
            success = False
            if agents[a, AG_FROZEN] > 0:  # frozen: fails whatever it submitted, valid or not
                thaw(holdings, st, e, a)
            elif valid:
                success = take_turn(holdings, st, ru, e, kind, a, arg)
            if valid_index:
                stats[a, STAT_ACTION + 2 * kind + (0 if success else 1)] += 1
            agents[a, AG_SUCCESS] = 1 if success else 0
            if not success:
                rewards[a, RW_RAW] -= penalty

    share_rewards(agents, rewards, st.team_sum[e], st.team_count[e], params[PARAM_GROUP_PCT])
    done = st.step_count[e] >= int(params[PARAM_MAX_STEPS])
    terminate = params[PARAM_TERMINATE] > 0.0
    for a in range(num_agents):
        out_rewards[first_row + a] = rewards[a, RW_SHARED]
        terminals[first_row + a] = done and terminate
        truncations[first_row + a] = done and not terminate
    if done:
        # The ending episode's last observations, kept aside before the reset overwrites them
        # (written only on ending steps, so stepping does not pay for it).
        write_observations(
            grid, feat, agents, rewards, obs, global_obs, first_row, obs_height, obs_width, 1.0, changed,
            num_changed[e],
        )  # fmt: skip
        for a in range(num_agents):
            kept, last = st.ended_obs[e, a], obs[first_row + a]
            for k in range(last.shape[0]):
                kept[k] = last[k]
            for k in range(global_obs.shape[1]):
                st.ended_global[e, a, k] = global_obs[first_row + a, k]
        record_ended_episode(st, e, rewards, agents, stats)
        st.variant[e] = st.next_variant[e]
        ru = variant_rules(rule_sets, st.variant[e])
        recipes = ru.recipes
        type_params = ru.type_params
        params = ru.params
        reset_env(
            grid, feat, st.map_size[e], objects, items, st.num_objects, st.converters[e], st.num_converters,
            st.active[e], st.num_active, agents, inv, rewards, stats, st.step_count, rng, st.next_type[e],
            st.next_team[e], st.next_size[e], st.next_seed, recipes, type_params, e, obs_height // 2, obs_width // 2,
        )  # fmt: skip
    progress = st.step_count[e] / params[PARAM_MAX_STEPS]
    write_observations(
        grid, feat, agents, rewards, obs, global_obs, first_row, obs_height, obs_width, progress, changed,
        num_changed[e],
    )  # fmt: skip


@njit(**KERNEL)
def step_all(state_arrays, rule_arrays, actions, obs, global_obs, rewards, terminals, truncations) -> int:
    """Step every env in order on one thread; returns how many episodes ended.

    State and rules arrive as plain tuples (`tuple(state)`): numba's dispatcher types those much
    faster than named tuples, which matters once per step.
    """
    st = State(*state_arrays)
    ru = RuleSets(*rule_arrays)
    ended = 0
    for e in range(st.grid.shape[0]):
        step_env(st, ru, e, actions, obs, global_obs, rewards, terminals, truncations)
        ended += st.ended[e]
    return ended


@njit(**KERNEL, parallel=True)
def step_all_parallel(
    state_arrays, rule_arrays, actions, obs, global_obs, rewards, terminals, truncations
) -> int:
    """Step every env, spreading envs over numba's threads; results equal `step_all`'s."""
    st = State(*state_arrays)
    ru = RuleSets(*rule_arrays)
    for e in prange(st.grid.shape[0]):
        step_env(st, ru, e, actions, obs, global_obs, rewards, terminals, truncations)
    ended = 0
    for e in range(st.grid.shape[0]):
        ended += st.ended[e]
    return ended


@njit(**KERNEL)
def reset_envs(st, rule_sets, mask, obs, global_obs) -> None:
    """Reset the envs where `mask` is set from their next maps and rules variants, and write their
    observations."""
    obs_height = int(rule_sets.params[0, PARAM_OBS_HEIGHT])
    obs_width = int(rule_sets.params[0, PARAM_OBS_WIDTH])
    num_agents = st.agents.shape[1]
    for e in range(st.grid.shape[0]):
        if mask[e]:
            st.variant[e] = st.next_variant[e]
            ru = variant_rules(rule_sets, st.variant[e])
            reset_env(
                st.grid[e], st.features[e], st.map_size[e], st.objects[e], st.object_items[e], st.num_objects,
                st.converters[e], st.num_converters, st.active[e], st.num_active, st.agents[e],
                st.agent_inventory[e], st.agent_rewards[e], st.stats[e], st.step_count, st.rng,
                st.next_type[e], st.next_team[e], st.next_size[e], st.next_seed, ru.recipes, ru.type_params, e, obs_height // 2, obs_width // 2,
            )  # fmt: skip
            st.num_changed[e] = 0
            write_observations(
                st.grid[e], st.features[e], st.agents[e], st.agent_rewards[e], obs, global_obs, e * num_agents,
                obs_height, obs_width, 0.0, st.changed[e], 0,
            )  # fmt: skip
