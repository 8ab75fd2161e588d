"""Resolution of settings from every source, precedence and error reporting."""

from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import Field

from metta_core.config.base import CommandSettings, Section
from metta_core.config.loader import resolve
from metta_core.errors import ConfigError


class Optimizer(Section):
    learning_rate: float = Field(default=1e-3, gt=0)
    epochs: int = Field(default=4, ge=1)


class Game(Section):
    name: str = "unnamed"
    num_agents: int = Field(default=1, ge=1)
    max_steps: int = 100


class Settings(CommandSettings):
    preset_sections: ClassVar[dict[str, str]] = {"game": "test_games"}
    run: str = "default-run"
    seed: int = 0
    optimizer: Optimizer = Field(default_factory=Optimizer)
    game: Game = Field(default_factory=Game)


@pytest.fixture
def presets(tmp_path, monkeypatch):
    """A preset directory `test_games` with one preset, `duo`."""
    import metta_core.config.presets as presets_module

    directory = tmp_path / "configs" / "test_games"
    directory.mkdir(parents=True)
    (directory / "duo.yaml").write_text("num_agents: 2\nmax_steps: 50\n")
    monkeypatch.setattr(presets_module, "PRESETS_DIR", tmp_path / "configs")
    return directory


def test_defaults_apply_when_no_source_sets_a_value():
    settings = resolve(Settings, environ={})
    assert settings.optimizer.learning_rate == pytest.approx(1e-3)
    assert settings.run == "default-run"


def test_each_source_overrides_the_one_below(tmp_path: Path, presets):
    config = tmp_path / "c.yaml"
    config.write_text("seed: 2\nrun: from-file\noptimizer: {epochs: 7, learning_rate: 0.2}\n")
    environ = {
        "METTA_SEED": "1",
        "METTA_RUN": "from-env",
        "METTA_OPTIMIZER__EPOCHS": "5",
        "METTA_GAME__MAX_STEPS": "70",
    }
    settings = resolve(
        Settings,
        environ=environ,
        config_file=config,
        overrides=["game=duo", "run=from-override", "optimizer.learning_rate=0.3"],
        cli_options={"run": ("from-cli", "--run")},
    )
    assert settings.game.num_agents == 2  # preset
    assert settings.game.max_steps == 70  # environment beats preset
    assert settings.seed == 2  # file beats environment
    assert settings.optimizer.epochs == 7  # file beats environment
    assert settings.optimizer.learning_rate == pytest.approx(0.3)  # override beats file
    assert settings.run == "from-cli"  # option beats override
    assert settings.game.name == "duo"  # the preset's name is recorded


@pytest.mark.parametrize(
    "overrides",
    [["game=duo", "game.max_steps=70"], ["game.max_steps=70", "game=duo"]],
    ids=["name first", "name last"],
)
def test_a_preset_name_and_keys_inside_it_in_one_source_both_apply(presets, overrides):
    # `env=arena env.game.max_steps=500`: the keys used to replace the preset (or the preset the
    # keys), so a run trained on the default env with the user's change, or on the preset without it.
    settings = resolve(Settings, overrides=overrides, environ={})
    assert (settings.game.name, settings.game.num_agents, settings.game.max_steps) == ("duo", 2, 70)
    environ = {"METTA_GAME": "duo", "METTA_GAME__MAX_STEPS": "70"}
    settings = resolve(Settings, environ=environ)
    assert (settings.game.name, settings.game.num_agents, settings.game.max_steps) == ("duo", 2, 70)


def test_environment_variables_for_other_commands_are_ignored():
    settings = resolve(Settings, environ={"METTA_SWEEP__TRIALS": "3", "METTA_HOME": "/x"})
    assert settings.seed == 0


def test_tilde_drops_a_lower_source_back_to_the_default(tmp_path: Path):
    config = tmp_path / "c.yaml"
    config.write_text("seed: 9\n")
    assert resolve(Settings, environ={}, config_file=config, overrides=["~seed"]).seed == 0


def test_all_errors_are_reported_at_once_with_path_and_source(tmp_path: Path):
    config = tmp_path / "bad.yaml"
    config.write_text("optimizer:\n  epochs: 0\n")
    with pytest.raises(ConfigError) as caught:
        resolve(
            Settings,
            environ={"METTA_SEED": "abc"},
            config_file=config,
            overrides=["optimizer.learning_rate=-1", "optimizer.momentum=0.9"],
        )
    problems = caught.value.problems
    assert len(problems) == 4
    text = "\n".join(problems)
    assert "seed:" in text and "environment METTA_SEED" in text
    assert "optimizer.epochs:" in text and f"config file {config}" in text
    assert "optimizer.learning_rate:" in text and "override 'optimizer.learning_rate=-1'" in text
    assert "optimizer.momentum: unknown key" in text


def test_unknown_preset_names_the_known_ones(presets):
    with pytest.raises(ConfigError, match=r"game=nope: no such preset \(known: duo\)"):
        resolve(Settings, environ={}, overrides=["game=nope"])


def test_missing_and_invalid_config_files_name_the_file(tmp_path: Path):
    with pytest.raises(ConfigError, match="no such file"):
        resolve(Settings, environ={}, config_file=tmp_path / "absent.yaml")
    broken = tmp_path / "broken.yaml"
    broken.write_text("a: [1, 2\n")
    with pytest.raises(ConfigError, match=r"broken.yaml: line \d+ invalid YAML"):
        resolve(Settings, environ={}, config_file=broken)
    listing = tmp_path / "list.yaml"
    listing.write_text("- 1\n")
    with pytest.raises(ConfigError, match="expected a mapping"):
        resolve(Settings, environ={}, config_file=listing)


def test_yaml_values_in_environment_variables_reach_nested_fields(monkeypatch):
    # pydantic-settings used to read METTA_* a second time, as JSON, and fail on YAML flow maps.
    from metta_core.rl.settings import TrainSettings

    monkeypatch.setenv("METTA_ENV__GAME__REWARDS", "{heart: 2}")
    monkeypatch.setenv("METTA_TRAINER__ENT_COEF", "0.03")
    settings = resolve(TrainSettings)
    assert settings.env.game.rewards == {"heart": 2.0} and settings.trainer.ent_coef == 0.03
