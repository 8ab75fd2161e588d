"""The sweep config: which settings to search, how, and what to maximise (a pydantic model).

A sweep YAML (`presets/sweep/*.yaml` or any file) names `metta train` settings by their dotted
paths (`trainer.learning_rate`) with a distribution, bounds and a centre; the centre is the first
trial. This module only validates and converts values; it must not import optuna or torch (the
schema is read by `metta config schema sweep` and shell completion).
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any, Literal

from pydantic import Field, field_validator, model_validator

from metta_core.config.base import Device, Section, Seed
from metta_core.config.loader import validate_mapping
from metta_core.config.overrides import parse_overrides, parse_value
from metta_core.config.presets import PRESETS_DIR, preset_names, read_yaml_file
from metta_core.errors import ConfigError

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")

Distribution = Literal["uniform", "log_uniform", "int", "categorical"]


class SweepParameter(Section):
    """One searched setting. `mean` is the centre (the first trial's value); `scale` is how far the
    start-up trials stray from it, as a fraction of the range (of log(range) for log_uniform)."""

    distribution: Distribution = Field(description="uniform, log_uniform, int or categorical.")
    min: float | None = Field(None, description="Lowest value (not for categorical).")
    max: float | None = Field(None, description="Highest value (not for categorical).")
    choices: list[Any] | None = Field(None, description="The values a categorical parameter takes.")
    mean: Any = Field(
        None,
        description="Centre of the search and the first trial's value; null: the middle of the range "
        "(the geometric middle for log_uniform, the first choice for categorical).",
    )
    scale: float = Field(
        0.25,
        gt=0,
        description="Standard deviation of start-up samples around mean, as a fraction of the range "
        "(of log(range) for log_uniform); categorical start-up samples are uniform.",
    )

    @model_validator(mode="after")
    def _bounds_fit_distribution(self) -> SweepParameter:
        if self.distribution == "categorical":
            if not self.choices:
                raise ValueError("a categorical parameter needs a non-empty `choices` list")
            if self.min is not None or self.max is not None:
                raise ValueError("a categorical parameter takes `choices`, not min/max")
            if self.mean is not None and self.mean not in self.choices:
                raise ValueError(f"mean {self.mean!r} is not one of the choices {self.choices!r}")
            return self
        if self.choices is not None:
            raise ValueError(f"`choices` is only for categorical parameters, not {self.distribution}")
        if self.min is None or self.max is None:
            raise ValueError(f"a {self.distribution} parameter needs both min and max")
        if not self.min < self.max:
            raise ValueError(f"min ({self.min}) must be below max ({self.max})")
        if self.distribution == "log_uniform" and self.min <= 0:
            raise ValueError(f"log_uniform needs min > 0, got {self.min}")
        if self.distribution == "int" and (self.min != int(self.min) or self.max != int(self.max)):
            raise ValueError(f"int bounds must be whole numbers, got {self.min}..{self.max}")
        if self.mean is not None:
            if isinstance(self.mean, bool) or not isinstance(self.mean, int | float):
                raise ValueError(f"mean must be a number, got {self.mean!r}")
            if not self.min <= self.mean <= self.max:
                raise ValueError(f"mean ({self.mean}) must lie within min..max ({self.min}..{self.max})")
        return self

    def centre(self) -> Any:
        """The first trial's value of this parameter."""
        if self.distribution == "categorical":
            return self.mean if self.mean is not None else self.choices[0]
        if self.mean is not None:
            return int(round(self.mean)) if self.distribution == "int" else float(self.mean)
        if self.distribution == "log_uniform":
            return math.sqrt(self.min * self.max)
        if self.distribution == "int":
            return int(round((self.min + self.max) / 2))
        return (self.min + self.max) / 2


class SweepConfig(Section):
    """A hyperparameter sweep over `metta train` settings."""

    parameters: dict[str, SweepParameter] = Field(
        min_length=1, description="Searched settings, by dotted setting path (as in a key=value override)."
    )
    metric: str = Field(
        "score",
        description="What to maximise: score (the suite's mean normalised score), <suite>_score (the "
        "same), or one simulation's name (its normalised score).",
    )
    cost: Literal["wall_time", "agent_steps"] | None = Field(
        None, description="A cost to minimise alongside the metric (a Pareto front); null: score only."
    )
    trials: int = Field(
        20, gt=0, description="Trials in the whole sweep, over all workers (failed ones included)."
    )
    sampler: Literal["gp", "tpe", "random"] = Field(
        "gp", description="gp: Gaussian-process Bayesian optimisation (optuna's GPSampler); tpe; random."
    )
    startup_trials: int = Field(
        4, ge=1, description="Trials sampled around the centre before the sampler's model takes over."
    )
    seed: Seed = Field(0, description="Seed of the sampler.")
    suite: str = Field("navigation", description="The evaluation suite each trial's policy is scored on.")
    train_overrides: list[str] = Field(
        default_factory=list,
        description="Overrides every trial's `metta train` gets before the suggested ones.",
    )
    eval_episodes: int | None = Field(
        None, gt=0, description="Episodes per simulation of the evaluation; null: the suite's own number."
    )
    device: Device = Field("cpu", description="Device of the evaluation after training.")
    storage: str | None = Field(
        None,
        description="Optuna storage URL (sqlite:///..., postgresql://...); null: sqlite in the sweep's directory.",
    )

    @field_validator("parameters")
    @classmethod
    def _parameters_are_setting_paths(cls, value: dict[str, SweepParameter]) -> dict[str, SweepParameter]:
        for path in value:
            if not _DOTTED.match(path):
                raise ValueError(
                    f"parameter '{path}': expected a dotted setting path like trainer.learning_rate"
                )
        return value

    @field_validator("train_overrides")
    @classmethod
    def _overrides_parse(cls, value: list[str]) -> list[str]:
        try:
            parse_overrides(value)
        except ConfigError as err:
            raise ValueError("; ".join(err.problems)) from None
        return value

    @property
    def objectives(self) -> list[str]:
        return [self.metric] if self.cost is None else [self.metric, self.cost]

    def search_space_dict(self) -> dict[str, Any]:
        """The config without where it is stored: two workers agree on a sweep if these match."""
        return self.model_dump(mode="json", exclude={"storage"})


def sweep_config_path(name_or_path: str | Path) -> Path:
    """A shipped sweep preset by name (`fast`), or a path to a YAML file."""
    candidate = Path(name_or_path)
    if candidate.suffix in (".yaml", ".yml") or candidate.exists():
        return candidate
    path = PRESETS_DIR / "sweep" / f"{name_or_path}.yaml"
    if not path.exists():
        known = ", ".join(preset_names("sweep")) or "none shipped"
        raise ConfigError(f"sweep params '{name_or_path}': no such file or preset (known: {known})")
    return path


def load_sweep_config(name_or_path: str | Path) -> SweepConfig:
    """Read and validate a sweep YAML; every fault is reported with the parameter it concerns."""
    path = sweep_config_path(name_or_path)
    return validate_mapping(SweepConfig, read_yaml_file(path, "sweep params"), f"sweep params {path}")


def value_to_override(path: str, value: Any) -> str:
    """`trainer.learning_rate`, 0.0003 -> `trainer.learning_rate=0.0003` (a value that reads back)."""
    if isinstance(value, float):
        text = repr(value)
    elif isinstance(value, str):
        # Quote strings that would read back as something else (`true`, `1e-3`, ` padded`).
        text = value if value and parse_value(value) == value else repr(value)
    elif isinstance(value, bool):
        text = "true" if value else "false"
    else:
        text = str(value)
    return f"{path}={text}"


def nested_overrides(params: dict[str, Any]) -> dict[str, Any]:
    """{'trainer.learning_rate': 3e-4} -> {'trainer': {'learning_rate': 3e-4}} (a `--config` file)."""
    nested: dict[str, Any] = {}
    for path, value in sorted(params.items()):
        node = nested
        *parents, leaf = path.split(".")
        for key in parents:
            node = node.setdefault(key, {})
        node[leaf] = value
    return nested
