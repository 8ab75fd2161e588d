"""wandb: off by default (never imported), and a real offline run directory when asked."""

from __future__ import annotations

import sys

import pytest

from metta_core.rl.trainer import train


def test_disabled_wandb_writes_no_wandb_directory(settings_for):
    result = train(settings_for(total=256))
    assert not (result.run_dir / "wandb").exists()


@pytest.mark.slow
def test_offline_wandb_writes_a_run_directory_with_metrics_and_checkpoint_artifact(settings_for, monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_DISABLE_GIT", "true")
    result = train(settings_for("wandb=offline", total=512, run="tracked"))
    assert "wandb" in sys.modules
    [run_dir] = (result.run_dir / "wandb").glob("offline-run-*")
    [log_file] = run_dir.glob("run-*.wandb")
    records = log_file.read_bytes()  # wandb's offline log: config, history rows, artifacts
    assert b"learning_rate" in records  # the resolved config
    assert b"train/policy_loss" in records  # per-epoch metrics
    assert b"epoch_000002" in records  # the checkpoint logged as a model artifact
