"""Helpers for the engine's tests: tiny hand-written ASCII maps and actions by name."""

from __future__ import annotations

import sys

import numpy as np
import pytest

from metta_core.env.config import EnvConfig, GameConfig
from metta_core.env.vecenv import VecEnv

UP, DOWN, LEFT, RIGHT = 0, 1, 2, 3


def ascii_config(rows: list[str], **game) -> EnvConfig:
    """An EnvConfig of a fixed map; `game` holds GameConfig fields (num_agents is counted)."""
    agents = sum(sum(ch in "@A1234" for ch in row) for row in rows)
    game.setdefault("num_agents", agents)
    return EnvConfig(
        name="test",
        game=GameConfig(**game),
        map={"builder": "ascii", "map": rows, "validate_reachability": False},
    )


def ascii_env(rows: list[str], num_envs: int = 1, seed: int = 0, **game) -> VecEnv:
    return VecEnv(ascii_config(rows, **game), num_envs=num_envs, seed=seed)


def step(env: VecEnv, *moves: tuple[str, int]):
    """Step with one (action name, argument) per agent; returns the step's outputs."""
    actions = np.array([(env.action_names.index(name), arg) for name, arg in moves], dtype=np.int32)
    return env.step(actions)


def layer(env: VecEnv, name: str, agent: int = 0) -> np.ndarray:
    """One observation layer of one agent's window."""
    return env.obs[agent, env.feature_names.index(name)]


def agent(env: VecEnv, index: int = 0, env_index: int = 0) -> dict:
    return env.snapshot(env_index).agents[index]


def last_stats(env: VecEnv) -> list[dict[str, float]]:
    """Per-agent stats of the most recent finished episode."""
    return env.drain_episodes()[-1].agent_stats


def stats(env: VecEnv, index: int = 0, env_index: int = 0) -> dict[str, float]:
    """Current episode's counters of one agent."""
    return dict(zip(env.stat_names, env.state.stats[env_index, index].tolist(), strict=True))


@pytest.fixture
def kit():
    """These helpers (tests import nothing from conftest: pytest runs in importlib mode)."""
    return sys.modules[__name__]
