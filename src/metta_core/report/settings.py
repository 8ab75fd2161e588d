"""Settings of `metta analyze` and `metta dashboard` (and the reference's `analysis.*` and
`dashboard.*` keys for them). Validation only; the reports live beside this module."""

from __future__ import annotations

from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator

from metta_core.config.base import CommandSettings
from metta_core.config.reference_names import Alias


def _names(value: Any) -> Any:
    """A comma-separated string (the options' form) as a list; given but naming nothing is an error."""
    if isinstance(value, str):
        value = [part.strip() for part in value.split(",") if part.strip()]
        if not value:
            raise ValueError("names nothing (give comma-separated names, or leave it out)")
    return value


class AnalyzeSettings(CommandSettings):
    """`metta analyze`: which policy's evaluations, or which run's training curves, and where to."""

    reference_names: ClassVar[dict[str, str | Alias]] = {
        "analysis.policy_uri": "policy",
        "analysis.policy_selector.metric": "metric",
        "analysis.policy_selector.type": "selector",
        "analysis.output_path": "output_path",
        "analysis.eval_db_uri": "stats_db_uri",
        "eval_db_uri": "stats_db_uri",
    }

    policy: str | None = Field(None, description="Policy URI, run directory, run name or policy name.")
    run: str | None = Field(None, description="A run directory: draw its training curves.")
    stats_db_uri: str = Field("eval_stats.duckdb", description="Stats database written by `metta sim`.")
    output_path: str | None = Field(
        None, description="Directory or s3:// prefix (default analysis/<policy>)."
    )
    selector: Literal["latest", "top"] = Field("latest", description="Checkpoint analysed: latest or top.")
    metric: str = Field("reward", description="Metric that `selector: top` ranks by.")
    pdf: bool = Field(True, description="Also write analysis.pdf.")


class DashboardSettings(CommandSettings):
    """`metta dashboard`: which policies and metrics, from which stats DB, written where."""

    reference_names: ClassVar[dict[str, str | Alias]] = {
        "dashboard.output_path": "output_path",
        "dashboard.policies": "policies",
        "dashboard.metrics": "metrics",
        "dashboard.eval_db_uri": "stats_db_uri",
        "eval_db_uri": "stats_db_uri",
    }

    policies: list[str] | None = Field(None, description="Policies (names, URIs, runs); null: all.")
    metrics: list[str] = Field(["reward"], description="Metrics shown.")
    stats_db_uri: str = Field("eval_stats.duckdb", description="Stats database (path or s3://).")
    output_path: str = Field("dashboard.json", description="Dashboard JSON: a path or s3://bucket/key.json.")

    _split = field_validator("policies", "metrics", mode="before")(lambda cls, value: _names(value))
