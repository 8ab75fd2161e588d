"""`metta bench train`: end-to-end training agent-steps/s (rollout + PPO update), one figure a line.

Options -> TrainSettings (the same presets and overrides as `metta train`) -> benchmark_training.
Writes nothing to disk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from metta_cli.common import ConfigFileOption, OverridesArgument, complete_preset, console, resolve_settings


def command(
    ctx: typer.Context,
    overrides: OverridesArgument = None,
    env: Annotated[
        str, typer.Option("--env", "-e", help="Environment preset.", autocompletion=complete_preset("env"))
    ] = "arena",
    agent: Annotated[
        str, typer.Option("--agent", help="Agent preset.", autocompletion=complete_preset("agent"))
    ] = "lstm256",
    epochs: Annotated[
        int, typer.Option("--epochs", min=1, help="Timed epochs (after one warm-up epoch).")
    ] = 3,
    device: Annotated[str | None, typer.Option("--device", help="cpu, cuda or auto.")] = None,
    config: ConfigFileOption = None,
) -> None:
    """Print agent_steps_per_s=<n> (rollout + update) and the figures behind it."""
    from metta_core.rl.bench import benchmark_training
    from metta_core.rl.settings import TrainSettings

    # Bench runs write nothing; a data_dir from the environment must not matter to them.
    settings = resolve_settings(
        TrainSettings,
        ctx,
        config=config,
        overrides=overrides,
        fixed={"data_dir": (Path("runs"), "--data-dir")},
    )
    figures = benchmark_training(settings, epochs=epochs)
    console.print(f"env={settings.env.name}", highlight=False)
    console.print(f"agent={settings.agent.name}", highlight=False)
    for name, value in figures.items():
        # Rates and counts print as whole numbers, durations (`*_s_per_epoch`) with 3 decimals.
        text = f"{value:.3f}" if name.endswith("_s_per_epoch") else f"{value:.0f}"
        console.print(f"{name}={text}", highlight=False)
