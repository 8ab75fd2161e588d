"""The `maze` builder: Kruskal's or Prim's algorithm over a lattice of corridor cells.

Cell `(i, j)` is a `corridor_width` square; neighbouring cells are `corridor_width +
wall_thickness` apart, and carving a passage clears the wall between them. Space left over on the
right and bottom stays wall.
"""

from __future__ import annotations

import numpy as np

from metta_core.errors import MapError
from metta_core.maps.builders.base import Built
from metta_core.maps.config import MazeConfig
from metta_core.maps.grid import WALL_CHAR, draw_border, empty_grid, requested_agent_count, scatter_objects

Cell = tuple[int, int]


def _kruskal(rows: int, cols: int, rng: np.random.Generator) -> list[tuple[Cell, Cell]]:
    parent = list(range(rows * cols))

    def find(x: int) -> int:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    edges = [((r, c), (r, c + 1)) for r in range(rows) for c in range(cols - 1)]
    edges += [((r, c), (r + 1, c)) for r in range(rows - 1) for c in range(cols)]
    passages = []
    for index in rng.permutation(len(edges)):
        a, b = edges[index]
        root_a, root_b = find(a[0] * cols + a[1]), find(b[0] * cols + b[1])
        if root_a != root_b:
            parent[root_a] = root_b
            passages.append((a, b))
    return passages


def _prim(rows: int, cols: int, rng: np.random.Generator) -> list[tuple[Cell, Cell]]:
    start = (int(rng.integers(rows)), int(rng.integers(cols)))
    visited = {start}
    frontier: list[tuple[Cell, Cell]] = []

    def add_frontier(cell: Cell) -> None:
        r, c = cell
        for n in ((r - 1, c), (r + 1, c), (r, c - 1), (r, c + 1)):
            if 0 <= n[0] < rows and 0 <= n[1] < cols and n not in visited:
                frontier.append((cell, n))

    add_frontier(start)
    passages = []
    while frontier:
        # Swap-remove a random frontier edge: O(1), and the order stays a function of the seed.
        index = int(rng.integers(len(frontier)))
        frontier[index], frontier[-1] = frontier[-1], frontier[index]
        a, b = frontier.pop()
        if b in visited:
            continue
        visited.add(b)
        passages.append((a, b))
        add_frontier(b)
    return passages


def build_maze(config: MazeConfig, rng: np.random.Generator) -> Built:
    grid = empty_grid(config.height, config.width)
    inset, corridor, step = (
        config.border_width,
        config.corridor_width,
        config.corridor_width + config.wall_thickness,
    )
    inner_height, inner_width = config.height - 2 * inset, config.width - 2 * inset
    rows, cols = (inner_height + config.wall_thickness) // step, (inner_width + config.wall_thickness) // step
    if rows < 1 or cols < 1:
        raise MapError(f"maze {config.width}x{config.height}: too small for corridors of width {corridor}")
    grid[inset : config.height - inset, inset : config.width - inset] = WALL_CHAR
    # Centre the lattice: space it cannot use is split between the two sides.
    top0 = inset + (inner_height - (rows * step - config.wall_thickness)) // 2
    left0 = inset + (inner_width - (cols * step - config.wall_thickness)) // 2
    for r in range(rows):
        for c in range(cols):
            top, left = top0 + r * step, left0 + c * step
            grid[top : top + corridor, left : left + corridor] = "."
    carve = _kruskal if config.algorithm == "kruskal" else _prim
    for (r1, c1), (r2, c2) in carve(rows, cols, rng):
        top, left = top0 + min(r1, r2) * step, left0 + min(c1, c2) * step
        bottom = top0 + max(r1, r2) * step + corridor
        right = left0 + max(c1, c2) * step + corridor
        grid[top:bottom, left:right] = "."
    draw_border(grid, config.border_width)
    scatter_objects(grid, config.objects, config.agents, rng, inset)
    return Built(grid, requested_agent_count(config.agents))
