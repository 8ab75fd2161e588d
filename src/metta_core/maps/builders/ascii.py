"""The `ascii` builder: a fixed grid, inline or read from a map file (cached per URI)."""

from __future__ import annotations

import numpy as np

from metta_core.maps.builders.base import Built
from metta_core.maps.config import AsciiConfig
from metta_core.maps.grid import requested_agent_count
from metta_core.maps.mapfile import parse_grid, read_map

# The environment rebuilds its map every episode; a file is read once per process.
_FILE_CACHE: dict[str, np.ndarray] = {}


def load_ascii_grid(config: AsciiConfig) -> np.ndarray:
    if config.map is not None:
        return parse_grid(config.map, "ascii map")
    assert config.uri is not None  # the config validator requires one of the two
    if config.uri not in _FILE_CACHE:
        _FILE_CACHE[config.uri] = read_map(config.uri)[0]
    return _FILE_CACHE[config.uri].copy()


def build_ascii(config: AsciiConfig, rng: np.random.Generator) -> Built:
    return Built(load_ascii_grid(config), requested_agent_count(config.agents))
