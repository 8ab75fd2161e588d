"""Numba flood fills over boolean masks, shared by validation and the region-cleaning builders.

Python BFS over a 64x64 map costs tens of milliseconds, more than drawing most maps; these run in
well under one. They take masks, not character grids: callers decide what is open or passable.
"""

from __future__ import annotations

import numpy as np
from numba import njit


@njit(cache=True)
def reach(passable: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Cells of `passable` 4-connected to a `start` cell (start cells themselves count if passable)."""
    height, width = passable.shape
    reached = np.zeros((height, width), dtype=np.bool_)
    queue = np.empty((height * width, 2), dtype=np.int64)
    head = 0
    tail = 0
    for row in range(height):
        for col in range(width):
            if start[row, col] and passable[row, col]:
                reached[row, col] = True
                queue[tail, 0] = row
                queue[tail, 1] = col
                tail += 1
    while head < tail:
        row = queue[head, 0]
        col = queue[head, 1]
        head += 1
        for d in range(4):
            r = row + (-1, 1, 0, 0)[d]
            c = col + (0, 0, -1, 1)[d]
            if 0 <= r < height and 0 <= c < width and passable[r, c] and not reached[r, c]:
                reached[r, c] = True
                queue[tail, 0] = r
                queue[tail, 1] = c
                tail += 1
    return reached


@njit(cache=True)
def label_regions(open_cells: np.ndarray) -> tuple[np.ndarray, int]:
    """4-connected regions of `open_cells`: labels (-1 elsewhere) and the number of regions."""
    height, width = open_cells.shape
    labels = np.full((height, width), -1, dtype=np.int32)
    stack = np.empty((height * width, 2), dtype=np.int64)
    count = 0
    for start_row in range(height):
        for start_col in range(width):
            if not open_cells[start_row, start_col] or labels[start_row, start_col] >= 0:
                continue
            labels[start_row, start_col] = count
            stack[0, 0] = start_row
            stack[0, 1] = start_col
            top = 1
            while top > 0:
                top -= 1
                row = stack[top, 0]
                col = stack[top, 1]
                for d in range(4):
                    r = row + (-1, 1, 0, 0)[d]
                    c = col + (0, 0, -1, 1)[d]
                    if 0 <= r < height and 0 <= c < width and open_cells[r, c] and labels[r, c] < 0:
                        labels[r, c] = count
                        stack[top, 0] = r
                        stack[top, 1] = c
                        top += 1
            count += 1
    return labels, count
