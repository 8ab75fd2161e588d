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


def test_offline_run_logs_the_reference_metric_names_and_the_stats_db(settings_for, monkeypatch):
    monkeypatch.setenv("WANDB_MODE", "offline")
    monkeypatch.setenv("WANDB_DISABLE_GIT", "true")
    result = train(settings_for("wandb=offline", total=512, run="named"))
    [run_dir] = (result.run_dir / "wandb").glob("offline-run-*")
    [log_file] = run_dir.glob("run-*.wandb")
    records = log_file.read_bytes()
    for name in (b"overview/sps", b"losses/policy_loss", b"parameters/learning_rate", b"metric/agent_step"):
        assert name in records, name
    assert b"named_stats" in records  # the run's stats DB as a `stats` artifact


def test_env_agent_counters_are_per_agent_means_over_the_epochs_episodes():
    from metta_core.rl.metta_metric_names import training_names

    agents = [{"heart.gained": 2.0, "ore_red.gained": 1.0}, {"heart.gained": 0.0}]
    named = training_names(
        {"episode_reward": 1.5, "policy_loss": 0.1}, agents, agent_steps=640, epoch=3, wall_time=2.0
    )
    assert named["env_agent/heart.gained"] == 1.0 and named["env_agent/ore_red.gained"] == 0.5
    assert (named["overview/reward"], named["losses/policy_loss"], named["metric/agent_step"]) == (
        1.5,
        0.1,
        640,
    )


def test_a_wandb_stats_uri_offline_is_one_clear_error(monkeypatch):
    import pytest

    from metta_core.errors import StorageError
    from metta_core.stats.wandb_stats import fetch_stats_artifact

    monkeypatch.setenv("WANDB_MODE", "offline")
    with pytest.raises(StorageError, match="wandb://stats/nav_eval: wandb is offline"):
        fetch_stats_artifact("wandb://stats/nav_eval")
