"""`metta analyze`: options -> `metta_core.report.analyze.analyze` -> where the report was written.

Thin: matplotlib and duckdb are imported inside the command only.
"""

from __future__ import annotations

from typing import Annotated

import typer

from metta_cli.common import console


def command(
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
        str, typer.Option("--stats-db-uri", help="Stats database written by `metta sim` (path or s3://).")
    ] = "eval_stats.duckdb",
    output_path: Annotated[
        str | None,
        typer.Option("--output-path", "-o", help="Directory or s3:// prefix (default analysis/<policy>)."),
    ] = None,
    selector: Annotated[
        str, typer.Option("--selector", help="Checkpoint analysed: latest or top.")
    ] = "latest",
    metric: Annotated[
        str, typer.Option("--metric", help="Metric that `--selector top` ranks by.")
    ] = "reward",
    pdf: Annotated[bool, typer.Option("--pdf/--no-pdf", help="Also write analysis.pdf.")] = True,
) -> None:
    """Write a self-contained HTML report (plots embedded), JSON and PDF of a policy's evaluations:
    scores with confidence intervals, metric distributions, behaviour, learning progress."""
    from metta_core.report.analyze import analyze, default_output

    if run is not None:
        _training_curves(run, output_path)
        if policy is None:
            return
    if policy is None:
        from metta_core.errors import ConfigError

        raise ConfigError("--policy: give the policy to analyse (or --run for a run's training curves)")
    result = analyze(policy, stats_db_uri, output_path or default_output(policy), selector, metric, pdf)
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
