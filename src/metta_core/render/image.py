"""An RGB picture of one environment's state, for `render_mode="rgb_array"` (videos, notebooks).

Colours are the map image's (`maps/png.py`): one tile per cell, agents in their team's colour and
grey while frozen. Numpy only, so a frame per step stays cheap; like the ASCII frame it depends on
the snapshot alone and never steps the env.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from metta_core.env.table import AGENT, OBJECT_NAMES
from metta_core.maps.png import OBJECT_COLOURS, TEAM_COLOURS

#: A frozen agent's colour (the ASCII frame draws it as `*`).
FROZEN_COLOUR = (150, 150, 150)


def snapshot_rgb(snapshot: Any, tile: int = 8) -> np.ndarray:
    """uint8 `(height * tile, width * tile, 3)`: the snapshot's map, `tile` pixels per cell."""
    cells = np.empty((int(snapshot.height), int(snapshot.width), 3), dtype=np.uint8)
    cells[:] = OBJECT_COLOURS["empty"]
    for obj in snapshot.objects:
        if int(obj["type_id"]) != AGENT:
            cells[int(obj["row"]), int(obj["col"])] = OBJECT_COLOURS[OBJECT_NAMES[int(obj["type_id"])]]
    for agent in snapshot.agents:
        frozen = int(agent["frozen"]) > 0
        colour = FROZEN_COLOUR if frozen else TEAM_COLOURS[int(agent["team"]) % len(TEAM_COLOURS)]
        cells[int(agent["row"]), int(agent["col"])] = colour
    return np.repeat(np.repeat(cells, tile, axis=0), tile, axis=1)
