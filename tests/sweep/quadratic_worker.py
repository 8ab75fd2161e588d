"""The cheap objective of the sweep tests, and a worker process that runs a sweep with it.

The objective is a quadratic with its peak at learning_rate=3e-3 and gamma=0.95, so a test can
run a whole sweep in seconds. As a script (for the concurrency test):
`python quadratic_worker.py SWEEP RUNS_DIR TRIALS` prints one JSON list of its trials' run names.
"""

from __future__ import annotations

import json
import math
import sys
import time
from pathlib import Path

from metta_core.sweep.study import Observation
from metta_core.sweep.trial import TrialSpec


def quadratic(spec: TrialSpec) -> Observation:
    """Highest at learning_rate=3e-3, gamma=0.95; the cost grows with update_epochs."""
    learning_rate = spec.params["trainer.learning_rate"]
    gamma = spec.params["trainer.gamma"]
    score = -((math.log10(learning_rate) - math.log10(3e-3)) ** 2) - 10 * (gamma - 0.95) ** 2
    return Observation(
        score=score, cost=float(spec.params["trainer.update_epochs"]), details={"agent_steps": 1.0}
    )


def slow_quadratic(spec: TrialSpec) -> Observation:
    # Long enough that two workers are inside a trial at the same time.
    time.sleep(0.2)
    return quadratic(spec)


if __name__ == "__main__":
    from metta_core.sweep.lifecycle import run_sweep

    name, runs_dir, trials = sys.argv[1], Path(sys.argv[2]), int(sys.argv[3])
    outcomes = run_sweep(name, runs_dir=runs_dir, trials=trials, run_trial=slow_quadratic)
    print(json.dumps([outcome.run for outcome in outcomes]))
