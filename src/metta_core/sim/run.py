"""`run_sim`: what `metta sim` does — choose checkpoints, run the suite for each, export the stats.

Stats are written to a local DuckDB file for the run (a temporary one unless the target is a
local path) and exported to `stats_db_uri` at the end, also when interrupted, so finished
simulations are never lost. Returns a `SimReport` whose `to_json()` is the reference's output.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metta_core import storage
from metta_core.errors import ConfigError
from metta_core.sim.policies import PolicyHandle, resolve_policies
from metta_core.sim.settings import SimSettings
from metta_core.sim.simulation import SimulationResult
from metta_core.sim.suite import SimulationSuite, SuiteResult, load_suite, suite_simulations
from metta_core.stats.db import StatsDB
from metta_core.stats.merge import export_database


@dataclass
class PolicyEvaluation:
    """The checkpoints chosen for one requested policy URI and their suite results."""

    policy_uri: str
    results: list[tuple[PolicyHandle, SuiteResult]] = field(default_factory=list)


@dataclass
class SimReport:
    suite: str
    evaluations: list[PolicyEvaluation]
    stats_db_uri: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "simulation_suite": self.suite,
            "policies": [
                {
                    "policy_uri": evaluation.policy_uri,
                    "checkpoints": [
                        {
                            "name": handle.name,
                            "uri": handle.uri,
                            "metrics": {**result.metrics(), "passed": result.passed},
                        }
                        for handle, result in evaluation.results
                    ],
                }
                for evaluation in self.evaluations
            ],
        }


def run_sim(
    settings: SimSettings,
    on_simulation: Callable[[PolicyHandle, str, SimulationResult], None] | None = None,
    on_plan: Callable[[int], None] | None = None,
) -> SimReport:
    """Evaluate every checkpoint chosen from every policy URI of `settings` on its suite.
    `on_plan` hears how many simulations will run, before the first (for progress bars)."""
    if not settings.policies:
        raise ConfigError("policies: give at least one --policy URI (or `random` / `simple`)")
    if settings.device != "cpu":  # a missing GPU is refused before any work
        from metta_core.policy.device import torch_device

        torch_device(settings.device)
    # Refuse unusable outputs before any work: results that cannot be saved are lost results.
    if settings.stats_db_uri:
        storage.check_writable(settings.stats_db_uri)
    if settings.replay_dir:
        storage.check_writable(settings.replay_dir, directory=True)
    suite = load_suite(settings.suite)
    chosen = [
        (uri, resolve_policies(uri, settings.selector, settings.metric, settings.top_k))
        for uri in settings.policies
    ]
    report = SimReport(suite=suite.name, evaluations=[], stats_db_uri=settings.stats_db_uri)
    if on_plan is not None:
        on_plan(len(suite_simulations(suite)) * sum(len(handles) for _, handles in chosen))
    with tempfile.TemporaryDirectory(prefix="metta-sim-") as tmp:
        db_path = Path(tmp) / "stats.duckdb"
        db = StatsDB(db_path)
        try:
            for uri, handles in chosen:
                evaluation = PolicyEvaluation(uri)
                report.evaluations.append(evaluation)
                for handle in handles:
                    runner = SimulationSuite(
                        suite,
                        handle,
                        device=settings.device,
                        seed=settings.seed,
                        episodes=settings.episodes,
                        num_envs=settings.num_envs,
                    )

                    def report_one(key: str, result: SimulationResult, handle: PolicyHandle = handle) -> None:
                        if on_simulation is not None:
                            on_simulation(handle, key, result)

                    evaluation.results.append((handle, runner.run(db, settings.replay_dir, report_one)))
        finally:
            db.close()
            if settings.stats_db_uri:
                export_database(db_path, settings.stats_db_uri)
    return report
