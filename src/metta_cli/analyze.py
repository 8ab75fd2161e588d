"""`metta analyze`: options -> `metta_core.report.analyze.analyze` -> where the report was written.

Thin: matplotlib and duckdb are imported inside the command only.
"""

from __future__ import annotations

from typing import Annotated

import typer

from metta_cli.common import ConfigFileOption, OverridesArgument, console, resolve_settings
from metta_cli.tables import print_json


def command(
    ctx: typer.Context,
    overrides: OverridesArgument = None,
    policy: Annotated[
        str | None, typer.Option("--policy", "-p", help="Policy URI, run directory, run name or policy name.")
    ] = None,
    run: Annotated[
        str | None,
        typer.Option(
            "--run", help="A run directory: draw its training curves (reward, hearts, losses, speed)."
        ),
    ] = None,
    stats_db_uri: Annotated[
        str | None,
        typer.Option(
            "--stats-db-uri",
            help="Stats database written by `metta sim` (path or s3://) [default: eval_stats.duckdb].",
        ),
    ] = None,
    output_path: Annotated[
        str | None,
        typer.Option(
            "--output-path", "--output", "-o", help="Directory or s3:// prefix (default analysis/<policy>)."
        ),
    ] = None,
    selector: Annotated[
        str | None, typer.Option("--selector", help="Checkpoint analysed: latest (default) or top.")
    ] = None,
    metric: Annotated[
        str | None, typer.Option("--metric", help="Metric that `--selector top` ranks by [default: reward].")
    ] = None,
    pdf: Annotated[
        bool | None, typer.Option("--pdf/--no-pdf", help="Also write analysis.pdf [default: pdf].")
    ] = None,
    config: ConfigFileOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print where the report went (and its data) as JSON.")
    ] = False,
) -> None:
    """Write a self-contained HTML report (plots embedded), JSON and PDF of a policy's evaluations:
    scores with confidence intervals, metric distributions, behaviour, learning progress."""
    from metta_core.report.analyze import analyze, default_output
    from metta_core.report.settings import AnalyzeSettings

    settings = resolve_settings(AnalyzeSettings, ctx, config=config, overrides=overrides)
    if settings.run is not None:
        _training_curves(settings.run, settings.output_path)
        if settings.policy is None:
            return
    if settings.policy is None:
        from metta_core.errors import ConfigError

        raise ConfigError("--policy: give the policy to analyse (or --run for a run's training curves)")
    result = analyze(
        settings.policy,
        settings.stats_db_uri,
        settings.output_path or default_output(settings.policy),
        settings.selector,
        settings.metric,
        settings.pdf,
    )
    if as_json:
        print_json(
            {
                "policy": result.policy,
                "checkpoints": result.checkpoints,
                "html": result.html_uri,
                "json": result.json_uri,
                "pdf": result.pdf_uri,
                "data": result.data,
            }
        )
        return
    console.print(f"analysed {result.policy} ({len(result.checkpoints)} checkpoint(s) in the database)")
    for uri in (result.html_uri, result.json_uri, result.pdf_uri):
        if uri:
            console.print(f"  wrote {uri}", highlight=False, soft_wrap=True)


def _training_curves(run: str, output_path: str | None) -> None:
    from pathlib import Path

    from metta_core.report.training_curves import draw_training_curves

    out = Path(output_path or f"analysis/{Path(run).name}") / "training_curves.png"
    summary = draw_training_curves(Path(run), out)
    for name, value in summary.items():
        console.print(f"{name}={value:.4g}", highlight=False)
    console.print(f"  wrote {out}", highlight=False, soft_wrap=True)
