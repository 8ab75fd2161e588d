"""Sections shared by several commands: experiment tracking and the stats database."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from metta_core.config.base import Section


class WandbConfig(Section):
    """Weights & Biases tracking; off unless asked for, and never required."""

    mode: Literal["disabled", "offline", "online"] = "disabled"
    project: str = "metta"
    entity: str | None = None
    group: str | None = None
    tags: list[str] = Field(default_factory=list)
    log_checkpoints: bool = True


class StatsConfig(Section):
    """Where episode statistics go: a DuckDB file (local path or s3:// URI)."""

    db_uri: str | None = None  # None: the run directory's stats.duckdb
