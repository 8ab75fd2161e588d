"""`metta dashboard`: options -> `metta_core.report.dashboard.dashboard` -> where it was written.

Thin: duckdb is imported inside the command only.
"""

from __future__ import annotations

from typing import Annotated

import typer

from metta_cli.common import console


def _split(text: str | None, option: str) -> list[str] | None:
    """A comma-separated option's entries; given but empty (`''`, `',,,'`) is an error, not "all"."""
    if text is None:
        return None
    parts = [part.strip() for part in text.split(",") if part.strip()]
    if not parts:
        from metta_core.errors import ConfigError

        raise ConfigError(f"{option} {text!r}: names nothing (give comma-separated names, or leave it out)")
    return parts


def command(
    policies: Annotated[
        str | None,
        typer.Option("--policies", help="Comma-separated policies (names, URIs, runs); default all."),
    ] = None,
    metrics: Annotated[str, typer.Option("--metrics", help="Comma-separated metrics.")] = "reward",
    stats_db_uri: Annotated[
        str, typer.Option("--stats-db-uri", help="Stats database (path or s3://).")
    ] = "eval_stats.duckdb",
    output_path: Annotated[
        str, typer.Option("--output-path", "-o", help="Dashboard JSON: a path or s3://bucket/key.json.")
    ] = "dashboard.json",
) -> None:
    """Write the dashboard JSON (policies x evals matrix with metadata) and an HTML heatmap next to it."""
    from metta_core.report.dashboard import dashboard

    result = dashboard(
        stats_db_uri, output_path, _split(policies, "--policies"), _split(metrics, "--metrics")
    )
    data = result.data
    console.print(f"dashboard of {len(data['policies'])} policies x {len(data['evals'])} evals")
    console.print(f"  wrote {result.json_uri}", highlight=False, soft_wrap=True)
    console.print(f"  wrote {result.html_uri}", highlight=False, soft_wrap=True)
