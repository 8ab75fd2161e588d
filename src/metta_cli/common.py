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


def resolve_settings(
    model: type,
    context: typer.Context,
    *,
    config: Path | None,
    overrides: list[str] | None,
    paths: dict[str, str] | None = None,
    fixed: dict[str, tuple[Any, str]] | None = None,
):
    """Resolve `model` from every source, the explicit options read from the running command's
    `context` (its `typer.Context` parameter).

    Every option of the command whose parameter name is a field of `model` (or is mapped to a
    dotted settings path by `paths`, where the names differ) and that the user gave joins the
    highest-priority layer, labelled with its flag for error messages. `fixed` adds values the
    command sets itself, as {path: (value, label)}. Options are thus declared once, as Typer
    parameters; no command repeats them as (value, flag) pairs.
    """
    from metta_core.config.loader import resolve

    paths = paths or {}
    cli: dict[str, tuple[Any, str]] = dict(fixed or {})
    for param in context.command.params:
        if param.param_type_name != "option" or param.name is None:
            continue
        path = paths.get(param.name, param.name)
        value = context.params.get(param.name)
        if path.split(".")[0] not in model.model_fields or value is None or value in ([], ()):
            continue
        cli[path] = (list(value) if isinstance(value, tuple) else value, _flag_label(param))
    return resolve(model, overrides=overrides or [], config_file=config, cli_options=cli)


def _flag_label(param) -> str:
    """`--env`, or `--open/--no-open` for a flag pair: how the user spelled the option."""
    long = [opt for opt in param.opts if opt.startswith("--")] or list(param.opts)
    secondary = [opt for opt in param.secondary_opts if opt.startswith("--")]
    return "/".join([long[0], *secondary[:1]])


def not_built(command: str) -> None:
    """What a command that a later piece of work fills in does when run: say so, exit 2."""
    from metta_core.errors import MettaError

    raise MettaError(f"`metta {command}` is not built yet")
