"""Helpers for tests of any area (importable because pytest puts tests/ on sys.path)."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path


def run_metta(
    *args: str, cwd: Path | str | None = None, env: dict | None = None, timeout: float = 300
) -> subprocess.CompletedProcess:
    """Run the real `metta` command in a subprocess (as a user would); never raises on failure."""
    return subprocess.run(
        [sys.executable, "-m", "metta_cli", *args],
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


@dataclass
class FakeEpisode:
    """A finished episode shaped like the env's `EpisodeStats` (what the stats writer and the
    simulation read), for tests that need episodes without running an env."""

    env_index: int
    episode_seed: int
    length: int
    rewards: list[float]
    raw_rewards: list[float]
    agent_stats: list[dict[str, float]]
    agent_teams: list[int] = field(default_factory=list)
