"""The key=value override grammar."""

import pytest

from metta_core.config.overrides import parse_override, parse_overrides, parse_value
from metta_core.errors import ConfigError


def test_values_are_parsed_as_yaml_scalars_and_collections():
    assert parse_value("3") == 3
    assert parse_value("true") is True
    assert parse_value("null") is None
    assert parse_value("[1, 2]") == [1, 2]
    assert parse_value("{a: 1}") == {"a": 1}
    assert parse_value("arena") == "arena"
    assert parse_value("'007'") == "007"


def test_exponent_floats_without_a_dot_are_floats():
    assert parse_value("3e-4") == pytest.approx(3e-4)
    assert parse_value("-1E3") == -1000.0


def test_dotted_key_becomes_a_path():
    override = parse_override("trainer.learning_rate=3e-4")
    assert override.path == ("trainer", "learning_rate")
    assert override.value == pytest.approx(3e-4)


def test_plus_prefix_sets_like_a_plain_override():
    assert parse_override("+trainer.seed=5").path == ("trainer", "seed")


def test_tilde_prefix_deletes_a_key():
    override = parse_override("~trainer.seed")
    assert override.delete and override.path == ("trainer", "seed")


def test_value_may_contain_equals_signs():
    assert parse_override("run=a=b").value == "a=b"


def test_every_malformed_override_is_reported_at_once():
    with pytest.raises(ConfigError) as caught:
        parse_overrides(["novalue", "a..b=1", "ok=1", "=3"])
    assert len(caught.value.problems) == 3
    assert "novalue" in caught.value.problems[0]
