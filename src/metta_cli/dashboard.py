"""`metta dashboard`: options -> `metta_core.report.dashboard.dashboard` -> where it was written.

Thin: duckdb is imported inside the command only.
"""

from __future__ import annotations

from typing import Annotated

import typer

from metta_cli.common import ConfigFileOption, OverridesArgument, console, resolve_settings
from metta_cli.tables import print_json


def command(
    ctx: typer.Context,
    overrides: OverridesArgument = None,
    policies: Annotated[
        str | None,
        typer.Option("--policies", help="Comma-separated policies (names, URIs, runs); default all."),
    ] = None,
    metrics: Annotated[
        str | None, typer.Option("--metrics", help="Comma-separated metrics [default: reward].")
    ] = None,
    stats_db_uri: Annotated[
        str | None,
        typer.Option("--stats-db-uri", help="Stats database (path or s3://) [default: eval_stats.duckdb]."),
    ] = None,
    output_path: Annotated[
        str | None,
        typer.Option(
            "--output-path",
            "--output",
            "-o",
            help="Dashboard JSON: a path or s3://bucket/key.json [default: dashboard.json].",
        ),
    ] = None,
    config: ConfigFileOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the dashboard data as JSON.")] = False,
) -> None:
    """Write the dashboard JSON (policies x evals matrix with metadata) and an HTML heatmap next to it."""
    from metta_core.report.dashboard import dashboard
    from metta_core.report.settings import DashboardSettings

    settings = resolve_settings(DashboardSettings, ctx, config=config, overrides=overrides)
    result = dashboard(settings.stats_db_uri, settings.output_path, settings.policies, settings.metrics)
    data = result.data
    if as_json:
        print_json({"json": result.json_uri, "html": result.html_uri, **data})
        return
    console.print(f"dashboard of {len(data['policies'])} policies x {len(data['evals'])} evals")
    console.print(f"  wrote {result.json_uri}", highlight=False, soft_wrap=True)
    console.print(f"  wrote {result.html_uri}", highlight=False, soft_wrap=True)
