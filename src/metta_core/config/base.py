"""The base class of every command's settings, and of the models composed into them."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, ClassVar

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from metta_core.config.reference_names import Alias, rename_data

#: Seeds reach numpy's SeedSequence (non-negative only) and torch.manual_seed (below 2**64):
#: the schema accepts exactly the seeds that run.
SEED_MAX = 2**63 - 1
Seed = Annotated[int, Field(ge=0, le=SEED_MAX)]


def _known_device(value: str) -> str:
    if value in ("cpu", "cuda", "auto") or (value.startswith("cuda:") and value[5:].isdigit()):
        return value
    raise ValueError("device must be cpu, cuda, cuda:N or auto")


#: A torch device name as users write it (availability is checked where the device is opened).
Device = Annotated[str, AfterValidator(_known_device)]


class Section(BaseModel):
    """A part of a command's settings (env, agent, trainer, ...). Unknown keys are errors.

    `reference_names` maps the Metta reference's spellings to ours (see `reference_names.py`)."""

    # allow_inf_nan=False: an infinite learning rate or a NaN coefficient would only fail later.
    model_config = ConfigDict(extra="forbid", validate_assignment=True, allow_inf_nan=False)
    reference_names: ClassVar[dict[str, str | Alias]] = {}

    @model_validator(mode="before")
    @classmethod
    def _our_names(cls, data: Any) -> Any:
        return rename_data(cls, data)


class CommandSettings(BaseSettings):
    """A command's whole configuration.

    `preset_sections` names fields whose value may be a preset (field -> presets/ directory);
    `default_presets` names the preset loaded when no source picks one (field -> preset name).
    """

    model_config = SettingsConfigDict(
        env_prefix="METTA_",
        env_nested_delimiter="__",
        extra="forbid",
        validate_assignment=True,
        allow_inf_nan=False,
    )
    preset_sections: ClassVar[dict[str, str]] = {}
    default_presets: ClassVar[dict[str, str]] = {}
    reference_names: ClassVar[dict[str, str | Alias]] = {}

    @model_validator(mode="before")
    @classmethod
    def _our_names(cls, data: Any) -> Any:
        return rename_data(cls, data)

    @classmethod
    def settings_customise_sources(cls, settings_cls, init_settings, **other_sources):
        """Only the values the loader hands over: it reads METTA_* itself (YAML-typed, each value's
        source named in errors). pydantic-settings' own reader would parse them a second time, as
        JSON, and fail on a YAML value such as METTA_ENV__GAME__REWARDS='{heart: 2}'."""
        return (init_settings,)

    @classmethod
    def follow_user_values(cls, data: dict, user_set: Callable[[tuple[str, ...]], bool]) -> None:
        """Before validation: let a preset's value give way to a user's value it contradicts
        (`user_set(path)` tells whether the user, not a preset, set `path`). Default: nothing."""
