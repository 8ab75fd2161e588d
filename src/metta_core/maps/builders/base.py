"""What a builder returns: the grid, the named areas it made, and how many agents it meant to place.

Named areas (`room_0_1`, ...) are where scene children can draw; a builder with no structure
returns none. Areas are `(row, col, height, width)` in grid coordinates.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

Area = tuple[int, int, int, int]


@dataclass
class Built:
    grid: np.ndarray
    expected_agents: int | None
    areas: dict[str, Area] = field(default_factory=dict)
