"""Benchmark of the sweep machinery itself: Optuna overhead per trial and search quality.

`metta bench sweep [--trials N]` runs a sweep of a cheap quadratic (no training) for each sampler,
with and without a cost, in a temporary SQLite study. Figures: milliseconds of overhead per trial
(suggest, record, heartbeats, database) and the best score found (0 is the optimum). Prints
nothing; never run by tests.
"""

from __future__ import annotations

import math
import tempfile
import time
from pathlib import Path

import yaml

from metta_core.sweep.lifecycle import init_sweep, run_sweep
from metta_core.sweep.report import summarise
from metta_core.sweep.study import Observation
from metta_core.sweep.trial import TrialSpec

PARAMETERS = {
    "trainer.learning_rate": {"distribution": "log_uniform", "min": 1e-4, "max": 1e-2, "mean": 1e-3},
    "trainer.gamma": {"distribution": "uniform", "min": 0.9, "max": 0.999},
    "trainer.update_epochs": {"distribution": "int", "min": 1, "max": 4, "mean": 2},
}


def quadratic(spec: TrialSpec) -> Observation:
    """0 at learning_rate=3e-3, gamma=0.95; negative elsewhere. Cost: update_epochs."""
    learning_rate, gamma = spec.params["trainer.learning_rate"], spec.params["trainer.gamma"]
    score = -((math.log10(learning_rate) - math.log10(3e-3)) ** 2) - 10 * (gamma - 0.95) ** 2
    return Observation(score=score, cost=float(spec.params["trainer.update_epochs"]))


def bench_sweep(trials: int = 20) -> dict[str, float]:
    """Overhead per trial and best score of each sampler, with and without a cost."""
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as directory:
        root = Path(directory)
        for sampler in ("gp", "tpe", "random"):
            for cost in (None, "agent_steps"):
                name = f"{sampler}_{cost or 'score'}"
                params = root / f"{name}.yaml"
                config = {"metric": "score", "trials": trials, "startup_trials": 4, "parameters": PARAMETERS}
                params.write_text(yaml.safe_dump({**config, "sampler": sampler, "cost": cost}))
                init_sweep(name, params, runs_dir=root / "runs", node=0)
                start = time.perf_counter()
                run_sweep(name, runs_dir=root / "runs", run_trial=quadratic)
                elapsed = time.perf_counter() - start
                best = summarise(name, runs_dir=root / "runs", plot=False).best
                figures[f"sweep_overhead_ms_per_trial_{name}"] = round(1000 * elapsed / trials)
                figures[f"quadratic_best_score_{name}"] = round(best.values[0], 4)
    return figures
