"""The environment's settings: `GameConfig` (rules) and `EnvConfig` (rules + map), and presets.

A preset is a YAML file of `EnvConfig` fields under `metta_core/presets/env/`. This module
validates configuration and lists presets; it must not import numba or build arrays (the CLI
reads it for `metta env list` and completion).

Converter recipes: every field of `ConverterConfig` may be left `None`, meaning "the game spec's
default for this object type" (see `DEFAULT_RECIPES`), so an override like
`game.objects.altar.cooldown=200` changes only the cooldown.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from metta_core.config.base import Section
from metta_core.config.reference_names import Alias
from metta_core.env.table import ACTION_NAMES, CONVERTER_NAMES, ITEM_NAMES
from metta_core.errors import ConfigError
from metta_core.maps.config import MapConfig


@dataclass(frozen=True)
class Recipe:
    """A converter's resolved recipe: what the engine actually runs."""

    input: dict[str, int]
    output: dict[str, int]
    cooldown: int
    conversion_ticks: int = 1
    max_output: int = 5
    initial_output: int = 0
    color: int = 0


#: The game spec's recipes (input -> output, cooldown) of every converter type.
DEFAULT_RECIPES: dict[str, Recipe] = {
    "mine_red": Recipe({}, {"ore_red": 1}, 50, color=0),
    "mine_blue": Recipe({}, {"ore_blue": 1}, 50, color=1),
    "mine_green": Recipe({}, {"ore_green": 1}, 50, color=2),
    "generator_red": Recipe({"ore_red": 1}, {"battery_red": 1}, 25, color=0),
    "generator_blue": Recipe({"ore_blue": 1}, {"battery_blue": 1}, 25, color=1),
    "generator_green": Recipe({"ore_green": 1}, {"battery_green": 1}, 25, color=2),
    "altar": Recipe({"battery_red": 3}, {"heart": 1}, 10),
    "armory": Recipe({"ore_red": 3}, {"armor": 1}, 10),
    "lasery": Recipe({"ore_red": 1, "battery_red": 2}, {"laser": 1}, 10),
    "lab": Recipe({"ore_red": 3, "battery_red": 3}, {"blueprint": 1}, 5),
    "factory": Recipe({"blueprint": 1, "ore_red": 5, "battery_red": 5}, {"armor": 5, "laser": 5}, 5),
    "temple": Recipe({"heart": 1, "blueprint": 1}, {"heart": 5}, 5),
}

#: Default per-item inventory limit; hearts may pile up higher.
DEFAULT_INVENTORY_LIMIT = 50
DEFAULT_LIMITS: dict[str, int] = {
    name: (255 if name == "heart" else DEFAULT_INVENTORY_LIMIT) for name in ITEM_NAMES
}


def _check_items(value: dict[str, int | float], what: str, minimum: float | None = 0) -> dict:
    for name, count in value.items():
        if name not in ITEM_NAMES:
            raise ValueError(f"{what}: unknown item '{name}' (known: {', '.join(ITEM_NAMES)})")
        if minimum is not None and count < minimum:
            raise ValueError(f"{what}: '{name}' must be >= {minimum}, got {count}")
    return value


class ConverterConfig(Section):
    """One converter type's recipe; a `None` field keeps the game spec's default for that type."""

    input: dict[str, int] | None = Field(None, description="Items consumed per conversion.")
    output: dict[str, int] | None = Field(None, description="Items produced per conversion.")
    cooldown: int | None = Field(None, ge=0, description="Steps idle after a conversion completes.")
    conversion_ticks: int | None = Field(None, ge=1, description="Steps a conversion takes.")
    max_output: int | None = Field(
        None, ge=0, le=255, description="Output held at most; no conversion beyond."
    )
    initial_output: int | None = Field(None, ge=0, le=255, description="Conversions' output held at reset.")
    color: int | None = Field(None, ge=0, le=255, description="Colour observed on the converter's cell.")

    @field_validator("input", "output")
    @classmethod
    def _known_items(cls, value: dict[str, int] | None, info) -> dict[str, int] | None:
        return None if value is None else _check_items(value, info.field_name)

    def resolve(self, name: str) -> Recipe:
        base = DEFAULT_RECIPES[name]
        return Recipe(
            input=dict(base.input if self.input is None else self.input),
            output=dict(base.output if self.output is None else self.output),
            cooldown=base.cooldown if self.cooldown is None else self.cooldown,
            conversion_ticks=base.conversion_ticks
            if self.conversion_ticks is None
            else self.conversion_ticks,
            max_output=base.max_output if self.max_output is None else self.max_output,
            initial_output=base.initial_output if self.initial_output is None else self.initial_output,
            color=base.color if self.color is None else self.color,
        )


class ActionsConfig(Section):
    """Which actions exist in this environment; action ids are the enabled ones in table order."""

    noop: bool = Field(True, description="Enable the noop action.")
    move: bool = Field(True, description="Enable the move action.")
    rotate: bool = Field(True, description="Enable the rotate action.")
    put_items: bool = Field(True, description="Enable the put_items action.")
    get_items: bool = Field(True, description="Enable the get_items action.")
    attack: bool = Field(True, description="Enable the attack action.")
    swap: bool = Field(True, description="Enable the swap action.")
    change_color: bool = Field(True, description="Enable the change_color action.")

    def enabled(self) -> list[str]:
        return [name for name in ACTION_NAMES if getattr(self, name)]


class AttackConfig(Section):
    """What an attack costs and does."""

    cost: dict[str, int] = Field(
        default_factory=lambda: {"laser": 1},
        description="Items the attacker spends; lacking any of them, the attack fails.",
    )
    freeze_duration: int = Field(10, ge=0, le=255, description="Steps a hit agent stays frozen.")
    defense_item: str = Field("armor", description="Item a target loses instead of being frozen.")

    @field_validator("cost")
    @classmethod
    def _known_cost(cls, value: dict[str, int]) -> dict[str, int]:
        return _check_items(value, "cost")

    @field_validator("defense_item")
    @classmethod
    def _known_defense(cls, value: str) -> str:
        if value not in ITEM_NAMES:
            raise ValueError(f"unknown item '{value}' (known: {', '.join(ITEM_NAMES)})")
        return value


class ObjectsConfig(Section):
    """Recipe overrides of each converter type (see `DEFAULT_RECIPES`)."""

    mine_red: ConverterConfig = Field(default_factory=ConverterConfig, description="Recipe of the mine_red.")
    mine_blue: ConverterConfig = Field(
        default_factory=ConverterConfig, description="Recipe of the mine_blue."
    )
    mine_green: ConverterConfig = Field(
        default_factory=ConverterConfig, description="Recipe of the mine_green."
    )
    generator_red: ConverterConfig = Field(
        default_factory=ConverterConfig, description="Recipe of the generator_red."
    )
    generator_blue: ConverterConfig = Field(
        default_factory=ConverterConfig, description="Recipe of the generator_blue."
    )
    generator_green: ConverterConfig = Field(
        default_factory=ConverterConfig, description="Recipe of the generator_green."
    )
    altar: ConverterConfig = Field(default_factory=ConverterConfig, description="Recipe of the altar.")
    armory: ConverterConfig = Field(default_factory=ConverterConfig, description="Recipe of the armory.")
    lasery: ConverterConfig = Field(default_factory=ConverterConfig, description="Recipe of the lasery.")
    lab: ConverterConfig = Field(default_factory=ConverterConfig, description="Recipe of the lab.")
    factory: ConverterConfig = Field(default_factory=ConverterConfig, description="Recipe of the factory.")
    temple: ConverterConfig = Field(default_factory=ConverterConfig, description="Recipe of the temple.")

    def recipes(self) -> dict[str, Recipe]:
        return {name: getattr(self, name).resolve(name) for name in CONVERTER_NAMES}


class GameConfig(Section):
    """The rules of one environment: agents, episode length, observations, rewards, recipes."""

    num_agents: int = Field(
        1, ge=1, le=4096, description="Agents per environment; the map must place as many."
    )
    max_steps: int = Field(1000, ge=1, description="Steps per episode; every agent's episode ends together.")
    episode_end: Literal["truncation", "termination"] = Field(
        "truncation", description="How reaching max_steps is reported."
    )
    obs_width: int = Field(11, ge=1, le=63, description="Observation window width (odd).")
    obs_height: int = Field(11, ge=1, le=63, description="Observation window height (odd).")
    inventory_limits: dict[str, int] = Field(
        default_factory=dict, description="Per-item limit (0..255); unnamed items: 50, heart 255."
    )
    rewards: dict[str, float] = Field(
        default_factory=lambda: {"heart": 1.0}, description="Reward per unit gained (and lost) of an item."
    )
    rewards_max: dict[str, float] = Field(
        default_factory=dict, description="Cap on the reward one agent earns from an item in an episode."
    )
    group_reward_pct: float = Field(
        0.0, ge=0.0, le=1.0, description="Share of each reward split over the team."
    )
    action_failure_penalty: float = Field(
        0.0, ge=0.0, description="Subtracted for each failed or invalid action."
    )
    actions: ActionsConfig = Field(default_factory=ActionsConfig, description="Which actions exist.")
    attack: AttackConfig = Field(
        default_factory=AttackConfig, description="The cost of an attack and its effect on the target."
    )
    objects: ObjectsConfig = Field(default_factory=ObjectsConfig, description="Converter recipe overrides.")

    @field_validator("obs_width", "obs_height")
    @classmethod
    def _odd(cls, value: int, info) -> int:
        if value % 2 == 0:
            raise ValueError(f"{info.field_name} must be odd so the agent sits at the centre, got {value}")
        return value

    @field_validator("inventory_limits")
    @classmethod
    def _limits(cls, value: dict[str, int]) -> dict[str, int]:
        _check_items(value, "inventory_limits")
        for name, limit in value.items():
            if limit > 255:
                raise ValueError(f"inventory_limits: '{name}' must be <= 255, got {limit}")
        return value

    @field_validator("rewards")
    @classmethod
    def _rewards(cls, value: dict[str, float]) -> dict[str, float]:
        return _check_items(value, "rewards", minimum=None)

    @field_validator("rewards_max")
    @classmethod
    def _rewards_max(cls, value: dict[str, float]) -> dict[str, float]:
        return _check_items(value, "rewards_max")

    @model_validator(mode="after")
    def _some_action(self) -> GameConfig:
        if not self.actions.enabled():
            raise ValueError("actions: at least one action must be enabled")
        return self

    def limits(self) -> dict[str, int]:
        return {**DEFAULT_LIMITS, **self.inventory_limits}


#: GameConfig fields that shape observations and actions: one VecEnv's games (a curriculum's
#: tasks) must agree on them. Everything else (max_steps, rewards, recipes, ...) may differ per task.
FIXED_GAME_FIELDS = ("num_agents", "obs_width", "obs_height", "actions")


def fixed_field_changed(game: GameConfig, other: GameConfig) -> str | None:
    """The first of `FIXED_GAME_FIELDS` on which `other` differs from `game`, or None."""
    return next((f for f in FIXED_GAME_FIELDS if getattr(game, f) != getattr(other, f)), None)


def _map_from_uri(value: Any) -> Any:
    """The reference's `game.map=@file://./my_map.yaml`: a map file or map config, by URI."""
    if not isinstance(value, str):
        return value
    from metta_core.maps.loading import map_config_data

    try:
        return map_config_data(value.removeprefix("@").removeprefix("file://"))
    except ConfigError as err:
        raise ValueError(str(err)) from None


class EnvConfig(Section):
    """An environment: its rules (`game`) and the map builder that makes each episode's map."""

    # The reference keeps the map inside the game config and names map files `@file://...`.
    reference_names: ClassVar[dict[str, str | Alias]] = {
        "game.map": Alias("map", convert=_map_from_uri, replace=True),
        "game.map_builder": Alias("map", convert=_map_from_uri, replace=True),
    }

    name: str = Field("custom", description="The preset's name (policies and stats record it).")
    description: str = Field("", description="What the environment teaches (`metta env list`).")
    game: GameConfig = Field(default_factory=GameConfig, description="The rules.")
    map: MapConfig = Field(description="The map builder of each episode's map (its `builder` names it).")
    trainer: dict[str, Any] = Field(
        default_factory=dict,
        description="TrainerConfig settings that make this env learn (total_agent_steps, ent_coef, ...): "
        "`metta train` applies them over the trainer preset; any other source still wins.",
    )
    agent: dict[str, Any] = Field(
        default_factory=dict,
        description="AgentConfig settings that make this env learn (local_view, ...): `metta train` "
        "applies them over the agent preset; any other source still wins.",
    )
    map_pool_size: int = Field(
        100,
        ge=0,
        description="Episodes draw their map from this many maps built (once, lazily) from the seeded "
        "builder; 0 builds a fresh map for every episode. Keeps resets cheap when building is slow.",
    )

    @model_validator(mode="after")
    def _agents_match(self) -> EnvConfig:
        count = expected_agents(self.map)
        if count is not None and count != self.game.num_agents:
            raise ValueError(f"the map places {count} agents but game.num_agents is {self.game.num_agents}")
        return self


def expected_agents(map_config) -> int | None:
    """Agents a map config places, when its fields say (None for ascii, template and scene maps,
    which are checked when built)."""
    if map_config.builder in ("ascii", "template", "scene"):
        return None
    agents = map_config.agents
    count = sum(agents.values()) if isinstance(agents, dict) else agents
    if count is None:
        return None
    rooms = getattr(map_config, "rows", 1) * getattr(map_config, "columns", 1)
    return count + getattr(map_config, "room_agents", 0) * rooms


@dataclass(frozen=True)
class EnvPresetInfo:
    """One row of `metta env list`."""

    name: str
    agents: int
    width: int | None
    height: int | None
    description: str
    path: Path


def load_env_config(name_or_path: str, overrides: list[str] | tuple[str, ...] = ()) -> EnvConfig:
    """Load a shipped preset by name (`navigation`) or any YAML file, then apply `key=value`
    overrides (paths relative to the env config: `game.max_steps=200`, `map.width=30`)."""
    from metta_core.config.loader import Layer, apply_overrides, describe_validation_error, merge
    from metta_core.config.presets import load_preset, preset_path

    stem = name_or_path.removeprefix("mettagrid/")
    data = load_preset("env", stem)
    base = Layer()
    label = f"env preset {preset_path('env', stem)}"
    base.update(data, label)
    if "name" not in data:
        base.set(("name",), Path(stem).stem, label)
    merged: dict = {}
    merge(merged, base.data)
    sources = apply_overrides(merged, list(overrides), EnvConfig)
    from pydantic import ValidationError

    try:
        return EnvConfig.model_validate(merged)
    except ValidationError as err:
        raise ConfigError(describe_validation_error(err, {**base.sources, **sources})) from None


def list_env_presets() -> list[EnvPresetInfo]:
    """Every shipped env preset: name, agents, map size (when the builder has one), description."""
    from metta_core.config.presets import PRESETS_DIR, preset_names

    rows = []
    for name in preset_names("env"):
        config = load_env_config(name)
        rows.append(
            EnvPresetInfo(
                name=name,
                agents=config.game.num_agents,
                width=getattr(config.map, "width", None),
                height=getattr(config.map, "height", None),
                description=config.description,
                path=PRESETS_DIR / "env" / f"{name}.yaml",
            )
        )
    return rows
