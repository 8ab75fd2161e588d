"""TrainSettings: presets, shorthands and validation that fail before any work starts."""

from __future__ import annotations

import pytest

from metta_core.config.loader import resolve
from metta_core.errors import ConfigError
from metta_core.policy.config import AgentConfig
from metta_core.rl.settings import TrainerConfig, TrainSettings


def test_defaults_load_navigation_fast_agent_and_default_trainer():
    settings = resolve(TrainSettings, environ={})
    assert settings.env.name == "navigation"
    assert settings.agent.name == "fast"
    assert settings.trainer.name == "default"
    assert settings.wandb.mode == "disabled"


def test_presets_and_overrides_combine():
    settings = resolve(
        TrainSettings, overrides=["agent=lstm256", "trainer.learning_rate=3e-4", "device=cpu"], environ={}
    )
    assert settings.agent.lstm_size == 256
    assert settings.trainer.learning_rate == 3e-4


def test_wandb_off_shorthand_and_mode_names():
    assert resolve(TrainSettings, overrides=["wandb=off"], environ={}).wandb.mode == "disabled"
    assert resolve(TrainSettings, overrides=["wandb=offline"], environ={}).wandb.mode == "offline"


def test_environment_variables_set_trainer_fields():
    settings = resolve(TrainSettings, environ={"METTA_TRAINER__BATCH_SIZE": "4096"})
    assert settings.trainer.batch_size == 4096


def test_invalid_values_are_reported_together_with_their_source():
    with pytest.raises(ConfigError) as err:
        resolve(TrainSettings, overrides=["trainer.learning_rate=-1", "device=tpu", "run=a/b"], environ={})
    text = str(err.value)
    assert "trainer.learning_rate" in text and "device" in text and "run" in text
    assert "override 'trainer.learning_rate=-1'" in text


def test_minibatch_must_be_whole_segments_within_the_batch():
    with pytest.raises(ValueError, match="multiple of bptt_horizon"):
        TrainerConfig(minibatch_size=100, bptt_horizon=16)
    with pytest.raises(ValueError, match="must not exceed batch_size"):
        TrainerConfig(batch_size=1024, minibatch_size=2048)


def _env_with_trainer_hints(tmp_path, hints: str):
    path = tmp_path / "hinted.yaml"
    path.write_text(
        "game: {num_agents: 1, max_steps: 50}\n"
        "map: {builder: random, width: 9, height: 9, agents: 1, objects: {altar: 1}}\n"
        f"trainer: {hints}\n"
    )
    return path


def test_an_env_presets_trainer_settings_apply_over_the_trainer_preset(tmp_path):
    env = _env_with_trainer_hints(tmp_path, "{ent_coef: 0.05, total_agent_steps: 123456}")
    settings = resolve(TrainSettings, overrides=[f"env={env}"], environ={})
    assert settings.trainer.ent_coef == 0.05 and settings.trainer.total_agent_steps == 123456
    assert settings.trainer.learning_rate == TrainerConfig().learning_rate  # the rest: the preset's


def test_every_source_the_user_gives_beats_an_env_presets_trainer_settings(tmp_path):
    env = _env_with_trainer_hints(tmp_path, "{ent_coef: 0.05}")
    settings = resolve(TrainSettings, overrides=[f"env={env}", "trainer.ent_coef=0.02"], environ={})
    assert settings.trainer.ent_coef == 0.02
    settings = resolve(TrainSettings, overrides=[f"env={env}"], environ={"METTA_TRAINER__ENT_COEF": "0.03"})
    assert settings.trainer.ent_coef == 0.03


def test_a_bad_trainer_setting_in_an_env_preset_names_the_preset(tmp_path):
    env = _env_with_trainer_hints(tmp_path, "{ent_coef: -1}")
    with pytest.raises(ConfigError) as err:
        resolve(TrainSettings, overrides=[f"env={env}"], environ={})
    assert (
        "trainer.ent_coef" in str(err.value)
        and "preset env=" in str(err.value)
        and "(its trainer settings)" in str(err.value)
    )


def test_a_batch_size_given_alone_shrinks_the_presets_minibatch_to_fit():
    from metta_core.config.loader import resolve
    from metta_core.errors import ConfigError
    from metta_core.rl.settings import TrainSettings

    alone = resolve(TrainSettings, overrides=["trainer.batch_size=1024"], environ={})
    assert (alone.trainer.batch_size, alone.trainer.minibatch_size) == (1024, 1024)
    odd = resolve(TrainSettings, overrides=["trainer.batch_size=1000"], environ={})
    assert odd.trainer.minibatch_size == 992  # whole BPTT segments of 16
    with pytest.raises(ConfigError, match="minibatch_size .2048. must not exceed batch_size .1024."):
        resolve(
            TrainSettings, overrides=["trainer.batch_size=1024", "trainer.minibatch_size=2048"], environ={}
        )
    big = resolve(TrainSettings, overrides=["trainer.batch_size=65536"], environ={})
    assert big.trainer.minibatch_size == 2048  # the preset's value, when it fits


def test_an_env_presets_agent_settings_apply_over_the_agent_preset_below_the_user(tmp_path):
    path = tmp_path / "agent_hints.yaml"
    path.write_text(
        "game: {num_agents: 1}\n"
        "map: {builder: random, width: 9, height: 9, agents: 1, objects: {altar: 1}}\n"
        "agent: {local_view: true, hidden_size: 64}\n"
    )
    settings = resolve(TrainSettings, overrides=[f"env={path}"], environ={})
    assert settings.agent.local_view and settings.agent.hidden_size == 64
    assert settings.agent.cnn_channels == AgentConfig().cnn_channels  # the rest: the agent preset's
    mine = resolve(TrainSettings, overrides=[f"env={path}", "agent.hidden_size=32"], environ={})
    assert mine.agent.hidden_size == 32 and mine.agent.local_view
    with pytest.raises(ConfigError) as err:
        resolve(TrainSettings, overrides=[f"env={path}", "agent.local_view=maybe"], environ={})
    assert "agent.local_view" in str(err.value)
    path.write_text(path.read_text().replace("hidden_size: 64", "hidden_size: -1"))
    with pytest.raises(ConfigError) as err:
        resolve(TrainSettings, overrides=[f"env={path}"], environ={})
    assert "agent.hidden_size" in str(err.value) and "(its agent settings)" in str(err.value)
