"""The `template` builder: a fixed layout with random swaps, shuffles, rotation and mirroring.

The output always has the layout's shape (a non-square layout turns by half turns only).
"""

from __future__ import annotations

import numpy as np

from metta_core.env.table import CONVERTER_NAMES
from metta_core.maps.builders.ascii import load_ascii_grid
from metta_core.maps.builders.base import Built
from metta_core.maps.config import AsciiConfig, TemplateConfig
from metta_core.maps.grid import object_char, requested_agent_count

CONVERTER_CHARS = [object_char(name) for name in CONVERTER_NAMES]


def build_template(config: TemplateConfig, rng: np.random.Generator) -> Built:
    grid = load_ascii_grid(AsciiConfig(map=config.map, uri=config.uri))
    for name in sorted(config.swaps):
        candidates = [object_char(c) if c != "empty" else "." for c in config.swaps[name]]
        for row, col in np.argwhere(grid == object_char(name)):
            grid[row, col] = candidates[int(rng.integers(len(candidates)))] if candidates else "."
    if config.shuffle_objects:
        cells = np.argwhere(np.isin(grid, CONVERTER_CHARS))
        chars = grid[cells[:, 0], cells[:, 1]]
        grid[cells[:, 0], cells[:, 1]] = chars[rng.permutation(len(chars))]
    if config.rotate:
        # Quarter turns only for square layouts: the map keeps its shape from episode to episode,
        # which the environment's preallocated arrays rely on.
        square = grid.shape[0] == grid.shape[1]
        grid = np.rot90(grid, int(rng.integers(4)) if square else 2 * int(rng.integers(2)))
    if config.mirror and rng.integers(2):
        grid = grid[:, ::-1]
    return Built(np.ascontiguousarray(grid), requested_agent_count(config.agents))
