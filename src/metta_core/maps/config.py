"""The pydantic models of every map builder and of scene trees.

`MapConfig` is a discriminated union on `builder`; `MapConfigModel` wraps it for schema export and
for validating plain YAML data. This module only describes maps; it must not build them (see
`build.py`) and must not import numba.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field, RootModel, field_validator, model_validator

from metta_core.config.base import Section
from metta_core.env.table import OBJECT_NAMES, TEAM_CHARS

#: Team names of the `agents` mapping; `agent` means team 0 (written `@`).
TEAM_NAMES: dict[str, str] = {"agent": "@", **{f"team_{i}": c for i, c in enumerate(TEAM_CHARS, start=1)}}
#: Objects a builder may scatter by name (agents are placed through `agents`).
PLACEABLE_OBJECTS: tuple[str, ...] = tuple(name for name in OBJECT_NAMES if name != "agent")


def _check_objects(objects: dict[str, int]) -> dict[str, int]:
    for name, count in objects.items():
        if name not in PLACEABLE_OBJECTS:
            raise ValueError(f"unknown object '{name}' (known: {', '.join(PLACEABLE_OBJECTS)})")
        if count < 0:
            raise ValueError(f"object '{name}': count must be >= 0, got {count}")
    return objects


def _check_agents(agents: int | dict[str, int] | None) -> int | dict[str, int] | None:
    if isinstance(agents, int) and agents < 0:
        raise ValueError(f"agents must be >= 0, got {agents}")
    if isinstance(agents, dict):
        for team, count in agents.items():
            if team not in TEAM_NAMES:
                raise ValueError(f"unknown team '{team}' (known: {', '.join(TEAM_NAMES)})")
            if count < 0:
                raise ValueError(f"agents of '{team}' must be >= 0, got {count}")
    return agents


class BuilderBase(Section):
    """Fields every builder shares: agents, seed, validation."""

    agents: int | dict[str, int] = Field(
        1, description="Agents to place: a count (written `@`) or team name -> count (`team_1`..`team_4`)."
    )
    seed: int | None = Field(
        None, description="Fix the map: build from this seed instead of the caller's generator."
    )
    validate_reachability: bool = Field(
        True, description="Require every agent to reach a reward source (a converter or altar)."
    )
    max_attempts: int = Field(20, ge=1, description="Builds tried before a failed validation is an error.")

    @field_validator("agents")
    @classmethod
    def _known_teams(cls, agents: int | dict[str, int] | None) -> int | dict[str, int] | None:
        return _check_agents(agents)


class SizedBuilder(BuilderBase):
    """A builder that makes a map of a given size with a wall border."""

    width: int = Field(25, ge=3, le=1024)
    height: int = Field(25, ge=3, le=1024)
    border_width: int = Field(1, ge=0, description="Thickness of the wall border (0 inside scenes).")
    objects: dict[str, int] = Field(
        default_factory=dict, description="Objects scattered on empty cells: object name -> count."
    )

    @field_validator("objects")
    @classmethod
    def _known_objects(cls, objects: dict[str, int]) -> dict[str, int]:
        return _check_objects(objects)


class RandomConfig(SizedBuilder):
    """Walls, objects and agents at random cells of an open room."""

    builder: Literal["random"] = "random"
    wall_density: float = Field(0.0, ge=0.0, le=0.9, description="Fraction of inner cells made walls.")
    walls: int | None = Field(None, ge=0, description="Exact number of inner walls (overrides wall_density).")


class AsciiConfig(BuilderBase):
    """A fixed map: an inline `map:` block (string or list of rows) or a file (`uri`).

    A file is a map YAML file (a `map:` block plus metadata, as `metta map gen` writes) or a plain
    text grid; a path not found relative to the working directory is looked up under the shipped
    `configs/maps/`. `agents: null` accepts whatever agents the map holds.
    """

    builder: Literal["ascii"] = "ascii"
    map: str | list[str] | None = Field(None, description="The grid itself: one string of lines, or rows.")
    uri: str | None = Field(None, description="A map file: path, file:// or s3:// URI.")
    agents: int | dict[str, int] | None = None  # type: ignore[assignment]

    @model_validator(mode="after")
    def _one_source(self) -> AsciiConfig:
        if (self.map is None) == (self.uri is None):
            raise ValueError("give exactly one of `map` (inline rows) or `uri` (a map file)")
        return self


MapConfig = Annotated[
    RandomConfig | AsciiConfig,
    Field(discriminator="builder"),
]


class MapConfigModel(RootModel[MapConfig]):
    """Any builder's config, for `metta config schema map` and for validating YAML data."""
