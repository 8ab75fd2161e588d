"""train(): the run directory, checkpoints, resuming, signals, and errors on bad resumes."""

from __future__ import annotations

import os
import signal

import pytest
import torch
import yaml

from metta_core.errors import ConfigError, PolicyError
from metta_core.policy.checkpoint import load_checkpoint
from metta_core.policy.store import PolicyStore
from metta_core.rl.trainer import train


def test_training_writes_config_checkpoints_stats_and_log(settings_for):
    settings = settings_for(total=1024)
    result = train(settings)
    run_dir = result.run_dir
    assert result.agent_steps == 1024 and result.epochs == 4
    assert sorted(p.name for p in (run_dir / "checkpoints").iterdir()) == [
        "epoch_000002.pt",
        "epoch_000004.pt",
    ]
    config = yaml.safe_load((run_dir / "config.yaml").read_text())
    assert config["run"] == "tiny" and config["trainer"]["batch_size"] == 256
    assert "finished at agent_steps 1024" in (run_dir / "train.log").read_text()
    from metta_core.stats.db import StatsDB

    with StatsDB(run_dir / "stats.duckdb") as db:
        assert db.count("simulations") == 1
        assert db.count("episodes") > 0  # episodes of 24 steps end several times per epoch
    [record] = PolicyStore().records(str(run_dir))
    assert record.metadata["agent_steps"] == 1024 and record.name == "tiny:epoch_4"


def test_update_changes_the_weights_and_reports_losses(settings_for):
    result = train(settings_for(total=256))
    metrics = result.final_metrics
    assert {"policy_loss", "value_loss", "entropy", "approx_kl", "agent_steps_per_s"} <= set(metrics)
    fresh = load_checkpoint(str(result.checkpoint_uri)).build_policy()
    assert torch.equal(fresh.actor.weight, result.policy.actor.weight)


def test_running_the_same_run_again_continues_from_its_checkpoint(settings_for):
    first = train(settings_for(total=512))
    second = train(settings_for(total=1024))
    assert first.agent_steps == 512 and second.agent_steps == 1024
    assert second.epochs == 4
    log = (second.run_dir / "train.log").read_text()
    assert "epoch_000002.pt at agent_steps 512" in log
    optimizer = load_checkpoint(str(second.checkpoint_uri)).optimizer
    # Adam's step counter carried over: 4 epochs x 2 minibatches x 1 update epoch.
    assert int(next(iter(optimizer["state"].values()))["step"]) == 8


def test_resume_without_a_checkpoint_is_a_config_error(settings_for):
    with pytest.raises(ConfigError, match="no checkpoint to continue from"):
        train(settings_for("resume=true", run="never-trained"))


def test_bare_resume_picks_the_most_recent_run(settings_for, tmp_path):
    train(settings_for(total=256, run="older"))
    settings = settings_for("resume=true", total=512)
    settings.run = None
    result = train(settings)
    assert result.run_dir.name == "older" and result.agent_steps == 512


def test_resuming_with_a_different_network_is_refused(settings_for):
    train(settings_for(total=256))
    with pytest.raises(ConfigError, match="agent.hidden_size"):
        train(settings_for("agent.hidden_size=32", total=512))


def test_the_refusal_names_the_override_that_continues_the_run(settings_for):
    # A preset that changed a network setting since the run began (as multiagent's last_action did):
    # the message gives the override back to the checkpoint's value, and that override resumes.
    train(settings_for("agent.last_action=false", total=256))
    with pytest.raises(ConfigError, match="continue it with agent.last_action=false") as refused:
        train(settings_for(total=512))
    override = str(refused.value).split("continue it with ")[1].split(" ")[0]
    assert train(settings_for(override, total=512)).agent_steps == 512


def test_a_run_whose_only_checkpoint_is_truncated_is_a_policy_error(settings_for):
    result = train(settings_for(total=512))
    path = result.run_dir / "checkpoints" / "epoch_000002.pt"
    path.write_bytes(path.read_bytes()[:100])
    with pytest.raises(PolicyError, match="no readable checkpoint .*epoch_000002.pt: truncated.*delete"):
        train(settings_for(total=1024))


def test_sigterm_finishes_the_step_saves_and_stops(settings_for):
    def send_sigterm(progress):
        if progress["epoch"] == 1:
            os.kill(os.getpid(), signal.SIGTERM)

    result = train(settings_for("trainer.checkpoint_interval=100", total=100_000), on_progress=send_sigterm)
    assert result.stopped_by == "SIGTERM"
    assert result.epochs < 5
    [record] = PolicyStore().records(str(result.run_dir))
    assert record.metadata["agent_steps"] == result.agent_steps
    assert "stopped by SIGTERM" in (result.run_dir / "train.log").read_text()
    assert signal.getsignal(signal.SIGTERM) is signal.SIG_DFL  # the trainer's handler is removed again


def test_sighup_stops_training_like_sigterm_and_a_second_one_does_not_kill(settings_for):
    def send_sighup(progress):
        if progress["epoch"] in (1, 2):  # twice: a supervisor signalling the group, then the process
            os.kill(os.getpid(), signal.SIGHUP)

    result = train(settings_for("trainer.checkpoint_interval=100", total=100_000), on_progress=send_sighup)
    assert result.stopped_by == "SIGHUP" and result.epochs < 5
    assert "stopped by SIGHUP" in (result.run_dir / "train.log").read_text()


def test_checkpoint_policy_acts_in_the_env_it_was_trained_on(settings_for):
    import numpy as np

    from metta_core.env.vecenv import VecEnv

    settings = settings_for(total=256)
    result = train(settings)
    env = VecEnv(settings.env, num_envs=2, seed=1)
    actor = PolicyStore().records(str(result.run_dir))[0].actor(env)
    obs, global_obs = env.reset(seed=1)
    actor.reset(env.total_agents)
    actions = actor.act(obs, global_obs, np.zeros(env.total_agents, dtype=bool))
    env.step(actions)
    assert actions.shape == (env.total_agents, 2)


def test_periodic_evaluation_stores_suite_scores_in_checkpoint_metadata(settings_for, tmp_path):
    suite = tmp_path / "tiny_suite.yaml"
    suite.write_text(
        "name: tiny\n"
        "simulations:\n"
        "  - name: small_field\n"
        "    env: navigation\n"
        "    map: {builder: random, width: 9, height: 9, agents: 1, walls: 2, objects: {altar: 2}}\n"
        "    env_overrides: [game.num_agents=1, game.max_steps=16]\n"
        "    episodes: 2\n"
        "    num_envs: 2\n"
        "    random_score: 0.1\n"
        "    reference_score: 1.0\n"
    )
    result = train(settings_for("trainer.evaluate_interval=2", f"trainer.evaluate_suite={suite}", total=512))
    [record] = PolicyStore().records(str(result.run_dir), selector="top", metric="score")
    assert record.metadata["epoch"] == 2  # the only evaluated checkpoint has a score
    assert "score" in record.metadata["scores"]
    assert any(key.endswith("small_field") for key in record.metadata["scores"])
    assert "evaluation on" in (result.run_dir / "train.log").read_text()


def test_every_segment_is_trained_on_when_the_minibatch_does_not_divide_the_rollout(
    settings_for, monkeypatch
):
    from metta_core.rl.buffer import RolloutBuffer

    seen: list[int] = []
    minibatch = RolloutBuffer.minibatch

    def record(self, indices):
        seen.extend(indices.tolist())
        return minibatch(self, indices)

    monkeypatch.setattr(RolloutBuffer, "minibatch", record)
    # 256 agent steps per rollout in BPTT segments of 8: 32 segments, minibatches of 3 segments.
    train(settings_for("trainer.minibatch_size=24", total=256))
    assert sorted(seen) == list(range(32))  # one epoch: each segment exactly once
