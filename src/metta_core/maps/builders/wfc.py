"""The `wfc` builder: Wave Function Collapse, overlapping model (after Maxim Gumin's).

Patterns (NxN windows of the example, with rotations/reflections) and their overlap rules are
found with numpy; the collapse itself (observe the lowest-entropy cell, ban, propagate) is one
numba kernel, `_collapse`. A contradiction restarts with a new seed, at most `max_retries` times.
"""

from __future__ import annotations

import functools

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


@njit(cache=True)
def _ban(
    wave,
    compatible,
    sums_ones,
    sums_weights,
    sums_log,
    entropies,
    noise,
    weights,
    log_weights,
    stack,
    top,
    cell,
    pattern,
):
    wave[cell, pattern] = False
    for d in range(4):
        compatible[cell, pattern, d] = 0
    stack[top, 0] = cell
    stack[top, 1] = pattern
    sums_ones[cell] -= 1
    sums_weights[cell] -= weights[pattern]
    sums_log[cell] -= log_weights[pattern]
    # Kept up to date here so that observing compares numbers instead of taking a log per cell.
    if sums_weights[cell] > 0:
        entropies[cell] = np.log(sums_weights[cell]) - sums_log[cell] / sums_weights[cell] + noise[cell]
    return top + 1


@njit(cache=True)
def _collapse(weights, starts, flat, wave_width, wave_height, periodic, ground, seed):
    """Collapse a wave of wave_width x wave_height cells; returns the pattern of each cell, or an
    array of -1 on contradiction."""
    np.random.seed(seed)
    cells = wave_width * wave_height
    count = weights.shape[0]
    log_weights = weights * np.log(weights)
    dxs = (-1, 0, 1, 0)
    dys = (0, 1, 0, -1)
    wave = np.ones((cells, count), dtype=np.bool_)
    compatible = np.zeros((cells, count, 4), dtype=np.int64)
    for p in range(count):
        for d in range(4):
            opposite = (d + 2) % 4
            n = starts[opposite, p + 1] - starts[opposite, p]
            for cell in range(cells):
                compatible[cell, p, d] = n
    total_weight = weights.sum()
    total_log = log_weights.sum()
    sums_ones = np.full(cells, count, dtype=np.int64)
    sums_weights = np.full(cells, total_weight)
    sums_log = np.full(cells, total_log)
    # A fixed tiny noise per cell breaks ties between cells of equal entropy.
    noise = np.random.random(cells) * 1e-6
    entropies = np.log(total_weight) - total_log / total_weight + noise
    stack = np.zeros((cells * count + 1, 2), dtype=np.int64)
    top = 0
    result = np.full(cells, -1, dtype=np.int64)

    # A pattern with no compatible neighbour on some side can never be placed; ban it up front
    # (otherwise a wave that needs no observation would never check it).
    for cell in range(cells):
        x = cell % wave_width
        y = cell // wave_width
        for d in range(4):
            x0 = x - dxs[d]
            y0 = y - dys[d]
            if not periodic and (x0 < 0 or y0 < 0 or x0 >= wave_width or y0 >= wave_height):
                continue
            for p in range(count):
                if compatible[cell, p, d] == 0 and wave[cell, p]:
                    top = _ban(
                        wave,
                        compatible,
                        sums_ones,
                        sums_weights,
                        sums_log,
                        entropies,
                        noise,
                        weights,
                        log_weights,
                        stack,
                        top,
                        cell,
                        p,
                    )

    if ground >= 0:
        for x in range(wave_width):
            bottom = x + (wave_height - 1) * wave_width
            for p in range(count):
                if p != ground and wave[bottom, p]:
                    top = _ban(
                        wave,
                        compatible,
                        sums_ones,
                        sums_weights,
                        sums_log,
                        entropies,
                        noise,
                        weights,
                        log_weights,
                        stack,
                        top,
                        bottom,
                        p,
                    )
            for y in range(wave_height - 1):
                cell = x + y * wave_width
                if wave[cell, ground]:
                    top = _ban(
                        wave,
                        compatible,
                        sums_ones,
                        sums_weights,
                        sums_log,
                        entropies,
                        noise,
                        weights,
                        log_weights,
                        stack,
                        top,
                        cell,
                        ground,
                    )

    while True:
        # Propagate every ban on the stack.
        while top > 0:
            top -= 1
            cell1 = stack[top, 0]
            pattern1 = stack[top, 1]
            x1 = cell1 % wave_width
            y1 = cell1 // wave_width
            for d in range(4):
                x2 = x1 + dxs[d]
                y2 = y1 + dys[d]
                if periodic:
                    x2 = (x2 + wave_width) % wave_width
                    y2 = (y2 + wave_height) % wave_height
                elif x2 < 0 or y2 < 0 or x2 >= wave_width or y2 >= wave_height:
                    continue
                cell2 = x2 + y2 * wave_width
                for k in range(starts[d, pattern1], starts[d, pattern1 + 1]):
                    pattern2 = flat[d, k]
                    compatible[cell2, pattern2, d] -= 1
                    if compatible[cell2, pattern2, d] == 0 and wave[cell2, pattern2]:
                        top = _ban(
                            wave,
                            compatible,
                            sums_ones,
                            sums_weights,
                            sums_log,
                            entropies,
                            noise,
                            weights,
                            log_weights,
                            stack,
                            top,
                            cell2,
                            pattern2,
                        )
        # Observe: the undecided cell of least entropy (noise breaks ties).
        best = -1
        best_entropy = 1e300
        for cell in range(cells):
            ones = sums_ones[cell]
            if ones == 0:
                return result
            if ones > 1 and entropies[cell] < best_entropy:
                best_entropy = entropies[cell]
                best = cell
        if best < 0:
            for cell in range(cells):
                for p in range(count):
                    if wave[cell, p]:
                        result[cell] = p
                        break
            return result
        threshold = np.random.random() * sums_weights[best]
        chosen = -1
        for p in range(count):
            if wave[best, p]:
                chosen = p
                threshold -= weights[p]
                if threshold <= 0:
                    break
        for p in range(count):
            if p != chosen and wave[best, p]:
                top = _ban(
                    wave,
                    compatible,
                    sums_ones,
                    sums_weights,
                    sums_log,
                    entropies,
                    noise,
                    weights,
                    log_weights,
                    stack,
                    top,
                    best,
                    p,
                )


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
