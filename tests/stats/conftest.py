"""Fixtures for the stats tests: fake finished episodes shaped like the env's EpisodeStats."""

from __future__ import annotations

from dataclasses import dataclass, field

import pytest


@dataclass
class FakeEpisode:
    env_index: int
    episode_seed: int
    length: int
    rewards: list[float]
    raw_rewards: list[float]
    agent_stats: list[dict[str, float]]
    agent_teams: list[int] = field(default_factory=list)


def make_episodes(count: int, rewards: list[float], seed: int = 0) -> list[FakeEpisode]:
    """`count` episodes of len(rewards) agents; agent i gets rewards[i] and i+1 hearts gained."""
    return [
        FakeEpisode(
            env_index=e % 2,
            episode_seed=seed + e,
            length=50 + e,
            rewards=list(rewards),
            raw_rewards=list(rewards),
            agent_stats=[
                {"heart.gained": float(i + 1), "action.move.success": 10.0} for i in range(len(rewards))
            ],
            agent_teams=[0] * len(rewards),
        )
        for e in range(count)
    ]


@pytest.fixture
def episodes_factory():
    return make_episodes
