"""The base class of every command's settings, and of the models composed into them."""

from __future__ import annotations

from typing import ClassVar

from pydantic import BaseModel, ConfigDict
from pydantic_settings import BaseSettings, SettingsConfigDict


class Section(BaseModel):
    """A part of a command's settings (env, agent, trainer, ...). Unknown keys are errors."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)


class CommandSettings(BaseSettings):
    """A command's whole configuration.

    `preset_sections` names fields whose value may be a preset (field -> presets/ directory);
    `default_presets` names the preset loaded when no source picks one (field -> preset name).
    """

    model_config = SettingsConfigDict(
        env_prefix="METTA_", env_nested_delimiter="__", extra="forbid", validate_assignment=True
    )
    preset_sections: ClassVar[dict[str, str]] = {}
    default_presets: ClassVar[dict[str, str]] = {}
