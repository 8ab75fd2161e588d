"""Benchmark of evaluation and stats writing, for `metta bench sim`.

The suite is run once to warm up (numba compilation) and measured on a second run, so the figures
are steady-state. Prints nothing.
"""

from __future__ import annotations

import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass
class _Episode:
    env_index: int
    episode_seed: int
    length: int
    rewards: list[float]
    raw_rewards: list[float]
    agent_stats: list[dict[str, float]]
    agent_teams: list[int]


def bench_suite(suite: str, policy: str) -> dict[str, float]:
    from metta_core.sim.policies import builtin, resolve_policies
    from metta_core.sim.suite import SimulationSuite, load_suite
    from metta_core.stats.db import StatsDB

    handle = builtin(policy) if policy in ("random", "simple") else resolve_policies(policy)[0]
    config = load_suite(suite)
    SimulationSuite(config, handle, episodes=1).run()  # warm-up: compile the env kernels
    with tempfile.TemporaryDirectory() as tmp:
        db = StatsDB(Path(tmp) / "s.duckdb")
        start = time.perf_counter()
        result = SimulationSuite(config, handle).run(db)
        wall = time.perf_counter() - start
        db.close()
    steps = sum(sim.agent_steps for sim in result.simulations.values())
    return {
        f"sim_{suite}_{policy}_wall_s": round(wall, 3),
        f"sim_{suite}_{policy}_agent_steps_per_s": round(steps / wall),
        f"sim_{suite}_{policy}_score": round(result.score, 4),
    }


def bench_stats_writes(episodes: int = 200, agents: int = 24, metrics: int = 60) -> dict[str, float]:
    from metta_core.stats.db import StatsDB
    from metta_core.stats.merge import merge_databases

    stats = {f"metric_{i}.gained": float(i) for i in range(metrics)}
    batch = [
        _Episode(e, e, 1000, [1.0] * agents, [1.0] * agents, [dict(stats)] * agents, [0] * agents)
        for e in range(episodes)
    ]
    rows = episodes * agents * (metrics + 2)
    with tempfile.TemporaryDirectory() as tmp:
        db = StatsDB(Path(tmp) / "a.duckdb")
        sim_id = db.add_simulation("bench", "bench", "arena", "random")
        start = time.perf_counter()
        db.add_episodes(sim_id, batch, ["random"] * agents)
        write_s = time.perf_counter() - start
        db.close()
        start = time.perf_counter()
        merge_databases([Path(tmp) / "a.duckdb"], Path(tmp) / "merged.duckdb")
        merge_s = time.perf_counter() - start
    return {
        "stats_metric_rows": rows,
        "stats_write_rows_per_s": round(rows / write_s),
        "stats_merge_rows_per_s": round(rows / merge_s),
    }
