"""A real sweep: `metta sweep init/run/eval/show` with three tiny `metta train` trials on SQLite."""

from __future__ import annotations

import optuna
import pytest
import yaml

from metta_core.sweep.lifecycle import open_sweep

TINY = {
    "metric": "score",
    "cost": "agent_steps",
    "trials": 3,
    "sampler": "gp",
    "startup_trials": 2,
    "suite": "tiny_suite.yaml",
    "train_overrides": [
        "trainer.total_agent_steps=128",
        "trainer.num_envs=1",
        "trainer.batch_size=128",
        "trainer.minibatch_size=64",
        "trainer.update_epochs=1",
        "agent.hidden_size=16",
        "agent.lstm_size=16",
    ],
    "parameters": {
        "trainer.learning_rate": {"distribution": "log_uniform", "min": 1e-4, "max": 1e-2, "mean": 1e-3},
    },
}

# One short episode of one simulation: the test is about the sweep, not about evaluation.
TINY_SUITE = {
    "name": "tiny",
    "simulations": [
        {
            "name": "open_field",
            "env": "navigation",
            "env_overrides": ["game.max_steps=32"],
            "episodes": 1,
            "num_envs": 1,
            "seed": 1,
            "random_score": 0.0,
            "reference_score": 1.0,
        }
    ],
}


@pytest.mark.slow
def test_three_tiny_trials_train_evaluate_and_record_on_sqlite(tmp_path, metta):
    (tmp_path / "tiny_suite.yaml").write_text(yaml.safe_dump(TINY_SUITE))
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump({**TINY, "suite": str(tmp_path / "tiny_suite.yaml")}))
    init = metta("sweep", "init", "e2e", "--params", "tiny.yaml", cwd=tmp_path)
    assert init.returncode == 0, init.stderr

    run = metta("sweep", "run", "e2e", cwd=tmp_path, timeout=900)
    assert run.returncode == 0, run.stderr
    assert "this worker ran 3 trial(s), 0 failed" in run.stdout

    runs = tmp_path / "runs"
    _, study = open_sweep("e2e", runs_dir=runs)
    assert [t.state for t in study.trials] == [optuna.trial.TrialState.COMPLETE] * 3
    for trial in study.trials:
        run_dir = runs / f"e2e.t{trial.number}"
        assert list((run_dir / "checkpoints").glob("*.pt")), f"{run_dir} has no checkpoint"
        recorded = yaml.safe_load((run_dir / "config.yaml").read_text())
        assert recorded["trainer"]["learning_rate"] == pytest.approx(trial.params["trainer.learning_rate"])
        assert trial.values[1] == trial.user_attrs["agent_steps"] >= 128
        assert set(trial.user_attrs["normalized"]) == {"tiny/open_field"}
    assert study.trials[0].params["trainer.learning_rate"] == pytest.approx(1e-3)

    again = metta("sweep", "eval", "--run", "e2e.t0", "--sweep", "e2e", cwd=tmp_path)
    assert again.returncode == 2 and "already has an observation" in again.stderr

    show = metta("sweep", "show", "e2e", cwd=tmp_path)
    assert show.returncode == 0, show.stderr
    assert "sweep e2e: 3 complete" in show.stdout and (runs / "e2e" / "sweep.png").exists()
