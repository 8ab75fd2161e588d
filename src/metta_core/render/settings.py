"""Settings of the commands that watch agents: `metta render`, `metta replay`, `metta play`.

`WatchSettings` holds what all three share (which env, which policy, seed, how many steps); each
command adds its own fields. Validation lives here, not in the command modules.
"""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, ValidationError, model_validator

from metta_core.config.base import CommandSettings, Device, Seed
from metta_core.config.reference_names import DROP, Alias
from metta_core.env.config import EnvConfig


def map_file_agents(map_data: dict) -> int | None:
    """Agents drawn in the map file of an ascii map config (None when it cannot be read here:
    the env's own check then names the problem)."""
    from metta_core.errors import MettaError
    from metta_core.maps.grid import count_agents
    from metta_core.maps.mapfile import read_map

    if map_data.get("builder") != "ascii" or not map_data.get("uri"):
        return None
    try:
        grid, _ = read_map(str(map_data["uri"]))
    except MettaError:
        return None
    return count_agents(grid)


class WatchSettings(CommandSettings):
    """An env preset (or YAML file) and a policy to watch on it."""

    preset_sections: ClassVar[dict[str, str]] = {"env": "env"}
    default_presets: ClassVar[dict[str, str]] = {"env": "arena"}

    env: EnvConfig = Field(description="The environment: a preset name (presets/env/) or its fields.")
    policy: str = Field("simple", description="random, simple (heuristic) or a policy URI.")
    seed: Seed = Field(0, description="Seeds the env and the built-in policies: same seed, same episode.")
    steps: int | None = Field(None, ge=1, description="Steps to run; default: one episode (env max_steps).")
    device: Device = Field("cpu", description="Torch device for trained policies.")
    agents: int | None = Field(
        None, ge=1, le=4096, description="Agents in the env (sets env.game.num_agents and env.map.agents)."
    )

    @model_validator(mode="after")
    def _apply_agents(self) -> WatchSettings:
        # One option sets both counts, which the env config requires to agree.
        if self.agents is not None and self.env.game.num_agents != self.agents:
            data = self.env.model_dump()
            data["game"]["num_agents"] = self.agents
            data["map"]["agents"] = self.agents
            try:
                self.env = EnvConfig.model_validate(data)
            except ValidationError as err:
                # Some builders place agents their own way (one per room, per team): say which.
                detail = "; ".join(e["msg"].removeprefix("Value error, ") for e in err.errors())
                builder = data["map"].get("builder")
                raise ValueError(
                    f"--agents {self.agents}: the {builder} map of env {self.env.name} places agents its own way"
                    f" ({detail}); set its agent fields (env.map.*) and env.game.num_agents instead"
                ) from None
        return self

    @classmethod
    def follow_user_values(cls, data: dict, user_set) -> None:
        # A map file given on its own (the reference's `env.game.map=@file://./my_map.yaml`) brings
        # its agents: the env takes their number unless the user set one.
        env = data.get("env")
        if (
            not isinstance(env, dict)
            or not isinstance(env.get("map"), dict)
            or data.get("agents") is not None
        ):
            return
        if not user_set(("env", "map", "uri")) or user_set(("env", "game", "num_agents")):
            return
        count = map_file_agents(env["map"])
        if count:
            env.setdefault("game", {})["num_agents"] = count

    def num_steps(self) -> int:
        return self.steps if self.steps is not None else self.env.game.max_steps


def _policy_type(value: Any) -> Any:
    """The reference's `policy_type`: random, simple, or trained (then `policy_uri` names it)."""
    if value in ("random", "simple"):
        return value
    if value == "trained":
        return DROP
    raise ValueError(f"{value!r}: expected random, simple or trained (with policy_uri=...)")


#: The reference's terminal renderers and ours: its miniscope and nethack views print frames.
_RENDERERS = {
    "miniscope": "ascii",
    "nethack": "ascii",
    "human": "textual",
    "ascii": "ascii",
    "textual": "textual",
}


def _renderer_type(value: Any) -> Any:
    if value not in _RENDERERS:
        raise ValueError(f"{value!r}: expected one of {', '.join(_RENDERERS)}")
    return _RENDERERS[value]


class RenderSettings(WatchSettings):
    """`metta render`: a live view in the terminal."""

    # The reference's renderer_job keys (tools/renderer.py).
    reference_names: ClassVar[dict[str, str | Alias]] = {
        "renderer_job.policy_type": Alias("policy", convert=_policy_type),
        "policy_uri": "policy",
        "renderer_job.policy_uri": "policy",
        "renderer_job.num_agents": "agents",
        "renderer_job.sleep_time": "sleep",
        "renderer_job.max_steps": "steps",
        "renderer_job.renderer_type": Alias("renderer", convert=_renderer_type),
        "renderer_job.environment": "env",
    }

    renderer: Literal["ascii", "textual"] = Field(
        "ascii", description="ascii (plain frames) or textual (the interactive terminal viewer)."
    )
    sleep: float = Field(0.1, ge=0.0, le=60.0, description="Seconds between frames.")
