"""`metta train`: options -> TrainSettings -> `metta_core.rl.trainer.train` -> a progress display.

Works the same under torchrun (`torchrun --nproc_per_node=N -m metta_cli train ...`); only rank 0
prints. Heavy imports (torch) happen inside the command, never at module import.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from typing import Annotated, Any

import typer

from metta_cli.common import (
    ConfigFileOption,
    EnvOption,
    OverridesArgument,
    complete_preset,
    console,
    err_console,
    resolve_settings,
)
from metta_cli.tables import print_json


class ProgressDisplay:
    """A live table on a terminal; plain lines every few seconds otherwise (logs, CI, pipes).
    Progress goes to stderr: stdout holds only the result, for scripts."""

    def __init__(self, interval_s: float):
        self.interval_s = interval_s
        self.live = None
        self.last_line = 0.0
        if err_console.is_terminal:
            from rich.live import Live

            self.live = Live(console=err_console, refresh_per_second=4, transient=False)
            self.live.start()

    def __call__(self, progress: dict[str, Any]) -> None:
        if self.live is not None:
            self.live.update(self._table(progress))
            return
        now = time.monotonic()
        if (
            now - self.last_line >= self.interval_s
            or progress["agent_steps"] >= progress["total_agent_steps"]
        ):
            from metta_core.rl.session import format_progress

            self.last_line = now
            err_console.print(format_progress(progress), highlight=False, soft_wrap=True)

    def _table(self, progress: dict[str, Any]):
        from rich.table import Table

        table = Table(title=f"metta train - epoch {progress['epoch']}", show_header=False, min_width=50)
        done, total = progress["agent_steps"], progress["total_agent_steps"]
        table.add_row("agent steps", f"{done:,} / {total:,} ({100 * done / total:.1f}%)")
        table.add_row("agent steps/s", f"{progress.get('agent_steps_per_s', 0):,.0f}")
        table.add_row("wall time", f"{progress['wall_time_s']:.0f} s")
        for key in (
            "episode_reward",
            "episode_hearts",
            "policy_loss",
            "value_loss",
            "entropy",
            "approx_kl",
            "explained_variance",
            "learning_rate",
        ):
            if key in progress:
                table.add_row(key.replace("_", " "), f"{progress[key]:.4g}")
        return table

    def close(self) -> None:
        if self.live is not None:
            self.live.stop()


def command(
    ctx: typer.Context,
    overrides: OverridesArgument = None,
    env: EnvOption = None,
    agent: Annotated[
        str | None,
        typer.Option(
            "--agent", help="Agent preset (fast, large, lstm256).", autocompletion=complete_preset("agent")
        ),
    ] = None,
    trainer: Annotated[
        str | None,
        typer.Option("--trainer", help="Trainer preset.", autocompletion=complete_preset("trainer")),
    ] = None,
    run: Annotated[
        str | None, typer.Option("--run", "-r", help="Run name: the directory runs/<run>/.")
    ] = None,
    device: Annotated[str | None, typer.Option("--device", help="cpu, cuda, cuda:N or auto.")] = None,
    total_steps: Annotated[
        int | None, typer.Option("--total-steps", help="Total agent steps to train for.")
    ] = None,
    seed: Annotated[int | None, typer.Option("--seed", help="Seed of envs, network and sampling.")] = None,
    resume: Annotated[
        bool | None,
        typer.Option(
            "--resume/--no-resume", help="Continue from the latest checkpoint (of --run, or the newest run)."
        ),
    ] = None,
    wandb: Annotated[
        str | None, typer.Option("--wandb", help="Weights & Biases: disabled, offline or online.")
    ] = None,
    data_dir: Annotated[
        Path | None, typer.Option("--data-dir", help="Where run directories go (default runs/).")
    ] = None,
    config: ConfigFileOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print only the result as JSON on stdout.")] = False,
) -> None:
    """Train a policy with PPO; checkpoints, stats and logs go to runs/<run>/.

    Examples: `metta train --env navigation`, `metta train --run nav1 --total-steps 2000000
    trainer.learning_rate=3e-4`, `torchrun --nproc_per_node=2 -m metta_cli train --run ddp1`.
    """
    from metta_core.rl.settings import TrainSettings
    from metta_core.rl.trainer import train

    settings = resolve_settings(
        TrainSettings,
        ctx,
        config=config,
        overrides=overrides,
        paths={"total_steps": "trainer.total_agent_steps", "wandb": "wandb.mode"},
    )
    is_writer = int(os.environ.get("RANK", 0)) == 0
    display = ProgressDisplay(settings.trainer.log_interval_s) if is_writer else None
    try:
        result = train(settings, on_progress=display)
    finally:
        if display is not None:
            display.close()
    if not is_writer:
        return
    _print_result(result, as_json)


def _print_result(result, as_json: bool) -> None:
    """Where the run went, on stdout (as JSON alone with --json)."""
    if as_json:
        print_json(
            {
                "run_dir": str(result.run_dir),
                "checkpoint": result.checkpoint_uri,
                "agent_steps": result.agent_steps,
                "epochs": result.epochs,
                "wall_time_s": round(result.wall_time_s, 3),
                "stopped_by": result.stopped_by,
                "metrics": result.final_metrics,
            }
        )
        return
    if result.stopped_by:
        err_console.print(
            f"stopped by {result.stopped_by}; saved the run's state, continue with --resume --run {result.run_dir.name}"
        )
    console.print(f"run: {result.run_dir}", highlight=False)
    console.print(f"checkpoint: {result.checkpoint_uri}", highlight=False)
    console.print(
        f"agent_steps={result.agent_steps} epochs={result.epochs} wall_time_s={result.wall_time_s:.1f}",
        highlight=False,
    )
