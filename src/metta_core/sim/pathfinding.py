"""Breadth-first search over one env's grid and the step it implies: the scripted policy's legs.

`plan_step` explores the cells an agent can walk to (empty cells; other agents and objects block),
scores every target object by `value / (1 + max(distance, wait))` (walking there while a
converter finishes costs nothing extra), and returns the one action that heads for the best:
rotate to face the next cell or the target, move forward, use the target, or wait beside it.
Numba-compiled: a planner that searches a 50x50 map for every agent every step must not cost
more than the env step it plans for.
"""

from __future__ import annotations

from numba import njit

# The kernel's own tables: the (row, col) step of each orientation (up, down, left, right) and the
# grid code of an empty cell.
from metta_core.env.kernel import EMPTY
from metta_core.env.kernel import FORWARD as STEPS

# What `plan_step` asks for (the caller maps these onto the env's action ids).
WAIT, MOVE_FORWARD, ROTATE, USE = 0, 1, 2, 3


@njit(cache=True)
def explore(grid, start_row, start_col, dist, first_step, queue) -> None:
    """Distances (in moves) from the start to every reachable empty cell, and the direction of
    the first move on a shortest path there. Unreached cells keep -1."""
    dist[:, :] = -1
    first_step[:, :] = -1
    dist[start_row, start_col] = 0
    queue[0, 0] = start_row
    queue[0, 1] = start_col
    head, tail = 0, 1
    height, width = grid.shape
    while head < tail:
        row, col = queue[head, 0], queue[head, 1]
        head += 1
        for d in range(4):
            r, c = row + STEPS[d, 0], col + STEPS[d, 1]
            if r < 0 or c < 0 or r >= height or c >= width or dist[r, c] >= 0 or grid[r, c] != EMPTY:
                continue
            dist[r, c] = dist[row, col] + 1
            first_step[r, c] = d if head == 1 else first_step[row, col]
            queue[tail, 0] = r
            queue[tail, 1] = c
            tail += 1


@njit(cache=True)
def plan_step(
    grid, start_row, start_col, orientation, target_rows, target_cols, values, waits, dist, first_step, queue
):
    """(what, argument, target index) of the best next action; (WAIT, 0, -1) with no target."""
    explore(grid, start_row, start_col, dist, first_step, queue)
    best, best_score, best_cell_d, best_side = -1, 0.0, -1, -1
    for k in range(target_rows.shape[0]):
        if values[k] <= 0.0:
            continue
        # The agent stands on one of the target's four neighbours, facing it.
        for side in range(4):
            r, c = target_rows[k] - STEPS[side, 0], target_cols[k] - STEPS[side, 1]
            if r < 0 or c < 0 or r >= grid.shape[0] or c >= grid.shape[1] or dist[r, c] < 0:
                continue
            score = values[k] / (1.0 + max(dist[r, c], waits[k]))
            if score > best_score:
                best, best_score, best_cell_d, best_side = k, score, dist[r, c], side
    if best < 0:
        return WAIT, 0, -1
    if best_cell_d > 0:
        # `first_step` of the standing cell is the direction of the first move towards it.
        r, c = target_rows[best] - STEPS[best_side, 0], target_cols[best] - STEPS[best_side, 1]
        direction = first_step[r, c]
        if direction != orientation:
            return ROTATE, direction, best
        return MOVE_FORWARD, 0, best
    if best_side != orientation:
        return ROTATE, best_side, best
    if waits[best] > 0:
        return WAIT, 0, best
    return USE, 0, best
