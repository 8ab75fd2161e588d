"""The `rooms` builder: a grid of rooms split by walls, joined by doors along a spanning tree."""

from __future__ import annotations

import numpy as np

from metta_core.errors import MapError
from metta_core.maps.builders.base import Area, Built
from metta_core.maps.builders.maze import _kruskal
from metta_core.maps.config import RoomsConfig
from metta_core.maps.grid import (
    WALL_CHAR,
    agent_chars,
    draw_border,
    empty_grid,
    object_char,
    place_randomly,
    requested_agent_count,
    scatter_objects,
)


def _bounds(total: int, parts: int, wall: int) -> list[tuple[int, int]]:
    """(start, size) of `parts` rooms sharing `total` cells with `wall`-thick walls between them."""
    room_cells = total - wall * (parts - 1)
    sizes = [room_cells // parts + (1 if i < room_cells % parts else 0) for i in range(parts)]
    starts, position = [], 0
    for size in sizes:
        starts.append((position, size))
        position += size + wall
    return starts


def build_rooms(config: RoomsConfig, rng: np.random.Generator) -> Built:
    grid = draw_border(empty_grid(config.height, config.width), config.border_width)
    inset, wall = config.border_width, config.wall_thickness
    inner_height, inner_width = config.height - 2 * inset, config.width - 2 * inset
    row_bounds, col_bounds = (
        _bounds(inner_height, config.rows, wall),
        _bounds(inner_width, config.columns, wall),
    )
    if min(size for _, size in row_bounds + col_bounds) < max(1, config.door_width):
        raise MapError(
            f"rooms {config.width}x{config.height}: {config.rows}x{config.columns} rooms do not fit"
        )
    grid[inset : config.height - inset, inset : config.width - inset] = WALL_CHAR
    areas: dict[str, Area] = {}
    for r, (top, height) in enumerate(row_bounds):
        for c, (left, width) in enumerate(col_bounds):
            areas[f"room_{r}_{c}"] = (inset + top, inset + left, height, width)
            grid[inset + top : inset + top + height, inset + left : inset + left + width] = "."
    if config.doors:
        tree = _kruskal(config.rows, config.columns, rng)
        joined = set(tree)
        pairs = [((r, c), (r, c + 1)) for r in range(config.rows) for c in range(config.columns - 1)]
        pairs += [((r, c), (r + 1, c)) for r in range(config.rows - 1) for c in range(config.columns)]
        for pair in pairs:
            if pair in joined or rng.random() < config.extra_doors:
                _door(grid, areas, pair, config.door_width, wall, rng)
    for name in areas:
        top, left, height, width = areas[name]
        room = grid[top : top + height, left : left + width]
        chars = [object_char(o) for o in sorted(config.room_objects) for _ in range(config.room_objects[o])]
        place_randomly(room, chars, rng, 0, f"objects of {name}")
        place_randomly(room, agent_chars(config.room_agents), rng, 0, f"agents of {name}")
    scatter_objects(grid, config.objects, config.agents, rng, inset)
    expected = (requested_agent_count(config.agents) or 0) + config.room_agents * len(areas)
    return Built(grid, expected, areas)


def _door(
    grid: np.ndarray,
    areas: dict[str, Area],
    pair: tuple[tuple[int, int], tuple[int, int]],
    door: int,
    wall: int,
    rng,
) -> None:
    (r1, c1), (r2, c2) = pair
    top, left, height, width = areas[f"room_{r1}_{c1}"]
    if r1 == r2:  # side by side: a door through the wall on the right of room 1
        offset = top + int(rng.integers(0, height - door + 1))
        grid[offset : offset + door, left + width : left + width + wall] = "."
    else:  # one above the other: a door through the wall below room 1
        offset = left + int(rng.integers(0, width - door + 1))
        grid[top + height : top + height + wall, offset : offset + door] = "."
