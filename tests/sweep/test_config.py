"""The sweep config model: what a valid sweep YAML is, and errors that name the parameter."""

from __future__ import annotations

import math

import pytest
import yaml

from metta_core.config.overrides import parse_override
from metta_core.config.presets import preset_names
from metta_core.errors import ConfigError
from metta_core.sweep.config import SweepParameter, load_sweep_config, nested_overrides, value_to_override
from metta_core.sweep.lifecycle import init_sweep


def test_centre_is_the_mean_or_the_middle_of_the_range():
    assert SweepParameter(distribution="uniform", min=0.0, max=1.0).centre() == 0.5
    assert math.isclose(SweepParameter(distribution="log_uniform", min=1e-4, max=1e-2).centre(), 1e-3)
    assert SweepParameter(distribution="int", min=1, max=4, mean=3.4).centre() == 3
    assert SweepParameter(distribution="categorical", choices=[8, 16]).centre() == 8
    assert SweepParameter(distribution="categorical", choices=[8, 16], mean=16).centre() == 16


@pytest.mark.parametrize(
    ("parameter", "expected"),
    [
        ({"distribution": "log_uniform", "min": 0.0, "max": 1.0}, "log_uniform needs min > 0"),
        ({"distribution": "uniform", "min": 2.0, "max": 1.0}, "must be below max"),
        ({"distribution": "uniform", "min": 0.0, "max": 1.0, "mean": 3.0}, "must lie within min..max"),
        ({"distribution": "int", "min": 0.5, "max": 4}, "whole numbers"),
        ({"distribution": "categorical"}, "non-empty `choices`"),
        ({"distribution": "categorical", "choices": [1, 2], "mean": 3}, "not one of the choices"),
        ({"distribution": "normal", "min": 0.0, "max": 1.0}, "distribution"),
        ({"distribution": "uniform", "min": 0.0}, "needs both min and max"),
    ],
)
def test_invalid_parameter_is_reported_with_its_name(write_params, parameter, expected):
    path = write_params(parameters={"trainer.learning_rate": parameter})
    with pytest.raises(ConfigError) as caught:
        load_sweep_config(path)
    message = str(caught.value)
    assert "parameters.trainer.learning_rate" in message
    assert expected in message


def test_parameter_must_be_a_dotted_setting_path(write_params):
    path = write_params(parameters={"learning_rate": {"distribution": "uniform", "min": 0.0, "max": 1.0}})
    with pytest.raises(ConfigError, match="parameter 'learning_rate': expected a dotted setting path"):
        load_sweep_config(path)


def test_unknown_keys_and_bad_top_level_values_are_all_reported(write_params):
    path = write_params(trials=0, sampler="cmaes", metrik="score")
    with pytest.raises(ConfigError) as caught:
        load_sweep_config(path)
    problems = "\n".join(caught.value.problems)
    assert "trials:" in problems and "sampler:" in problems and "metrik: unknown key" in problems


def test_a_parameter_that_is_no_train_setting_is_refused_at_init(write_params, runs_dir):
    path = write_params(
        parameters={"trainer.learning_rat": {"distribution": "uniform", "min": 0.1, "max": 0.2}}
    )
    with pytest.raises(ConfigError, match="trainer.learning_rat: unknown key"):
        init_sweep("typo", path, runs_dir=runs_dir, node=0)
    assert not (runs_dir / "typo").exists()


def test_shipped_sweep_presets_are_valid():
    names = preset_names("sweep")
    assert {"fast", "navigation_cost"} <= set(names)
    for name in names:
        config = load_sweep_config(name)
        assert config.parameters


def test_overrides_read_back_to_the_suggested_values():
    for value in (3e-4, 0.99, 16, True, "lstm", "true", "16"):
        override = parse_override(value_to_override("trainer.x", value))
        assert override.value == value and type(override.value) is type(value)


def test_nested_overrides_form_a_config_file():
    assert nested_overrides({"trainer.learning_rate": 0.1, "agent.hidden_size": 64}) == {
        "agent": {"hidden_size": 64},
        "trainer": {"learning_rate": 0.1},
    }


def test_cli_init_with_invalid_params_prints_one_line_per_fault_and_exits_2(tmp_path, metta):
    path = tmp_path / "bad.yaml"
    bad = {"parameters": {"trainer.learning_rate": {"distribution": "log_uniform", "min": -1, "max": 1}}}
    path.write_text(yaml.safe_dump(bad))
    result = metta("sweep", "init", "bad", "--params", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert "parameters.trainer.learning_rate" in result.stderr
    assert "Traceback" not in result.stderr
    assert not (tmp_path / "runs" / "bad").exists()
