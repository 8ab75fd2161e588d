"""The `wfc` builder: Wave Function Collapse, overlapping model (after Maxim Gumin's).

Patterns (NxN windows of the example, with rotations/reflections) and their overlap rules are
found with numpy; the collapse itself (observe the lowest-entropy cell, ban, propagate) is one
numba kernel, `_collapse`. A contradiction restarts with a new seed, at most `max_retries` times.
"""

from __future__ import annotations

import functools
from typing import NamedTuple

import numpy as np
from numba import njit

from metta_core.errors import MapError
from metta_core.maps.builders.base import Built
from metta_core.maps.config import WFCConfig
from metta_core.maps.grid import draw_border, keep_largest_region, requested_agent_count, scatter_objects
from metta_core.maps.mapfile import parse_grid, split_rows

# Direction d moves by (DX[d], DY[d]); OPPOSITE[d] comes back.
DX = np.array([-1, 0, 1, 0], dtype=np.int64)
DY = np.array([0, 1, 0, -1], dtype=np.int64)
OPPOSITE = np.array([2, 3, 0, 1], dtype=np.int64)


def symmetries(window: np.ndarray, count: int) -> list[np.ndarray]:
    """The first `count` of the 8 rotations/reflections of a square window."""
    variants = []
    for turn in range(4):
        rotated = np.rot90(window, turn)
        variants += [rotated, rotated[:, ::-1]]
    return [np.ascontiguousarray(v) for v in variants[:count]]


def extract_patterns(
    sample: np.ndarray, size: int, periodic: bool, symmetry: int
) -> tuple[np.ndarray, np.ndarray]:
    """Unique NxN windows of `sample` (int codes) and how often each occurs: (patterns, weights)."""
    height, width = sample.shape
    counts: dict[bytes, int] = {}
    windows: dict[bytes, np.ndarray] = {}
    last_row = height if periodic else height - size + 1
    last_col = width if periodic else width - size + 1
    for row in range(last_row):
        for col in range(last_col):
            rows = (np.arange(size) + row) % height
            cols = (np.arange(size) + col) % width
            window = sample[np.ix_(rows, cols)]
            for variant in symmetries(window, symmetry):
                key = variant.tobytes()
                counts[key] = counts.get(key, 0) + 1
                windows.setdefault(key, variant)
    keys = list(windows)
    return np.array([windows[k] for k in keys], dtype=np.int64), np.array(
        [counts[k] for k in keys], dtype=np.float64
    )


def build_propagator(patterns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """CSR lists: for direction d and pattern p, the patterns q that may sit at offset d from p."""
    count, size = patterns.shape[0], patterns.shape[1]
    starts = np.zeros((4, count + 1), dtype=np.int64)
    lists = []
    for d in range(4):
        dx, dy = int(DX[d]), int(DY[d])
        ys1 = slice(max(0, dy), min(size, size + dy))
        xs1 = slice(max(0, dx), min(size, size + dx))
        ys2 = slice(max(0, -dy), min(size, size - dy))
        xs2 = slice(max(0, -dx), min(size, size - dx))
        first = patterns[:, ys1, xs1].reshape(count, -1)
        second = patterns[:, ys2, xs2].reshape(count, -1)
        agree = (first[:, None, :] == second[None, :, :]).all(axis=2)
        for p in range(count):
            allowed = np.nonzero(agree[p])[0]
            lists.append(allowed)
            starts[d, p + 1] = starts[d, p] + len(allowed)
    flat = np.zeros((4, max(int(starts[:, -1].max()), 1)), dtype=np.int64)
    index = 0
    for d in range(4):
        for p in range(count):
            allowed = lists[index]
            flat[d, starts[d, p] : starts[d, p] + len(allowed)] = allowed
            index += 1
    return starts, flat


class Wave(NamedTuple):
    """The collapse's state: which patterns each cell still allows, and the sums behind its entropy.

    One record, so the numba helpers take it as one argument; `top` (a 1-element array) is the
    height of the stack of bans still to propagate.
    """

    allowed: np.ndarray  # bool (cells, patterns)
    compatible: np.ndarray  # int64 (cells, patterns, 4): supporting neighbours left per direction
    sums_ones: np.ndarray  # int64 (cells,): patterns still allowed
    sums_weights: np.ndarray  # float64 (cells,)
    sums_log: np.ndarray  # float64 (cells,): sum of w * log(w) over allowed patterns
    entropies: np.ndarray  # float64 (cells,)
    noise: np.ndarray  # float64 (cells,): a fixed tiny noise that breaks ties between equal entropies
    weights: np.ndarray  # float64 (patterns,)
    log_weights: np.ndarray  # float64 (patterns,): w * log(w)
    stack: np.ndarray  # int64 (cells * patterns + 1, 2): (cell, pattern) bans to propagate
    top: np.ndarray  # int64 (1,)


@njit(cache=True)
def _new_wave(weights, starts, cells) -> Wave:
    """Every pattern allowed everywhere; each (cell, pattern, d) supported by all its neighbours."""
    count = weights.shape[0]
    log_weights = weights * np.log(weights)
    compatible = np.zeros((cells, count, 4), dtype=np.int64)
    for p in range(count):
        for d in range(4):
            opposite = (d + 2) % 4
            compatible[:, p, d] = starts[opposite, p + 1] - starts[opposite, p]
    total_weight = weights.sum()
    total_log = log_weights.sum()
    noise = np.random.random(cells) * 1e-6
    return Wave(
        np.ones((cells, count), dtype=np.bool_),
        compatible,
        np.full(cells, count, dtype=np.int64),
        np.full(cells, total_weight),
        np.full(cells, total_log),
        np.log(total_weight) - total_log / total_weight + noise,
        noise,
        weights,
        log_weights,
        np.zeros((cells * count + 1, 2), dtype=np.int64),
        np.zeros(1, dtype=np.int64),
    )


@njit(cache=True)
def _ban(w: Wave, cell, pattern) -> None:
    """Forbid `pattern` at `cell` and push the ban for propagation."""
    w.allowed[cell, pattern] = False
    for d in range(4):
        w.compatible[cell, pattern, d] = 0
    top = w.top[0]
    w.stack[top, 0] = cell
    w.stack[top, 1] = pattern
    w.top[0] = top + 1
    w.sums_ones[cell] -= 1
    w.sums_weights[cell] -= w.weights[pattern]
    w.sums_log[cell] -= w.log_weights[pattern]
    # Kept up to date here so that observing compares numbers instead of taking a log per cell.
    if w.sums_weights[cell] > 0:
        w.entropies[cell] = (
            np.log(w.sums_weights[cell]) - w.sums_log[cell] / w.sums_weights[cell] + w.noise[cell]
        )


@njit(cache=True)
def _ban_unsupported(w: Wave, wave_width, wave_height, periodic) -> None:
    """A pattern with no compatible neighbour on some side can never be placed; ban it up front
    (otherwise a wave that needs no observation would never check it)."""
    cells, count = w.allowed.shape
    for cell in range(cells):
        x = cell % wave_width
        y = cell // wave_width
        for d in range(4):
            x0 = x - DX[d]
            y0 = y - DY[d]
            if not periodic and (x0 < 0 or y0 < 0 or x0 >= wave_width or y0 >= wave_height):
                continue
            for p in range(count):
                if w.compatible[cell, p, d] == 0 and w.allowed[cell, p]:
                    _ban(w, cell, p)


@njit(cache=True)
def _pin_ground(w: Wave, wave_width, wave_height, ground) -> None:
    """The `ground` pattern along the bottom row, and nowhere else."""
    count = w.allowed.shape[1]
    for x in range(wave_width):
        bottom = x + (wave_height - 1) * wave_width
        for p in range(count):
            if p != ground and w.allowed[bottom, p]:
                _ban(w, bottom, p)
        for y in range(wave_height - 1):
            cell = x + y * wave_width
            if w.allowed[cell, ground]:
                _ban(w, cell, ground)


@njit(cache=True)
def _propagate(w: Wave, starts, flat, wave_width, wave_height, periodic) -> None:
    """Remove support for every banned pattern from its neighbours, banning what loses it all."""
    while w.top[0] > 0:
        w.top[0] -= 1
        cell1 = w.stack[w.top[0], 0]
        pattern1 = w.stack[w.top[0], 1]
        x1 = cell1 % wave_width
        y1 = cell1 // wave_width
        for d in range(4):
            x2 = x1 + DX[d]
            y2 = y1 + DY[d]
            if periodic:
                x2 = (x2 + wave_width) % wave_width
                y2 = (y2 + wave_height) % wave_height
            elif x2 < 0 or y2 < 0 or x2 >= wave_width or y2 >= wave_height:
                continue
            cell2 = x2 + y2 * wave_width
            for k in range(starts[d, pattern1], starts[d, pattern1 + 1]):
                pattern2 = flat[d, k]
                w.compatible[cell2, pattern2, d] -= 1
                if w.compatible[cell2, pattern2, d] == 0 and w.allowed[cell2, pattern2]:
                    _ban(w, cell2, pattern2)


@njit(cache=True)
def _lowest_entropy_cell(w: Wave) -> int:
    """The undecided cell of least entropy; -1 when every cell is decided, -2 on a contradiction."""
    best = -1
    best_entropy = 1e300
    for cell in range(w.sums_ones.shape[0]):
        ones = w.sums_ones[cell]
        if ones == 0:
            return -2
        if ones > 1 and w.entropies[cell] < best_entropy:
            best_entropy = w.entropies[cell]
            best = cell
    return best


@njit(cache=True)
def _observe(w: Wave, cell) -> None:
    """Keep one pattern at `cell`, drawn by weight among those still allowed."""
    count = w.allowed.shape[1]
    threshold = np.random.random() * w.sums_weights[cell]
    chosen = -1
    for p in range(count):
        if w.allowed[cell, p]:
            chosen = p
            threshold -= w.weights[p]
            if threshold <= 0:
                break
    for p in range(count):
        if p != chosen and w.allowed[cell, p]:
            _ban(w, cell, p)


@njit(cache=True)
def _collapse(weights, starts, flat, wave_width, wave_height, periodic, ground, seed):
    """Collapse a wave of wave_width x wave_height cells; returns the pattern of each cell, or an
    array of -1 on contradiction."""
    np.random.seed(seed)
    cells = wave_width * wave_height
    w = _new_wave(weights, starts, cells)
    result = np.full(cells, -1, dtype=np.int64)
    _ban_unsupported(w, wave_width, wave_height, periodic)
    if ground >= 0:
        _pin_ground(w, wave_width, wave_height, ground)
    while True:
        _propagate(w, starts, flat, wave_width, wave_height, periodic)
        cell = _lowest_entropy_cell(w)
        if cell == -2:
            return result
        if cell == -1:
            for c in range(cells):
                for p in range(weights.shape[0]):
                    if w.allowed[c, p]:
                        result[c] = p
                        break
            return result
        _observe(w, cell)


def sample_codes(pattern: str | list[str]) -> tuple[np.ndarray, list[str]]:
    """The example as int codes, and the character of each code."""
    grid = parse_grid(pattern, "wfc pattern")
    alphabet = sorted(set(np.unique(grid)))
    codes = np.searchsorted(np.array(alphabet), grid).astype(np.int64)
    return codes, alphabet


@functools.lru_cache(maxsize=32)
def _model(rows: tuple[str, ...], size: int, periodic: bool, symmetry: int):
    """(alphabet, sample codes, patterns, weights, propagator) of an example; cached, since the
    environment builds a map from the same example every episode."""
    sample, alphabet = sample_codes(list(rows))
    if min(sample.shape) < size:
        raise MapError(f"wfc pattern {sample.shape[1]}x{sample.shape[0]}: smaller than pattern_size {size}")
    patterns, weights = extract_patterns(sample, size, periodic, symmetry)
    starts, flat = build_propagator(patterns)
    return alphabet, sample, patterns, weights, starts, flat


def run_wfc(config: WFCConfig, rng: np.random.Generator) -> np.ndarray:
    """The collapsed output as a grid of the example's characters (no border or objects yet)."""
    rows = tuple(split_rows(config.pattern))
    size = config.pattern_size
    alphabet, sample, patterns, weights, starts, flat = _model(
        rows, size, config.periodic_input, config.symmetry
    )
    height, width = config.height, config.width
    wave_width = width if config.periodic_output else width - size + 1
    wave_height = height if config.periodic_output else height - size + 1
    if wave_width < 1 or wave_height < 1:
        raise MapError(f"wfc map {width}x{height}: smaller than pattern_size {size}")
    ground = -1
    if config.ground:
        bottom = sample[np.ix_((np.arange(size) + sample.shape[0] - size) % sample.shape[0], np.arange(size))]
        ground = next(i for i, p in enumerate(patterns) if (p == bottom).all())
    for _ in range(config.max_retries):
        seed = int(rng.integers(2**31 - 1))
        observed = _collapse(
            weights, starts, flat, wave_width, wave_height, config.periodic_output, ground, seed
        )
        if observed[0] >= 0:
            return np.array(alphabet)[
                _render(observed, patterns, width, height, wave_width, wave_height, size)
            ]
    raise MapError(
        f"wfc: every one of {config.max_retries} attempts ran into a contradiction; try another pattern or size"
    )


def _render(observed, patterns, width, height, wave_width, wave_height, size) -> np.ndarray:
    """Each output cell takes its pixel from the pattern of the wave cell covering it."""
    cell_patterns = patterns[observed.reshape(wave_height, wave_width)]
    rows, cols = np.arange(height)[:, None], np.arange(width)[None, :]
    wave_rows = np.minimum(rows, wave_height - 1) * np.ones_like(cols)
    wave_cols = np.minimum(cols, wave_width - 1) * np.ones_like(rows)
    return cell_patterns[wave_rows, wave_cols, rows - wave_rows, cols - wave_cols]


def build_wfc(config: WFCConfig, rng: np.random.Generator) -> Built:
    grid = run_wfc(config, rng)
    draw_border(grid, config.border_width)
    if config.keep_largest_region:
        keep_largest_region(grid)
    scatter_objects(grid, config.objects, config.agents, rng, config.border_width)
    return Built(grid, requested_agent_count(config.agents))
