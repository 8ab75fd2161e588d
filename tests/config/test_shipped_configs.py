"""Every YAML file we ship validates against its schema, and `metta config` reads real settings."""

from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from metta_cli.app import app
from metta_core.config.inspect import validate_file
from metta_core.config.presets import PRESETS_DIR, preset_names
from metta_core.config.registry import PRESET_DIR_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = sorted(p for d in PRESET_DIR_SCHEMA for p in (PRESETS_DIR / d).glob("*.yaml"))
EXAMPLES = sorted((ROOT / "examples" / "configs").glob("*.yaml"))
runner = CliRunner()


def test_every_preset_directory_ships_files():
    assert all(preset_names(d) for d in PRESET_DIR_SCHEMA), {d: preset_names(d) for d in PRESET_DIR_SCHEMA}


@pytest.mark.parametrize("path", SHIPPED + EXAMPLES, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_yaml_validates_against_its_schema(path):
    schema, model = validate_file(path)
    assert schema == PRESET_DIR_SCHEMA.get(path.parent.name, schema)
    assert model is not None


def test_config_show_resolves_train_settings_with_overrides():
    result = runner.invoke(app, ["config", "show", "train", "env=arena", "trainer.learning_rate=3e-4"])
    assert result.exit_code == 0, result.output
    resolved = yaml.safe_load(result.output)
    assert resolved["env"]["name"] == "arena"
    assert resolved["env"]["game"]["num_agents"] == 24
    assert resolved["trainer"]["learning_rate"] == pytest.approx(3e-4)


def test_config_validate_reports_a_bad_train_file(tmp_path):
    bad = tmp_path / "train.yaml"
    bad.write_text("env: arena\ntrainer:\n  learning_rate: fast\n  bogus: 1\n")
    result = runner.invoke(app, ["config", "validate", str(bad), "--schema", "train"])
    assert result.exit_code != 0
    problems = result.exception.problems
    assert any("trainer.learning_rate" in p for p in problems)
    assert any("trainer.bogus: unknown key" in p for p in problems)


def test_config_schema_prints_json_schema_of_a_section():
    import json

    result = runner.invoke(app, ["config", "schema", "env"])
    assert result.exit_code == 0
    assert "game" in json.loads(result.output)["properties"]
