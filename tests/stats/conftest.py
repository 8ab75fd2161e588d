"""Fixtures for the stats tests: fake finished episodes shaped like the env's EpisodeStats."""

from __future__ import annotations

import pytest

from metta_testing import FakeEpisode


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


@pytest.fixture
def stats_file(tmp_path):
    """A stats database with two policies on one simulation: `good` (reward 4) and `bad` (1)."""
    from metta_core.stats.db import StatsDB

    path = tmp_path / "eval.duckdb"
    with StatsDB(path) as db:
        for policy, reward in (("good", 4.0), ("bad", 1.0)):
            sim_id = db.add_simulation("navigation/corridors", "navigation", "navigation", policy)
            db.add_episodes(sim_id, make_episodes(3, [reward]), [policy])
            db.add_policy_metadata(policy, {"uri": policy})
    return path


@pytest.fixture
def metta():
    """Run the real `metta` command in a subprocess (stdin closed unless given)."""
    import os
    import subprocess
    import sys

    def run(*args: str, input: str | None = None, cwd=None):
        return subprocess.run(
            [sys.executable, "-m", "metta_cli", *args],
            input=input if input is not None else "",
            capture_output=True,
            text=True,
            timeout=120,
            cwd=cwd,
            env=dict(os.environ),
            check=False,
        )

    return run
