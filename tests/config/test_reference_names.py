"""The Metta reference's spellings of settings are aliases of ours (tables on the models)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from metta_core.config.loader import resolve, validate_mapping
from metta_core.errors import ConfigError
from metta_core.render.settings import RenderSettings
from metta_core.replay.settings import PlaySettings, ReplaySettings
from metta_core.rl.settings import TrainSettings
from metta_core.sim.settings import SimSettings


def train(*overrides: str) -> TrainSettings:
    return resolve(TrainSettings, overrides=list(overrides), environ={})


def test_the_reference_trainer_keys_reach_our_fields():
    settings = train(
        "env=mettagrid/navigation",
        "trainer.num_workers=2",
        "trainer.total_timesteps=5000",
        "trainer.ppo.gamma=0.9",
        "trainer.ppo.ent_coef=0.003",
        "trainer.optimizer.learning_rate=0.0003",
        "trainer.optimizer.beta1=0.8",
        "trainer.optimizer.eps=1e-12",
        "trainer.checkpoint.checkpoint_interval=7",
        "trainer.simulation.evaluate_interval=14",
        "trainer.lr_scheduler.enabled=false",
        "trainer.checkpoint.wandb_checkpoint_interval=0",
        "run_name=nav_001",
    )
    trainer = settings.trainer
    assert settings.env.name == "navigation" and settings.run == "nav_001"
    assert (trainer.env_threads, trainer.total_agent_steps, trainer.gamma, trainer.ent_coef) == (
        2,
        5000,
        0.9,
        0.003,
    )
    assert (trainer.learning_rate, trainer.adam_beta1, trainer.adam_eps) == (0.0003, 0.8, 1e-12)
    assert (trainer.checkpoint_interval, trainer.evaluate_interval, trainer.anneal_lr) == (7, 14, False)
    assert settings.wandb.log_checkpoints is False


def test_a_reference_file_validates_directly_too():
    data = {"env": "navigation", "trainer": {"ppo": {"clip_coef": 0.1}, "optimizer": {"type": "adam"}}}
    loaded = TrainSettings.model_validate({**data, "env": train().env.model_dump()})
    assert loaded.trainer.clip_coef == 0.1
    assert (
        validate_mapping(SimSettings, {"sim_job": {"simulation_suite": "memory"}}, "file x").suite == "memory"
    )


def test_an_error_in_a_reference_key_names_the_override_that_set_it():
    with pytest.raises(ConfigError) as err:
        train("trainer.ppo.gamma=2")
    assert err.value.problems == [
        "trainer.gamma: Input should be less than or equal to 1, got 2 (from override 'trainer.ppo.gamma=2')"
    ]


@pytest.mark.parametrize(
    "override, words",
    [
        ("trainer.optimizer.type=muon", "adam only"),
        ("trainer.ppo.l2_init_loss_coef=0.5", "only 0 is accepted"),
    ],
)
def test_a_reference_value_we_cannot_honour_is_refused(override, words):
    with pytest.raises(ConfigError) as err:
        train(override)
    (line,) = err.value.problems
    assert line.startswith(override.split("=")[0] + ":") and words in line and override in line


def test_wandb_off_and_the_stats_server_are_accepted_with_a_note(caplog):
    with caplog.at_level(logging.WARNING, logger="metta"):
        settings = train("wandb=off", "stats_client=null")
    assert settings.wandb.mode == "disabled"
    assert any(
        "stats_client" in r.getMessage() and "no stats server" in r.getMessage() for r in caplog.records
    )
    assert train("wandb=offline").wandb.mode == "offline"


def test_sim_job_keys():
    settings = resolve(
        SimSettings,
        overrides=[
            'sim_job.policy_uris=["wandb://run/a", "runs/b"]',
            "sim_job.stats_db_uri=s3://bucket/eval.db",
            "sim_job.simulation_suite=memory",
            "selector_type=top",
        ],
        environ={},
    )
    assert settings.policies == ["wandb://run/a", "runs/b"] and settings.stats_db_uri == "s3://bucket/eval.db"
    assert (settings.suite, settings.selector) == ("memory", "top")
    assert resolve(SimSettings, overrides=["sim=object_use"], environ={}).suite == "object_use"


def test_renderer_and_replay_job_keys(tmp_path: Path):
    render = resolve(
        RenderSettings,
        overrides=[
            "renderer_job.policy_type=trained",
            "policy_uri=runs/x",
            "renderer_job.sleep_time=0.5",
            "renderer_job.renderer_type=miniscope",
            "env=mettagrid/multiagent",
            "renderer_job.num_agents=4",
        ],
        environ={},
    )
    assert (render.policy, render.sleep, render.renderer, render.agents) == ("runs/x", 0.5, "ascii", 4)
    assert (
        resolve(RenderSettings, overrides=["renderer_job.policy_type=random"], environ={}).policy == "random"
    )
    replay = resolve(
        ReplaySettings,
        overrides=["replay_job.sim.env=mettagrid/memory", "replay_job.open_browser_on_start=false"],
        environ={},
    )
    assert (replay.env.name, replay.open_browser) == ("memory", False)
    play = resolve(PlaySettings, overrides=["replay_job.open_browser_on_start=false"], environ={})
    assert play.open_browser is False


def test_a_map_file_given_the_reference_way_replaces_the_preset_map(tmp_path: Path):
    path = tmp_path / "my_map.yaml"
    path.write_text("map: |\n  #####\n  #@.a#\n  #####\n")
    settings = resolve(
        RenderSettings, overrides=[f"env.game.map=@file://{path}", "env.game.num_agents=1"], environ={}
    )
    assert settings.env.map.builder == "ascii" and settings.env.map.uri == str(path)


def test_a_map_file_given_alone_brings_its_agents(tmp_path: Path):
    path = tmp_path / "two.yaml"
    path.write_text("map: |\n  #######\n  #@.a.@#\n  #######\n")
    settings = resolve(RenderSettings, overrides=[f"env.game.map=@file://{path}"], environ={})
    assert settings.env.game.num_agents == 2  # the arena preset's 24 give way to the file's 2
    chosen = resolve(
        RenderSettings, overrides=[f"env.game.map=@file://{path}", "env.game.num_agents=5"], environ={}
    )
    assert chosen.env.game.num_agents == 5  # a number the user gives is kept (and checked at build)
