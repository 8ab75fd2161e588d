"""Generate maps for the tools: one map to show, or N map files written to a path or s3 prefix.

Each written file is a map YAML file the `ascii` builder reloads, with its seed and the builder
config that drew it in `metadata`. Seeds: a config's `seed` s gives maps s, s+1, ...; without one,
a fresh random base seed is drawn and recorded. Nothing here prints.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from metta_core import storage
from metta_core.errors import MapError
from metta_core.maps.build import build_map
from metta_core.maps.config import MapConfig
from metta_core.maps.mapfile import MAP_SUFFIXES, read_map, write_map


@dataclass
class GeneratedMap:
    grid: np.ndarray
    seed: int
    metadata: dict[str, Any]
    uri: str | None = None


def map_metadata(config: MapConfig, seed: int, grid: np.ndarray) -> dict[str, Any]:
    return {
        "seed": seed,
        "width": int(grid.shape[1]),
        "height": int(grid.shape[0]),
        "builder": config.model_dump(mode="json", exclude_unset=True)
        | {"builder": config.builder, "seed": seed},
    }


def generate_one(config: MapConfig, seed: int) -> GeneratedMap:
    seeded = config.model_copy(update={"seed": seed})
    grid = build_map(seeded, np.random.default_rng(seed))
    return GeneratedMap(grid, seed, map_metadata(config, seed, grid))


def output_uris(output_uri: str, count: int, builder: str) -> list[str]:
    """`count` numbered file URIs under a directory or prefix; one file when it names a .yaml."""
    text = str(output_uri)
    if text.endswith((".yaml", ".yml")):
        if count != 1:
            raise MapError(f"--output-uri {text}: names one file, but --count is {count}; give a directory")
        return [text]
    prefix = text.rstrip("/")
    if not storage.is_s3(prefix) and storage.local_path(prefix).is_file():
        raise MapError(f"--output-uri {text}: an existing file, not a directory")
    return [f"{prefix}/{builder}_{i:04d}.yaml" for i in range(count)]


def generate_maps(
    config: MapConfig,
    count: int = 1,
    output_uri: str | None = None,
    on_map: Callable[[GeneratedMap], None] | None = None,
) -> list[GeneratedMap]:
    """Build `count` maps with consecutive seeds; write each one when `output_uri` is given.
    `on_map` hears of each map as it is done (progress)."""
    if count < 1:
        raise MapError(f"--count must be at least 1, got {count}")
    base = config.seed if config.seed is not None else random.SystemRandom().randrange(2**31)
    uris = output_uris(output_uri, count, config.builder) if output_uri else [None] * count
    maps = []
    for index, uri in enumerate(uris):
        generated = generate_one(config, base + index)
        if uri is not None:
            write_map(uri, generated.grid, generated.metadata)
            generated.uri = uri
        maps.append(generated)
        if on_map is not None:
            on_map(generated)
    return maps


def pick_map_uri(uri: str, rng: random.Random | None = None) -> str:
    """A file as given; from a directory or s3 prefix, one of its map files at random."""
    text = str(uri)
    if storage.is_s3(text):
        is_dir = text.endswith("/") or not text.endswith(MAP_SUFFIXES)  # s3 has prefixes, not folders
    else:
        is_dir = storage.local_path(text).is_dir()
    if not is_dir:
        return text
    prefix = text if text.endswith("/") or not storage.is_s3(text) else text + "/"
    candidates = [u for u in storage.list_uris(prefix) if u.endswith(MAP_SUFFIXES)]
    if not candidates:
        raise MapError(f"{text}: no map files ({', '.join(MAP_SUFFIXES)}) there")
    return (rng or random.Random()).choice(candidates)


def load_map(uri: str) -> tuple[str, np.ndarray, dict[str, Any]]:
    """(the file chosen, its grid, its metadata) for a file, directory or s3 prefix."""
    chosen = pick_map_uri(uri)
    grid, metadata = read_map(chosen)
    return chosen, grid, metadata


__all__ = ["GeneratedMap", "generate_maps", "load_map", "output_uris", "pick_map_uri"]
