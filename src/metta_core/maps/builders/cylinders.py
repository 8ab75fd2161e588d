"""The `cylinders` builder: pairs of parallel wall bars with an altar between them (navigation).

A cylinder is drawn only where its whole footprint (plus a one-cell margin) is still empty, so
cylinders never cross each other or the border; a map too small for one is drawn without it.
"""

from __future__ import annotations

import numpy as np

from metta_core.maps.builders.base import Built
from metta_core.maps.config import CylindersConfig
from metta_core.maps.grid import (
    WALL_CHAR,
    draw_border,
    empty_grid,
    object_char,
    requested_agent_count,
    scatter_objects,
)

PLACEMENT_TRIES = 50


def _cylinder(config: CylindersConfig, horizontal: bool) -> np.ndarray:
    """The cylinder's footprint: bars on two sides, optional cap, altar in the middle."""
    across = config.gap + 2
    shape = np.full((across, config.length), ".", dtype="<U1")
    shape[0, :] = WALL_CHAR
    shape[-1, :] = WALL_CHAR
    if config.closed_end:
        shape[:, 0] = WALL_CHAR
    if config.altar_inside:
        shape[1 + config.gap // 2, config.length // 2] = object_char("altar")
    return shape if horizontal else shape.T.copy()


def build_cylinders(config: CylindersConfig, rng: np.random.Generator) -> Built:
    grid = draw_border(empty_grid(config.height, config.width), config.border_width)
    inset = config.border_width
    for _ in range(config.cylinders):
        shape = _cylinder(config, horizontal=bool(rng.integers(2)))
        if rng.integers(2):
            shape = shape[::-1, ::-1].copy()  # the closed end on either side
        height, width = shape.shape
        for _ in range(PLACEMENT_TRIES):
            top = int(rng.integers(inset, max(inset + 1, config.height - inset - height + 1)))
            left = int(rng.integers(inset, max(inset + 1, config.width - inset - width + 1)))
            fits = top + height <= config.height - inset and left + width <= config.width - inset
            # Cylinders may touch the border, but keep a one-cell lane from each other.
            if fits and _clear_of_cylinders(grid, top, left, height, width, inset):
                grid[top : top + height, left : left + width] = shape
                break
    scatter_objects(grid, config.objects, config.agents, rng, inset)
    return Built(grid, requested_agent_count(config.agents))


def _clear_of_cylinders(grid: np.ndarray, top: int, left: int, height: int, width: int, inset: int) -> bool:
    rows, cols = grid.shape
    window = grid[
        max(top - 1, inset) : min(top + height + 1, rows - inset),
        max(left - 1, inset) : min(left + width + 1, cols - inset),
    ]
    return bool((window == ".").all())
