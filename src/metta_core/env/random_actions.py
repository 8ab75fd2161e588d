"""Random valid actions for a `VecEnv`: what benchmarks and determinism tests step it with."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from metta_core.env.vecenv import VecEnv


def random_valid_actions(env: VecEnv, batches: int, seed: int = 0) -> np.ndarray:
    """`(batches, total_agents, 2)` int32 random actions, every argument within its action's range."""
    rng = np.random.default_rng(seed)
    shape = (batches, env.total_agents)
    actions = np.empty((*shape, 2), dtype=np.int32)
    actions[..., 0] = rng.integers(0, len(env.action_names), shape)
    max_args = env.action_max_args[actions[..., 0]]
    actions[..., 1] = (rng.random(shape) * (max_args + 1)).astype(np.int32)
    return actions
