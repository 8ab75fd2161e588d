"""The `terrain` builder: wall blobs grown by random walks and scattered walls (navigation).

Pockets cut off from the largest open region are walled in before objects and agents are placed,
so a terrain map nearly always validates on the first attempt.
"""

from __future__ import annotations

import numpy as np

from metta_core.maps.builders.base import Built
from metta_core.maps.config import TerrainConfig
from metta_core.maps.grid import (
    WALL_CHAR,
    draw_border,
    empty_grid,
    keep_largest_region,
    place_randomly,
    requested_agent_count,
    scatter_objects,
)

STEPS = ((-1, 0), (1, 0), (0, -1), (0, 1))


def build_terrain(config: TerrainConfig, rng: np.random.Generator) -> Built:
    grid = draw_border(empty_grid(config.height, config.width), config.border_width)
    inset = config.border_width
    low, high = sorted(config.obstacle_size)
    inner_rows, inner_cols = config.height - 2 * inset, config.width - 2 * inset
    if inner_rows > 0 and inner_cols > 0:
        for _ in range(config.obstacles):
            row, col = inset + int(rng.integers(inner_rows)), inset + int(rng.integers(inner_cols))
            for _ in range(int(rng.integers(low, high + 1))):
                grid[row, col] = WALL_CHAR
                d_row, d_col = STEPS[int(rng.integers(4))]
                row = min(max(row + d_row, inset), config.height - inset - 1)
                col = min(max(col + d_col, inset), config.width - inset - 1)
        singles = int(config.wall_density * inner_rows * inner_cols)
        place_randomly(grid, [WALL_CHAR] * min(singles, int((grid == ".").sum())), rng, inset, "walls")
    keep_largest_region(grid)
    scatter_objects(grid, config.objects, config.agents, rng, inset)
    return Built(grid, requested_agent_count(config.agents))
