"""`metta sweep init|run|eval|show`: hyperparameter sweeps on Optuna (logic in metta_core.sweep).

Thin: options -> one `metta_core.sweep` call -> print. Optuna, torch and matplotlib are imported
inside the commands, never at module level (`metta --help` imports this file).
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from metta_cli.common import console
from metta_cli.tables import print_json, print_table

app = typer.Typer(no_args_is_help=True, help="Hyperparameter sweeps on Optuna: init, run, eval, show.")


class WandbMode(StrEnum):
    offline = "offline"
    online = "online"


NameArgument = Annotated[
    str, typer.Argument(help="Sweep name: its directory under --runs-dir and the study name.")
]
StorageOption = Annotated[
    str | None,
    typer.Option(
        "--storage",
        help="Optuna storage URL (sqlite:///sweep.db, postgresql://...); default: sqlite in runs/<NAME>/.",
    ),
]
RunsDirOption = Annotated[Path, typer.Option("--runs-dir", help="Where sweeps and trial runs live.")]


def _complete_sweep_params(incomplete: str) -> list[str]:
    from metta_core.config.presets import preset_names

    return [name for name in preset_names("sweep") if name.startswith(incomplete)]


@app.command("init")
def init(
    name: NameArgument,
    params: Annotated[
        str | None,
        typer.Option(
            "--params",
            help="Sweep config: a YAML path or a shipped preset (fast, navigation_cost). "
            "Optional on NODE_INDEX>0 workers, which read it from the storage.",
            autocompletion=_complete_sweep_params,
        ),
    ] = None,
    storage: StorageOption = None,
    runs_dir: RunsDirOption = Path("runs"),
    wait_seconds: Annotated[
        float,
        typer.Option("--wait-seconds", help="NODE_INDEX>0: how long to wait for node 0 to create the sweep."),
    ] = 600.0,
) -> None:
    """Create the sweep's study and write runs/<NAME>/sweep.yaml and train_config_overrides.yaml.

    Idempotent: running it again changes nothing. With NODE_INDEX>0 it waits for node 0's study.
    """
    from metta_core.sweep.lifecycle import init_sweep
    from metta_core.sweep.study import check_storage_url

    if storage is not None:
        check_storage_url(storage)
    result = init_sweep(name, params, runs_dir=runs_dir, storage=storage, wait_s=wait_seconds)
    verb = "created" if result.created else "already exists"
    console.print(f"sweep {name} {verb} (storage {result.storage})", highlight=False)
    for path in result.written:
        console.print(f"wrote {path}", highlight=False)
    console.print("first suggestion: " + " ".join(result.first_overrides), highlight=False, soft_wrap=True)


@app.command("run")
def run(
    name: NameArgument,
    trials: Annotated[
        int | None,
        typer.Option("--trials", min=1, help="Trials of the whole sweep (default: the config's)."),
    ] = None,
    storage: StorageOption = None,
    runs_dir: RunsDirOption = Path("runs"),
    wandb: Annotated[
        WandbMode | None,
        typer.Option("--wandb", help="Track each trial as a wandb run grouped by the sweep name."),
    ] = None,
    wait_seconds: Annotated[
        float, typer.Option("--wait-seconds", help="How long to wait for the sweep to be created.")
    ] = 0.0,
) -> None:
    """Run trials (suggest -> metta train -> evaluate -> record) until the sweep has --trials.

    Start as many workers as you like, on one machine or many sharing --storage.
    """
    from metta_core.sweep.lifecycle import run_sweep
    from metta_core.sweep.study import check_storage_url

    if storage is not None:
        check_storage_url(storage)

    from metta_cli.progress import progress

    with progress("trials", trials) as bar:

        def report(outcome) -> None:
            if outcome.state == "complete":
                values = ", ".join(f"{v:.4g}" for v in outcome.values)
                bar.advance(f"trial {outcome.number} ({outcome.run}): {values}")
            else:
                bar.advance(f"[red]trial {outcome.number} ({outcome.run}) failed:[/red] {outcome.error}")

        outcomes = run_sweep(
            name,
            runs_dir=runs_dir,
            storage=storage,
            trials=trials,
            wandb_mode=wandb.value if wandb else None,
            wait_s=wait_seconds,
            on_trial=report,
        )
    failed = sum(outcome.state == "failed" for outcome in outcomes)
    console.print(f"this worker ran {len(outcomes)} trial(s), {failed} failed; see `metta sweep show {name}`")


@app.command("eval")
def eval_(
    run: Annotated[str, typer.Option("--run", help="The run to evaluate: a directory under --runs-dir.")],
    sweep: Annotated[str, typer.Option("--sweep", help="The sweep to record the observation in.")],
    metric: Annotated[
        str | None,
        typer.Option("--metric", help="Metric to record (default: the sweep's), e.g. navigation_score."),
    ] = None,
    storage: StorageOption = None,
    runs_dir: RunsDirOption = Path("runs"),
) -> None:
    """Evaluate a finished run's policy on the sweep's suite and record the observation."""
    from metta_core.sweep.lifecycle import eval_run

    outcome = eval_run(sweep, run, metric=metric, runs_dir=runs_dir, storage=storage)
    values = ", ".join(f"{v:.4g}" for v in outcome.values or [])
    console.print(f"recorded trial {outcome.number} ({run}) in sweep {sweep}: {values}", highlight=False)


@app.command("show")
def show(
    name: NameArgument,
    storage: StorageOption = None,
    runs_dir: RunsDirOption = Path("runs"),
    as_json: Annotated[bool, typer.Option("--json", help="Print the summary as JSON.")] = False,
) -> None:
    """Best trial, Pareto front (score vs cost), parameter importances, and a PNG plot."""
    from metta_core.sweep.report import summarise

    summary = summarise(name, runs_dir=runs_dir, storage=storage)
    objectives = summary.config.objectives
    if as_json:
        trial = lambda row: {"trial": row.number, "run": row.run, "values": row.values, "params": row.params}  # noqa: E731
        print_json(
            {
                "sweep": name,
                "objectives": objectives,
                "counts": summary.counts,
                "best": trial(summary.best) if summary.best is not None else None,
                "pareto_front": [trial(row) for row in summary.pareto_front],
                "importances": summary.importances,
                "failures": [{"trial": number, "error": error} for number, error in summary.failures],
                "plot": str(summary.plot_path) if summary.plot_path is not None else None,
            }
        )
        return
    counts = ", ".join(f"{count} {state.lower()}" for state, count in sorted(summary.counts.items()))
    console.print(f"sweep {name}: {counts or 'no trials yet'}", highlight=False)
    if summary.best is None:
        console.print("no complete trial yet")
    else:
        best = summary.best
        values = ", ".join(
            f"{objective}={v:.4g}" for objective, v in zip(objectives, best.values, strict=True)
        )
        console.print(f"best trial {best.number} ({best.run}): {values}", highlight=False)
        overrides = " ".join(f"{k}={v!r}" for k, v in sorted(best.params.items()))
        console.print(f"  {overrides}", highlight=False, soft_wrap=True)
    if summary.config.cost is not None and summary.pareto_front:
        # The last part of a setting path keeps the columns readable (learning_rate, num_envs).
        columns = ("trial", "run", *objectives, *(p.rsplit(".", 1)[-1] for p in summary.config.parameters))
        rows = [
            (row.number, row.run, *row.values, *(row.params.get(path) for path in summary.config.parameters))
            for row in summary.pareto_front
        ]
        print_table(columns, rows, title=f"Pareto front: {objectives[0]} (max) vs {objectives[1]} (min)")
    if summary.importances:
        print_table(
            ("parameter", "importance"),
            list(summary.importances.items()),
            title=f"parameter importance for {objectives[0]}",
        )
    for number, error in summary.failures:
        console.print(f"[red]trial {number} failed:[/red] {error}", highlight=False, soft_wrap=True)
    if summary.plot_path is not None:
        console.print(f"plot written to {summary.plot_path}", highlight=False)
