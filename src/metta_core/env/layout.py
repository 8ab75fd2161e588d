"""Names and indices of the engine's arrays: observation layers, global features, stat counters.

Policies, renderers, replays and the stats database read these names (through `VecEnv`); the
kernel uses the integer constants. Pure Python: no numpy or numba here.

Observation layers (uint8, one value per cell of the egocentric window; 0 means "nothing"):
- `agent`: 1 where an agent stands.
- `agent:team`: the agent's team + 1 (`@` agents are team 0, so 1; `1`..`4` give 2..5).
- `agent:orientation`: orientation + 1 (1 up, 2 down, 3 left, 4 right).
- `agent:frozen`: steps of freeze left.
- `color`: the colour of an agent (set by change_color) or of a converter (its recipe's colour).
- `wall`: 1 on walls (blocks are not walls: see `type_id`).
- `type_id`: object type id + 1 of whatever stands there (agent 1, wall 2, ... block 15).
- `converter:ready`: 1 where a converter holds output to take.
- `converter:working`: 1 where a converter is converting.
- `inv:<item>`: count of that item held by the object there: an agent's inventory, or a
  converter's output waiting to be taken. The agent's own inventory is at the window centre.
Cells outside the map read 0 in every layer.
"""

from __future__ import annotations

from metta_core.env.table import ACTION_NAMES, FIRST_CONVERTER, ITEM_NAMES, OBJECT_NAMES

LAYER_AGENT = 0
LAYER_TEAM = 1
LAYER_ORIENTATION = 2
LAYER_FROZEN = 3
LAYER_COLOR = 4
LAYER_WALL = 5
LAYER_TYPE = 6
LAYER_READY = 7
LAYER_WORKING = 8
LAYER_INVENTORY = 9  # first of len(ITEM_NAMES) layers

FEATURE_NAMES: tuple[str, ...] = (
    "agent",
    "agent:team",
    "agent:orientation",
    "agent:frozen",
    "color",
    "wall",
    "type_id",
    "converter:ready",
    "converter:working",
    *(f"inv:{item}" for item in ITEM_NAMES),
)
NUM_LAYERS = len(FEATURE_NAMES)

#: Global features, one float per agent: episode progress in [0, 1], the agent's last action
#: index (into the env's `action_names`), its argument, and its last reward (after sharing).
GLOBAL_FEATURE_NAMES: tuple[str, ...] = ("episode_progress", "last_action", "last_arg", "last_reward")
NUM_GLOBAL = len(GLOBAL_FEATURE_NAMES)

# Stat counters, per agent, as `<thing>.<event>`. Ids are positions in STAT_NAMES.
STAT_ACTION = 0  # action table id k: success at 2k, failed at 2k + 1
STAT_INVALID = 2 * len(ACTION_NAMES)
STAT_ITEM = STAT_INVALID + 1  # item i: gained, lost, put, get at STAT_ITEM + 4i + 0..3
STAT_ATTACK_HIT = STAT_ITEM + 4 * len(ITEM_NAMES)
STAT_ATTACK_BLOCKED = STAT_ATTACK_HIT + 1
STAT_ATTACK_FROZEN = STAT_ATTACK_HIT + 2
STAT_USED = STAT_ATTACK_HIT + 3  # usable object type t: STAT_USED + t - FIRST_USABLE_TYPE
#: Converters and blocks are used (blocks by swap); agents and walls are not.
FIRST_USABLE_TYPE = FIRST_CONVERTER

STAT_NAMES: tuple[str, ...] = (
    *(f"action.{name}.{event}" for name in ACTION_NAMES for event in ("success", "failed")),
    "action.invalid",
    *(f"{item}.{event}" for item in ITEM_NAMES for event in ("gained", "lost", "put", "get")),
    "attack.hit",
    "attack.blocked",
    "attack.frozen",
    *(f"{name}.used" for name in OBJECT_NAMES[FIRST_USABLE_TYPE:]),
)
NUM_STATS = len(STAT_NAMES)
