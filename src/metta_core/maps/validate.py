"""Checks every built map must pass: wall border, agent count, reward sources in reach.

Each check returns a problem sentence or None, so `build.py` can retry and, when every attempt
fails, report the last problem. Nothing here changes a grid.
"""

from __future__ import annotations

import numpy as np

from metta_core.env.table import BLOCK, CHAR_TO_OBJECT, CONVERTER_NAMES, EMPTY_CHARS, OBJECT_CHAR, OBJECT_ID
from metta_core.maps.grid import AGENT_CHARS, WALL_CHAR, count_agents
from metta_core.maps.kernels import reach

#: Converters (mines to temples, altars among them) are where rewards come from.
REWARD_SOURCE_CHARS = frozenset(OBJECT_CHAR[OBJECT_ID[name]] for name in CONVERTER_NAMES)
#: Cells an agent can stand on or get through: empty cells, other agents (they move), and blocks
#: (an agent can swap places with one).
PASSABLE_CHARS = frozenset((*EMPTY_CHARS, *AGENT_CHARS, OBJECT_CHAR[BLOCK]))


def border_problem(grid: np.ndarray) -> str | None:
    edges = np.concatenate([grid[0, :], grid[-1, :], grid[:, 0], grid[:, -1]])
    holes = int((edges != WALL_CHAR).sum())
    return f"the border has {holes} cells that are not walls" if holes else None


def unknown_chars_problem(grid: np.ndarray) -> str | None:
    unknown = sorted({str(c) for c in np.unique(grid)} - set(CHAR_TO_OBJECT))
    return f"unknown map characters {unknown}" if unknown else None


def agent_count_problem(grid: np.ndarray, expected: int | None) -> str | None:
    placed = count_agents(grid)
    if expected is not None and placed != expected:
        return f"{placed} agents placed, {expected} requested"
    return None


def reachability_problem(grid: np.ndarray) -> str | None:
    """Every agent must reach a cell next to a reward source (BFS from the sources outwards)."""
    sources = np.isin(grid, list(REWARD_SOURCE_CHARS))
    agents = np.argwhere(np.isin(grid, list(AGENT_CHARS)))
    if len(agents) == 0:
        return None
    if not sources.any():
        return "the map has no reward source (converter or altar) for agents to reach"
    passable = np.isin(grid, list(PASSABLE_CHARS))
    # Agents use a converter from a neighbouring cell: start from the cells next to the sources.
    next_to_source = np.zeros_like(sources)
    next_to_source[1:, :] |= sources[:-1, :]
    next_to_source[:-1, :] |= sources[1:, :]
    next_to_source[:, 1:] |= sources[:, :-1]
    next_to_source[:, :-1] |= sources[:, 1:]
    reached = reach(passable, next_to_source)
    stranded = [(int(r), int(c)) for r, c in agents if not reached[r, c]]
    if stranded:
        return f"{len(stranded)} agents cannot reach a reward source (first at row {stranded[0][0]}, column {stranded[0][1]})"
    return None


def map_problem(grid: np.ndarray, expected_agents: int | None, check_reachability: bool) -> str | None:
    """The first problem found with a finished map, or None when it is valid."""
    for problem in (
        unknown_chars_problem(grid),
        border_problem(grid),
        agent_count_problem(grid, expected_agents),
        reachability_problem(grid) if check_reachability else None,
    ):
        if problem:
            return problem
    return None
