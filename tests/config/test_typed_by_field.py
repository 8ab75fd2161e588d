"""Override values are typed by the field they set: text fields get the text as typed."""

from __future__ import annotations

import pytest

from metta_core.config.loader import resolve
from metta_core.errors import ConfigError
from metta_core.rl.settings import TrainSettings


@pytest.mark.parametrize("text", ["123", "2024-01-01", "007", "no", "on", "1e3"])
def test_a_text_field_gets_the_text_as_typed(text):
    settings = resolve(TrainSettings, overrides=[f"run={text}", f"wandb.project={text}"], environ={})
    assert settings.run == text and settings.wandb.project == text


def test_environment_variables_are_typed_by_field_too():
    settings = resolve(TrainSettings, environ={"METTA_RUN": "2024-01-01", "METTA_WANDB__PROJECT": "off"})
    assert (settings.run, settings.wandb.project) == ("2024-01-01", "off")


def test_numbers_null_and_flow_collections_keep_their_yaml_meaning():
    settings = resolve(
        TrainSettings,
        overrides=["run=null", "trainer.gamma=0.9", "trainer.learning_rate=3e-4", "wandb.tags=[a, b]"],
        environ={},
    )
    assert settings.run is None and settings.trainer.gamma == 0.9
    assert settings.trainer.learning_rate == 3e-4 and settings.wandb.tags == ["a", "b"]


def test_a_quoted_value_is_unquoted():
    assert resolve(TrainSettings, overrides=["run='007'"], environ={}).run == "007"


def test_an_unknown_key_names_the_nearest_known_spelling():
    with pytest.raises(ConfigError) as err:
        resolve(TrainSettings, overrides=["trainer.learnin_rate=0.1"], environ={})
    assert err.value.problems == [
        "trainer.learnin_rate: unknown key; did you mean trainer.learning_rate? "
        "(from override 'trainer.learnin_rate=0.1')"
    ]
