"""The documented multi-node storage, `--storage postgresql://...`, against a real PostgreSQL
server: init, run and show work, and the password never appears in output or in the study."""

from __future__ import annotations

import json

import optuna
import yaml

from metta_core.sweep.lifecycle import open_sweep, run_sweep
from metta_core.sweep.study import Observation

PARAMS = {
    "metric": "score",
    "trials": 2,
    "suite": "navigation",
    "parameters": {"trainer.learning_rate": {"distribution": "log_uniform", "min": 1e-4, "max": 1e-2}},
}


def test_a_sweep_on_postgresql_runs_and_keeps_the_password_out_of_sight(postgres_url, tmp_path, metta):
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(PARAMS))
    init = metta("sweep", "init", "pg", "--params", "p.yaml", "--storage", postgres_url, cwd=tmp_path)
    assert init.returncode == 0, init.stderr
    assert "s3cret-pw" not in init.stdout + init.stderr

    outcomes = run_sweep(
        "pg", runs_dir=tmp_path / "runs", storage=postgres_url, run_trial=lambda spec: Observation(score=0.5)
    )
    assert [o.state for o in outcomes] == ["complete", "complete"]
    _, study = open_sweep("pg", runs_dir=tmp_path / "runs", storage=postgres_url)
    assert [t.state for t in study.get_trials()] == [optuna.trial.TrialState.COMPLETE] * 2
    stored = json.dumps(study.user_attrs) + (tmp_path / "runs" / "pg" / "sweep.yaml").read_text()
    assert "s3cret-pw" not in stored

    shown = metta("sweep", "show", "pg", "--storage", postgres_url, cwd=tmp_path)
    assert shown.returncode == 0 and "s3cret-pw" not in shown.stdout + shown.stderr


def test_an_unreachable_postgresql_is_one_line_without_the_password(postgres_url, tmp_path, metta):
    closed = postgres_url.rsplit(":", 1)[0] + ":1/postgres"
    (tmp_path / "p.yaml").write_text(yaml.safe_dump(PARAMS))
    done = metta("sweep", "init", "pg", "--params", "p.yaml", "--storage", closed, cwd=tmp_path)
    assert done.returncode == 2 and "cannot open" in done.stderr
    assert "s3cret-pw" not in done.stderr and "***" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1
    assert not (tmp_path / "runs" / "pg").exists()  # a failed init leaves no sweep directory
