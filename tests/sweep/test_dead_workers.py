"""A sweep worker killed with kill -9 (a real process group, real heartbeats on SQLite): its
trial is failed once the grace period passes, so the next worker runs the trials still owed."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import optuna
import pytest
import yaml

from metta_core.sweep.lifecycle import open_sweep
from metta_testing import run_metta

from .test_end_to_end import TINY

GRACE_S = "4"

PARAMS = {
    **{key: TINY[key] for key in ("metric", "parameters")},
    "trials": 2,
    "suite": "tiny_suite.yaml",
    # Long enough to be killed mid-way, short enough for the rerun.
    "train_overrides": [o for o in TINY["train_overrides"] if "total_agent_steps" not in o]
    + ["trainer.total_agent_steps=8192"],
}
SUITE = {
    "name": "tiny",
    "simulations": [
        {"name": "open", "env": "navigation", "env_overrides": ["game.max_steps=16"], "episodes": 1,
         "num_envs": 1, "random_score": 0.0, "reference_score": 1.0}
    ],
}  # fmt: skip


@pytest.mark.slow
def test_a_killed_workers_trial_is_failed_and_its_slot_is_run_again(tmp_path: Path, monkeypatch):
    monkeypatch.setenv("METTA_SWEEP_HEARTBEAT_GRACE_S", GRACE_S)
    (tmp_path / "tiny_suite.yaml").write_text(yaml.safe_dump(SUITE))
    (tmp_path / "params.yaml").write_text(
        yaml.safe_dump({**PARAMS, "suite": str(tmp_path / "tiny_suite.yaml")})
    )
    assert run_metta("sweep", "init", "dead", "--params", "params.yaml", cwd=tmp_path).returncode == 0

    worker = subprocess.Popen(
        [sys.executable, "-m", "metta_cli", "sweep", "run", "dead", "--trials", "1"],
        cwd=tmp_path, start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    log = tmp_path / "runs" / "dead.t0" / "train.log"
    deadline = time.time() + 120
    while time.time() < deadline and not (log.exists() and "started run" in log.read_text()):
        time.sleep(0.2)
    os.killpg(worker.pid, signal.SIGKILL)  # the worker and its training child, with no clean-up
    worker.wait(timeout=30)
    _, study = open_sweep("dead", runs_dir=tmp_path / "runs")
    assert [t.state for t in study.get_trials()] == [optuna.trial.TrialState.RUNNING]

    time.sleep(float(GRACE_S) + 1)
    done = run_metta("sweep", "run", "dead", "--trials", "2", cwd=tmp_path, timeout=600)
    assert done.returncode == 0, done.stderr
    _, study = open_sweep("dead", runs_dir=tmp_path / "runs")
    states = [t.state for t in sorted(study.get_trials(), key=lambda t: t.number)]
    assert states[0] == optuna.trial.TrialState.FAIL
    assert states.count(optuna.trial.TrialState.COMPLETE) == 1
