"""The `convchain` builder: ConvChain (after Maxim Gumin's), Metropolis sampling of a wall field.

The example is read as walls (`#`) and open cells (anything else). Every NxN window of it, with
its 8 rotations/reflections, adds weight to its bit pattern; the numba kernel `_sample` then flips
random cells of a random field, accepting a flip with the ratio of the weights of the windows it
changes (raised to 1/temperature).
"""

from __future__ import annotations

import functools

import numpy as np
from numba import njit

from metta_core.errors import MapError
from metta_core.maps.builders.base import Built
from metta_core.maps.builders.wfc import symmetries
from metta_core.maps.config import ConvChainConfig
from metta_core.maps.grid import (
    WALL_CHAR,
    draw_border,
    keep_largest_region,
    requested_agent_count,
    scatter_objects,
)
from metta_core.maps.mapfile import parse_grid, split_rows

# Windows never seen in the example keep a small weight, so every flip stays possible.
UNSEEN_WEIGHT = 0.1


@functools.lru_cache(maxsize=32)
def cached_weights(rows: tuple[str, ...], size: int) -> np.ndarray:
    """Pattern weights of an example, cached: the environment rebuilds from it every episode."""
    sample = parse_grid(list(rows), "convchain pattern") == WALL_CHAR
    if min(sample.shape) < size:
        raise MapError(
            f"convchain pattern {sample.shape[1]}x{sample.shape[0]}: smaller than receptor_size {size}"
        )
    return pattern_weights(sample, size)


def pattern_weights(sample: np.ndarray, size: int) -> np.ndarray:
    height, width = sample.shape
    weights = np.zeros(1 << (size * size), dtype=np.float64)
    powers = (1 << np.arange(size * size, dtype=np.int64)).reshape(size, size)
    for row in range(height):
        for col in range(width):
            window = sample[np.ix_((np.arange(size) + row) % height, (np.arange(size) + col) % width)]
            for variant in symmetries(window, 8):
                weights[int((variant * powers).sum())] += 1
    weights[weights == 0] = UNSEEN_WEIGHT
    return weights


@njit(cache=True)
def _window_index(field, top, left, size):
    height, width = field.shape
    index = 0
    bit = 0
    for dy in range(size):
        for dx in range(size):
            if field[(top + dy) % height, (left + dx) % width]:
                index += 1 << bit
            bit += 1
    return index


@njit(cache=True)
def _sample(weights, width, height, size, iterations, temperature, seed):
    np.random.seed(seed)
    field = np.zeros((height, width), dtype=np.bool_)
    for y in range(height):
        for x in range(width):
            field[y, x] = np.random.random() < 0.5
    for _ in range(iterations * width * height):
        y = np.random.randint(height)
        x = np.random.randint(width)
        q = 1.0
        for top in range(y - size + 1, y + 1):
            for left in range(x - size + 1, x + 1):
                before = _window_index(field, top, left, size)
                # Flipping (y, x) flips exactly one bit of the window's index.
                after = before ^ (1 << ((y - top) * size + (x - left)))
                q *= weights[after] / weights[before]
        if q >= 1.0:
            field[y, x] = not field[y, x]
        else:
            if temperature != 1.0:
                q = q ** (1.0 / temperature)
            if q > np.random.random():
                field[y, x] = not field[y, x]
    return field


def build_convchain(config: ConvChainConfig, rng: np.random.Generator) -> Built:
    size = config.receptor_size
    weights = cached_weights(tuple(split_rows(config.pattern)), size)
    seed = int(rng.integers(2**31 - 1))
    walls = _sample(weights, config.width, config.height, size, config.iterations, config.temperature, seed)
    grid = np.where(walls, WALL_CHAR, ".").astype("<U1")
    draw_border(grid, config.border_width)
    if config.keep_largest_region:
        keep_largest_region(grid)
    scatter_objects(grid, config.objects, config.agents, rng, config.border_width)
    return Built(grid, requested_agent_count(config.agents))
