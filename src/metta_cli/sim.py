"""`metta sim`: options -> SimSettings -> `metta_core.sim.run.run_sim` -> JSON or a table.

With `--json`, stdout carries only the result JSON (progress goes to stderr). Heavy imports
(numba, duckdb, torch) happen inside the command.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from metta_cli.common import (
    ConfigFileOption,
    OverridesArgument,
    complete_preset,
    console,
    err_console,
    resolve_settings,
)


def command(
    ctx: typer.Context,
    overrides: OverridesArgument = None,
    policy: Annotated[
        list[str] | None,
        typer.Option(
            "--policy",
            "-p",
            help="Policy URI (repeatable): run dir, checkpoint, s3://, wandb://, random, simple.",
        ),
    ] = None,
    suite: Annotated[
        str | None,
        typer.Option(
            "--suite", "-s", help="Suite preset or YAML file.", autocompletion=complete_preset("sim")
        ),
    ] = None,
    selector: Annotated[
        str | None, typer.Option("--selector", help="Checkpoints: latest, top or all.")
    ] = None,
    metric: Annotated[
        str | None, typer.Option("--metric", help="Metadata metric that `top` ranks by.")
    ] = None,
    top_k: Annotated[int | None, typer.Option("--top-k", help="Checkpoints taken by top/all.")] = None,
    episodes: Annotated[int | None, typer.Option("--episodes", "-n", help="Episodes per simulation.")] = None,
    num_envs: Annotated[int | None, typer.Option("--num-envs", help="Environments stepped together.")] = None,
    stats_db_uri: Annotated[
        str | None,
        typer.Option("--stats-db-uri", help="Export the stats DB here: a path or s3://bucket/key."),
    ] = None,
    replay_dir: Annotated[
        Path | None, typer.Option("--replay-dir", help="Write one replay per simulation.")
    ] = None,
    device: Annotated[str | None, typer.Option("--device", help="cpu, cuda, cuda:1 ...")] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of the actors' random choices.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print only the result JSON on stdout.")] = False,
    fail_under: Annotated[
        float | None,
        typer.Option("--fail-under", help="Exit 1 when a checkpoint's suite score is below this (CI gates)."),
    ] = None,
    config: ConfigFileOption = None,
) -> None:
    """Evaluate policies on a simulation suite; print JSON or a table; export the stats DB."""
    from metta_core.sim.run import run_sim
    from metta_core.sim.settings import SimSettings

    settings = resolve_settings(
        SimSettings, ctx, config=config, overrides=overrides, paths={"policy": "policies"}
    )

    from metta_cli.progress import progress

    with progress("simulations") as bar:

        def done(handle, key, result) -> None:
            bar.advance(
                f"[dim]{handle.name}[/dim] {key}: score {result.score:.3f} "
                f"({result.episodes} episodes, {result.agent_steps:,} agent steps)"
            )

        report = run_sim(settings, done, on_plan=bar.set_total)
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2))
    else:
        _print_tables(report)
        if settings.stats_db_uri:
            console.print(f"stats written to {settings.stats_db_uri}")
    below = [
        f"{handle.name}: suite score {result.score:.3f} is below --fail-under {fail_under}"
        for evaluation in report.evaluations
        for handle, result in evaluation.results
        if fail_under is not None and result.score < fail_under
    ]
    for line in below:
        err_console.print(line, highlight=False)
    if below:
        raise typer.Exit(1)


def _print_tables(report) -> None:
    from metta_cli.tables import print_table

    for evaluation in report.evaluations:
        for handle, result in evaluation.results:
            rows = [
                (key, sim.score, sim.score_ci95, sim.score_std, result.normalized.get(key), sim.episodes)
                for key, sim in result.simulations.items()
            ]
            columns = ("simulation", "score", "± 95% CI", "std", "normalized", "episodes")
            print_table(columns, rows, title=f"{handle.name} on {report.suite}")
            verdict = "passed" if result.passed else "not passed"
            target = "" if result.pass_score is None else f" (pass score {result.pass_score})"
            console.print(f"suite score {result.score:.3f}: {verdict}{target}\n")
