"""The `random` builder: an open room with walls, objects and agents on random cells."""

from __future__ import annotations

import numpy as np

from metta_core.maps.builders.base import Built
from metta_core.maps.config import RandomConfig
from metta_core.maps.grid import (
    WALL_CHAR,
    draw_border,
    empty_grid,
    place_randomly,
    requested_agent_count,
    scatter_objects,
)


def build_random(config: RandomConfig, rng: np.random.Generator) -> Built:
    grid = draw_border(empty_grid(config.height, config.width), config.border_width)
    inset = config.border_width
    inner_cells = max(config.height - 2 * inset, 0) * max(config.width - 2 * inset, 0)
    # Objects and agents first, so that a dense map still holds every one of them.
    scatter_objects(grid, config.objects, config.agents, rng, inset)
    if config.walls is not None:
        walls = config.walls  # an exact count: too many is an error (place_randomly says so)
    else:
        walls = min(int(round(config.wall_density * inner_cells)), int((grid == ".").sum()))
    place_randomly(grid, [WALL_CHAR] * walls, rng, inset, "walls")
    return Built(
        grid,
        requested_agent_count(config.agents),
        {"inner": (inset, inset, config.height - 2 * inset, config.width - 2 * inset)},
    )
