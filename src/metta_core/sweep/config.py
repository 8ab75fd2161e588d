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
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from metta_core.config.base import CommandSettings, Device, Section, Seed
from metta_core.config.loader import validate_mapping
from metta_core.config.overrides import parse_overrides, parse_value
from metta_core.config.presets import PRESETS_DIR, preset_names, read_yaml_file, reference_config
from metta_core.config.reference_names import DROP, Alias, ignored
from metta_core.errors import ConfigError
from metta_core.sweep.protein_specs import flatten_parameters, our_spec

_DOTTED = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*)+$")

Distribution = Literal["uniform", "log_uniform", "int", "categorical"]


class SweepParameter(Section):
    """One searched setting. `mean` is the centre (the first trial's value); `scale` is how far the
    start-up trials stray from it, as a fraction of the range (of log(range) for log_uniform).
    Metta/Protein specs (`log_normal`, `uniform_pow2`, `scale: auto`, ...) are read as ours."""

    @model_validator(mode="before")
    @classmethod
    def _protein_spec(cls, data: Any) -> Any:
        return our_spec(data)

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


def _our_setting_paths(parameters: dict[str, Any]) -> dict[str, Any]:
    """Parameters named the reference's way (`trainer.optimizer.learning_rate`) under our names."""
    from metta_core.config.reference_names import resolve_path
    from metta_core.rl.settings import TrainSettings  # pydantic models only, no torch

    renamed = {}
    for path, spec in parameters.items():
        ours, _ = resolve_path(TrainSettings, tuple(path.split(".")))
        renamed[".".join(ours) if ours else path] = spec
    return renamed


def _maximize_only(goal: Any) -> Any:
    if goal not in ("maximize", "max"):
        raise ValueError(f"goal {goal!r}: metta sweeps maximise their metric (negate it to minimise)")
    return DROP


def _method(method: Any) -> Any:
    samplers = {"bayes": "gp", "bayesian": "gp", "random": "random", "tpe": "tpe", "gp": "gp"}
    if method not in samplers:
        raise ValueError(f"method {method!r}: expected one of {', '.join(samplers)}")
    return samplers[method]


class SweepConfig(Section):
    """A hyperparameter sweep over `metta train` settings (or a Metta/Protein sweep file)."""

    # A Protein sweep file's top-level keys (configs/sweep/*.yaml of the reference).
    reference_names: ClassVar[dict[str, str | Alias]] = {
        "goal": Alias(None, convert=_maximize_only),
        "method": Alias("sampler", convert=_method),
        "protein.num_random_samples": "startup_trials",
        **{
            f"protein.{key}": ignored("Optuna's sampler has no such setting; it is not used")
            for key in (
                "max_suggestion_cost",
                "resample_frequency",
                "global_search_scale",
                "random_suggestions",
                "suggestions_per_pareto",
                "seed_with_search_center",
                "expansion_rate",
            )
        },
    }

    @model_validator(mode="before")
    @classmethod
    def _nested_parameters(cls, data: Any) -> Any:
        if isinstance(data, dict) and isinstance(data.get("parameters"), dict):
            data = {**data, "parameters": _our_setting_paths(flatten_parameters(data["parameters"]))}
        return data

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
        return reference_config(candidate) or candidate
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


class SweepJobSettings(CommandSettings):
    """The reference's `sweep_init` / `sweep_eval` arguments (`sweep_name=... run=...`), for the
    hidden `metta sweep_init` / `metta sweep_eval` commands; `metta sweep init/eval` are canonical."""

    reference_names: ClassVar[dict[str, str | Alias]] = {
        "sweep_name": "sweep",
        "sweep_params": "params",
        "sweep_run": "run",
        "sweep_dir": ignored("sweeps live in runs/<sweep_name>/ (set runs_dir=...)"),
    }

    sweep: str | None = Field(None, description="The sweep's name.")
    params: str | None = Field(None, description="Sweep config: a YAML path or a shipped preset.")
    run: str | None = Field(None, description="sweep_eval: the run to evaluate.")
    metric: str | None = Field(None, description="sweep_eval: the metric to record (default: the sweep's).")
    storage: str | None = Field(
        None, description="Optuna storage URL; default: sqlite in the sweep's directory."
    )
    runs_dir: Path = Field(Path("runs"), description="Where sweeps and trial runs live.")

    def sweep_of_run(self) -> str:
        """The sweep named, else the one a trial run's name tells (`<sweep>.t<N>`)."""
        if self.sweep:
            return self.sweep
        if self.run and re.fullmatch(r".+\.t\d+", self.run):
            return self.run.rsplit(".t", 1)[0]
        raise ConfigError("sweep_name: required (the run's name does not tell its sweep)")
