"""Milliseconds per map of every builder at one size (64x64 by default), for `metta bench maps`.

Each builder is timed on the shipped example config resized to the benchmark size, after one
untimed build (so numba's compilation or cache load is not counted). Validation is included:
it is part of what building a map costs. Nothing here prints.
"""

from __future__ import annotations

import time

import numpy as np

from metta_core.maps.build import build_map
from metta_core.maps.config import MapConfig, SceneMapConfig
from metta_core.maps.loading import load_map_config, scene_map_config

#: builder -> shipped example it is timed on (presets/maps, or presets/scenes for `scene`)
BENCH_CONFIGS: dict[str, str] = {
    "random": "random.yaml",
    "maze": "maze_kruskal.yaml",
    "rooms": "rooms.yaml",
    "cylinders": "cylinders.yaml",
    "terrain": "terrain.yaml",
    "template": "template.yaml",
    "ascii": "ascii.yaml",
    "wfc": "wfc_dungeon.yaml",
    "convchain": "convchain_maze.yaml",
    "scene": "rooms_with_mazes",
}
FIXED_SIZE_BUILDERS = frozenset({"ascii", "template"})


def bench_config(builder: str, size: int) -> MapConfig:
    if builder == "scene":
        config: MapConfig = scene_map_config(BENCH_CONFIGS[builder], size, size)
        assert isinstance(config, SceneMapConfig)
        return config
    overrides = [] if builder in FIXED_SIZE_BUILDERS else [f"width={size}", f"height={size}"]
    return load_map_config(BENCH_CONFIGS[builder], overrides)


def ms_per_map(config: MapConfig, maps: int, seed: int = 0) -> float:
    rng = np.random.default_rng(seed)
    build_map(config, rng)  # untimed: compiles or loads numba kernels
    start = time.perf_counter()
    for _ in range(maps):
        build_map(config, rng)
    return (time.perf_counter() - start) * 1000.0 / maps


def bench_maps(size: int = 64, maps: int = 10, builders: list[str] | None = None) -> dict[str, float]:
    """builder -> milliseconds per validated map."""
    return {name: ms_per_map(bench_config(name, size), maps) for name in (builders or list(BENCH_CONFIGS))}
