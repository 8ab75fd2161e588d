"""Pieces shared by the command modules: options that repeat, settings resolution, output."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

console = Console()
err_console = Console(stderr=True)


def complete_preset(section: str):
    """Shell completion of the shipped preset names of a section (reads a directory, no imports)."""

    def complete(incomplete: str) -> list[str]:
        from metta_core.config.presets import preset_names

        return [name for name in preset_names(section) if name.startswith(incomplete)]

    return complete


EnvPresetOption = Annotated[
    str | None,
    typer.Option(
        "--env", "-e", help="Env preset or YAML file (default arena).", autocompletion=complete_preset("env")
    ),
]
#: `--env` for commands whose default comes from their settings (train, autotune).
EnvOption = Annotated[
    str | None,
    typer.Option(
        "--env", "-e", help="Environment preset or YAML file.", autocompletion=complete_preset("env")
    ),
]
AgentsOption = Annotated[int | None, typer.Option("--agents", help="Agents in the env.")]
SeedOption = Annotated[int | None, typer.Option("--seed", help="Env and built-in policy seed.")]

ConfigFileOption = Annotated[
    Path | None,
    typer.Option(
        "--config", "-c", help="A YAML file of settings (any subset of `metta config show` output)."
    ),
]
OverridesArgument = Annotated[
    list[str] | None,
    typer.Argument(
        help="Overrides as dotted key=value (trainer.learning_rate=3e-4 env=arena), +key=value, ~key.",
        show_default=False,
    ),
]


def resolve_settings(model: type, *, config: Path | None, overrides: list[str] | None, **options: Any):
    """Resolve `model` from every source. `options` maps dotted paths (with `__` for `.`) to
    (value, flag) pairs for the explicit CLI options the user gave; None values are skipped."""
    from metta_core.config.loader import resolve

    cli = {key.replace("__", "."): pair for key, pair in options.items() if pair[0] is not None}
    return resolve(model, overrides=overrides or [], config_file=config, cli_options=cli)


def not_built(command: str) -> None:
    """What a command that a later piece of work fills in does when run: say so, exit 2."""
    from metta_core.errors import MettaError

    raise MettaError(f"`metta {command}` is not built yet")
