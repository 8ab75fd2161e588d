"""Fixtures of the map tests: small configs and grids, and a helper that builds with a seed."""

from __future__ import annotations

import numpy as np
import pytest

from metta_core.maps.build import build_map

#: One small config per builder, each valid as-is.
SMALL_CONFIGS: dict[str, dict] = {
    "random": {
        "builder": "random",
        "width": 15,
        "height": 12,
        "wall_density": 0.2,
        "objects": {"altar": 2},
        "agents": 3,
    },
    "maze": {"builder": "maze", "width": 15, "height": 13, "agents": 1},
    "maze_prim": {"builder": "maze", "algorithm": "prim", "width": 17, "height": 13, "corridor_width": 2},
    "rooms": {"builder": "rooms", "width": 19, "height": 15, "rows": 2, "columns": 3, "agents": 2},
    "cylinders": {"builder": "cylinders", "width": 25, "height": 25, "cylinders": 3},
    "terrain": {"builder": "terrain", "width": 24, "height": 20},
    "template": {
        "builder": "template",
        "map": ["#######", "#@..._#", "#..m..#", "#n....#", "#######"],
        "shuffle_objects": True,
    },
    "wfc": {
        "builder": "wfc",
        "width": 24,
        "height": 20,
        "pattern": [
            "#......#......",
            "#.............",
            "###.#######.##",
            "#......#......",
            "#.............",
            "#......#......",
        ],
    },
    "convchain": {
        "builder": "convchain",
        "width": 24,
        "height": 20,
        "pattern": [
            ".#...#..",
            ".#.#.#.#",
            "...#...#",
            "####.###",
            "...#....",
            ".#.#.##.",
            ".#...#..",
            "##.###.#",
        ],
    },
    "scene": {
        "builder": "scene",
        "width": 24,
        "height": 16,
        "scene": {
            "children": [
                {
                    "where": {"columns": 2},
                    "scene": {"fill": {"builder": "maze", "border_width": 1, "agents": 1}},
                }
            ]
        },
    },
}


BUILDER_NAMES = tuple(SMALL_CONFIGS)


@pytest.fixture
def small_configs() -> dict[str, dict]:
    """A fresh copy of one small valid config per builder (tests may change them)."""
    import copy

    return copy.deepcopy(SMALL_CONFIGS)


@pytest.fixture
def build():
    def _build(config: dict, seed: int = 0) -> np.ndarray:
        return build_map(config, np.random.default_rng(seed))

    return _build
