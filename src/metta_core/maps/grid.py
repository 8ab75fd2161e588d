"""Small operations on character grids that every builder shares.

A grid is a `(height, width)` numpy array of dtype `<U1` holding canonical characters of the game
table. Helpers here draw, place and count; they never validate or read files.
"""

from __future__ import annotations

import numpy as np

from metta_core.env.table import CHAR_TO_OBJECT, EMPTY_CHAR, OBJECT_CHAR, OBJECT_ID
from metta_core.errors import MapError
from metta_core.maps.config import TEAM_NAMES

WALL_CHAR = OBJECT_CHAR[OBJECT_ID["wall"]]
AGENT_CHARS = frozenset(c for c, (type_id, _) in CHAR_TO_OBJECT.items() if type_id == OBJECT_ID["agent"])
CANONICAL_AGENT_CHARS = frozenset(TEAM_NAMES.values())


def empty_grid(height: int, width: int) -> np.ndarray:
    return np.full((height, width), EMPTY_CHAR, dtype="<U1")


def draw_border(grid: np.ndarray, width: int = 1) -> np.ndarray:
    if width > 0:
        grid[:width, :] = WALL_CHAR
        grid[-width:, :] = WALL_CHAR
        grid[:, :width] = WALL_CHAR
        grid[:, -width:] = WALL_CHAR
    return grid


def object_char(name: str) -> str:
    return OBJECT_CHAR[OBJECT_ID[name]]


def agent_chars(agents: int | dict[str, int] | None) -> list[str]:
    """The characters of the requested agents, in a fixed order (team 0 first)."""
    if agents is None:
        return []
    if isinstance(agents, int):
        return [TEAM_NAMES["agent"]] * agents
    return [TEAM_NAMES[team] for team in sorted(agents) for _ in range(agents[team])]


def requested_agent_count(agents: int | dict[str, int] | None) -> int | None:
    if agents is None:
        return None
    return agents if isinstance(agents, int) else sum(agents.values())


def place_randomly(
    grid: np.ndarray, chars: list[str], rng: np.random.Generator, inset: int = 0, what: str = "objects"
) -> None:
    """Put each char on a distinct empty cell at least `inset` cells from the edge."""
    if not chars:
        return
    height, width = grid.shape
    inner = grid[inset : height - inset, inset : width - inset]
    rows, cols = np.nonzero(inner == EMPTY_CHAR)
    if len(rows) < len(chars):
        raise MapError(f"map {width}x{height}: {len(chars)} {what} do not fit in {len(rows)} empty cells")
    picks = rng.choice(len(rows), size=len(chars), replace=False)
    for char, pick in zip(chars, picks, strict=True):
        grid[rows[pick] + inset, cols[pick] + inset] = char


def scatter_objects(
    grid: np.ndarray,
    objects: dict[str, int],
    agents: int | dict[str, int] | None,
    rng: np.random.Generator,
    inset: int,
) -> None:
    """Objects first (in name order, for determinism), then agents, on empty cells."""
    chars = [object_char(name) for name in sorted(objects) for _ in range(objects[name])]
    place_randomly(grid, chars, rng, inset, "objects")
    place_randomly(grid, agent_chars(agents), rng, inset, "agents")


def count_agents(grid: np.ndarray) -> int:
    return int(np.isin(grid, list(AGENT_CHARS)).sum())


def to_text(grid: np.ndarray) -> str:
    return "\n".join("".join(row) for row in grid)


def paste(target: np.ndarray, piece: np.ndarray, row: int, col: int) -> None:
    target[row : row + piece.shape[0], col : col + piece.shape[1]] = piece


def open_regions(grid: np.ndarray) -> tuple[np.ndarray, int]:
    """Label 4-connected regions of non-wall cells: (labels with -1 on walls, region count)."""
    from metta_core.maps.kernels import label_regions  # numba: loaded only by builders that need it

    labels, count = label_regions(grid != WALL_CHAR)
    return labels, int(count)


def keep_largest_region(grid: np.ndarray) -> np.ndarray:
    """Wall in every open pocket except the largest, so that all open cells connect."""
    labels, count = open_regions(grid)
    if count > 1:
        sizes = np.bincount(labels[labels >= 0], minlength=count)
        grid[(labels >= 0) & (labels != int(np.argmax(sizes)))] = WALL_CHAR
    return grid
