"""`build_map(config, rng)`: run a builder, validate the grid, retry a bounded number of times.

This is the one entry point the environment and the tools call. It owns the retry loop and the
seed rule (a config with `seed` ignores the caller's generator); builders only draw.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np

from metta_core.errors import MapError
from metta_core.maps.builders.base import Built
from metta_core.maps.config import MapConfig, MapConfigModel
from metta_core.maps.validate import map_problem

#: Builders whose output does not depend on the generator: retrying cannot help them.
DETERMINISTIC_BUILDERS = frozenset({"ascii"})


#: builder name -> "module:function"; imported on use, since WFC and ConvChain pull in numba.
BUILDERS: dict[str, str] = {
    "random": "metta_core.maps.builders.random:build_random",
    "maze": "metta_core.maps.builders.maze:build_maze",
    "rooms": "metta_core.maps.builders.rooms:build_rooms",
    "cylinders": "metta_core.maps.builders.cylinders:build_cylinders",
    "terrain": "metta_core.maps.builders.terrain:build_terrain",
    "ascii": "metta_core.maps.builders.ascii:build_ascii",
    "template": "metta_core.maps.builders.template:build_template",
    "wfc": "metta_core.maps.builders.wfc:build_wfc",
    "convchain": "metta_core.maps.builders.convchain:build_convchain",
    "scene": "metta_core.maps.scene:build_scene",
}


def _builder(name: str) -> Callable[[MapConfig, np.random.Generator], Built]:
    if name not in BUILDERS:
        raise MapError(f"builder '{name}': unknown (known: {', '.join(BUILDERS)})")
    module_name, function = BUILDERS[name].split(":")
    return getattr(importlib.import_module(module_name), function)


def generate(config: MapConfig, rng: np.random.Generator) -> Built:
    """Draw one map without validating it (scene children use this for their areas)."""
    if config.seed is not None:
        rng = np.random.default_rng(config.seed)
    return _builder(config.builder)(config, rng)


def build_map(config: MapConfig | dict, rng: np.random.Generator | None = None) -> np.ndarray:
    """A validated `(height, width)` grid of canonical characters; MapError when none validates."""
    if isinstance(config, dict):
        config = MapConfigModel.model_validate(config).root
    if rng is None:
        rng = np.random.default_rng()
    if config.seed is not None:
        rng = np.random.default_rng(config.seed)
    attempts = 1 if config.builder in DETERMINISTIC_BUILDERS else config.max_attempts
    problem = ""
    for _ in range(attempts):
        built = _builder(config.builder)(config, rng)
        problem = map_problem(built.grid, built.expected_agents, config.validate_reachability)
        if problem is None:
            return built.grid
    tries = f" after {attempts} attempts" if attempts > 1 else ""
    raise MapError(f"{config.builder} map failed validation{tries}: {problem}")
