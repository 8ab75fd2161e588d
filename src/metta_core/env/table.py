"""The one table of the game's names: object types, items and actions.

The environment, observation layers, maps, renderers, replays and policies all read their names
and ids from here, so that they agree. Ids are positions in these tuples and never change meaning.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ObjectType:
    id: int
    name: str
    char: str  # canonical ASCII character in maps
    aliases: tuple[str, ...] = ()


OBJECT_TYPES: tuple[ObjectType, ...] = (
    ObjectType(0, "agent", "@", ("A",)),
    ObjectType(1, "wall", "#", ("W",)),
    ObjectType(2, "mine_red", "m", ("r",)),
    ObjectType(3, "mine_blue", "b"),
    ObjectType(4, "mine_green", "g"),
    ObjectType(5, "generator_red", "n", ("R",)),
    ObjectType(6, "generator_blue", "B"),
    ObjectType(7, "generator_green", "G"),
    ObjectType(8, "altar", "_", ("a",)),
    ObjectType(9, "armory", "o"),
    ObjectType(10, "lasery", "S"),
    ObjectType(11, "lab", "L"),
    ObjectType(12, "factory", "F"),
    ObjectType(13, "temple", "T"),
    ObjectType(14, "block", "s"),
)
OBJECT_NAMES: tuple[str, ...] = tuple(o.name for o in OBJECT_TYPES)
OBJECT_ID: dict[str, int] = {o.name: o.id for o in OBJECT_TYPES}

# Type ids by name, for code that branches on them (the numba kernel reads these as constants).
AGENT, WALL, BLOCK = OBJECT_ID["agent"], OBJECT_ID["wall"], OBJECT_ID["block"]
#: Every object from mine to temple is a converter with a recipe: ids FIRST_CONVERTER..LAST_CONVERTER.
FIRST_CONVERTER, LAST_CONVERTER = OBJECT_ID["mine_red"], OBJECT_ID["temple"]
CONVERTER_NAMES: tuple[str, ...] = OBJECT_NAMES[FIRST_CONVERTER : LAST_CONVERTER + 1]

EMPTY_CHAR = "."
EMPTY_CHARS = (".", " ")
#: Agents of teams 1-4 are written with digits; a plain `@` is an agent of team 0.
TEAM_CHARS = ("1", "2", "3", "4")

ITEM_NAMES: tuple[str, ...] = (
    "ore_red",
    "ore_blue",
    "ore_green",
    "battery_red",
    "battery_blue",
    "battery_green",
    "heart",
    "armor",
    "laser",
    "blueprint",
)
ITEM_ID: dict[str, int] = {name: i for i, name in enumerate(ITEM_NAMES)}


@dataclass(frozen=True)
class ActionType:
    name: str
    max_arg: int  # arguments are 0..max_arg; above is an invalid action


ACTION_TYPES: tuple[ActionType, ...] = (
    ActionType("noop", 0),
    ActionType("move", 1),
    ActionType("rotate", 3),
    ActionType("put_items", 0),
    ActionType("get_items", 0),
    ActionType("attack", 8),
    ActionType("swap", 0),
    ActionType("change_color", 3),
)
ACTION_NAMES: tuple[str, ...] = tuple(a.name for a in ACTION_TYPES)
ACTION_ID: dict[str, int] = {name: i for i, name in enumerate(ACTION_NAMES)}
# Action ids by name, for code that branches on them (the numba kernel reads these as constants).
NOOP = ACTION_ID["noop"]
MOVE = ACTION_ID["move"]
ROTATE = ACTION_ID["rotate"]
PUT_ITEMS = ACTION_ID["put_items"]
GET_ITEMS = ACTION_ID["get_items"]
ATTACK = ACTION_ID["attack"]
SWAP = ACTION_ID["swap"]
CHANGE_COLOR = ACTION_ID["change_color"]

ORIENTATIONS: tuple[str, ...] = ("up", "down", "left", "right")


def _char_table() -> dict[str, tuple[int, int]]:
    """Map every accepted map character to (object type id, team); empty cells map to (-1, 0)."""
    table: dict[str, tuple[int, int]] = {c: (-1, 0) for c in EMPTY_CHARS}
    for obj in OBJECT_TYPES:
        for c in (obj.char, *obj.aliases):
            table[c] = (obj.id, 0)
    for team, c in enumerate(TEAM_CHARS, start=1):
        table[c] = (AGENT, team)
    return table


#: Character -> (object type id or -1 for empty, agent team).
CHAR_TO_OBJECT: dict[str, tuple[int, int]] = _char_table()
#: Object type id -> canonical character.
OBJECT_CHAR: dict[int, str] = {o.id: o.char for o in OBJECT_TYPES}
