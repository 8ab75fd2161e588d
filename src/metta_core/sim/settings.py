"""Settings of evaluation: one simulation, a suite of them (shipped YAML), and `metta sim`.

A suite file under `presets/sim/<name>.yaml` is a `SuiteConfig`; its simulations name an env preset
plus `key=value` overrides of it, fixed seeds, episode counts and the two scores a raw score is
normalised between: `normalized = (score - random_score) / (reference_score - random_score)`.
This module only validates; running lives in `metta_core.sim`.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, model_validator

from metta_core.config.base import CommandSettings, Device, Section, Seed
from metta_core.config.reference_names import Alias


class SimulationConfig(Section):
    """One simulation: a policy (and optional opponents) on one env config for K episodes."""

    name: str = Field(description="Unique within its suite, e.g. 'corridors'.")
    env: str = Field(description="Env preset name or YAML path.")
    env_overrides: list[str] = Field(
        default_factory=list, description="key=value overrides of the env preset."
    )
    map: dict[str, Any] | None = Field(
        None, description="A whole map config replacing the preset's map (applied before env_overrides)."
    )
    episodes: int = Field(8, ge=1, description="Episodes to run.")
    num_envs: int = Field(4, ge=1, description="Environments stepped together (batched in one VecEnv).")
    seed: Seed = Field(0, description="Seed of the VecEnv: fixes maps and the episode seeds.")
    opponents: list[str] = Field(
        default_factory=list,
        description="Policy URIs sharing the env: agents are split in equal blocks, the evaluated policy first.",
    )
    random_score: float | None = Field(None, description="Measured score of the `random` policy.")
    reference_score: float | None = Field(None, description="Score a competent policy reaches.")

    @model_validator(mode="after")
    def _reference_above_random(self) -> SimulationConfig:
        known = self.random_score is not None and self.reference_score is not None
        if known and self.reference_score <= self.random_score:
            raise ValueError("reference_score must be above random_score")
        return self

    def env_override_list(self) -> list[str]:
        """The overrides to hand `load_env_config`: the map swap first, then `env_overrides`."""
        swap = ["~map", "map=" + json.dumps(self.map)] if self.map is not None else []
        return [*swap, *self.env_overrides]


class SuiteConfig(Section):
    """A named set of simulations (or of other suites, via `include`)."""

    name: str = Field(description="The suite's name (its file stem when shipped).")
    description: str = Field("", description="What the suite measures.")
    simulations: list[SimulationConfig] = Field(default_factory=list, description="The simulations it runs.")
    include: list[str] = Field(
        default_factory=list, description="Other suites whose simulations join this one."
    )
    pass_score: float | None = Field(
        None, description="The suite is passed when the mean normalized score reaches this value."
    )

    @model_validator(mode="after")
    def _unique_names(self) -> SuiteConfig:
        names = [sim.name for sim in self.simulations]
        duplicated = sorted({n for n in names if names.count(n) > 1})
        if duplicated:
            raise ValueError(f"duplicate simulation names: {', '.join(duplicated)}")
        if not self.simulations and not self.include:
            raise ValueError("a suite needs simulations or include")
        return self


class SimSettings(CommandSettings):
    """`metta sim`: which policies, which suite, where the stats and replays go."""

    # The reference's sim_job keys (tools/sim.py) and the selector names of its policy store.
    reference_names: ClassVar[dict[str, str | Alias]] = {
        "sim_job.policy_uris": "policies",
        "policy_uri": Alias("policies", convert=lambda uri: [uri]),
        "sim_job.stats_db_uri": "stats_db_uri",
        "sim_job.simulation_suite": "suite",
        "sim_job.simulation_suite.name": "suite",
        "sim": "suite",
        "sim_job.selector_type": "selector",
        "selector_type": "selector",
        "sim_job.metric": "metric",
        "sim_job.replay_dir": "replay_dir",
        "sim_job.device": "device",
        "sim_job.seed": "seed",
    }

    policies: list[str] = Field(default_factory=list, description="Policy URIs, or `random` / `simple`.")
    suite: str = Field("navigation", description="Suite preset name (presets/sim/) or YAML path.")
    selector: Literal["latest", "top", "all"] = Field(
        "latest", description="Which checkpoints of each policy URI: the latest, the top_k by metric, or all."
    )
    metric: str = Field("score", description="Metadata metric that `--selector top` ranks checkpoints by.")
    top_k: int = Field(1, ge=1, description="Checkpoints taken by `top` (and the most taken by `all`).")
    episodes: int | None = Field(None, ge=1, description="Override every simulation's episode count.")
    num_envs: int | None = Field(None, ge=1, description="Override every simulation's batch size.")
    stats_db_uri: str | None = Field(None, description="Export the merged stats DB here (path or s3://).")
    replay_dir: Path | None = Field(None, description="Write one replay per simulation and policy here.")
    device: Device = Field("cpu", description="Torch device of trained policies.")
    seed: Seed = Field(0, description="Seed of the actors' random choices.")
