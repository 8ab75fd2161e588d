"""`metta env`: list the shipped environment presets and show one resolved (thin: no game logic).

Heavy imports happen inside the commands; `metta --help` imports this file.
"""

from __future__ import annotations

from typing import Annotated

import typer

from metta_cli.common import complete_preset, console

app = typer.Typer(no_args_is_help=True, help="List and inspect environment presets.")


@app.command("list")
def list_presets() -> None:
    """Every shipped env preset: name, agents per env, map size, what it teaches."""
    from rich.table import Table

    from metta_core.env.config import list_env_presets

    table = Table("name", "agents", "map", "what it teaches", box=None, pad_edge=False)
    for row in list_env_presets():
        size = f"{row.width}x{row.height}" if row.width and row.height else "-"
        table.add_row(row.name, str(row.agents), size, row.description)
    console.print(table)


@app.command("show")
def show(
    name: Annotated[
        str, typer.Argument(help="A preset name or a YAML file.", autocompletion=complete_preset("env"))
    ],
    overrides: Annotated[
        list[str] | None, typer.Argument(help="Fields as key=value, e.g. game.max_steps=200 map.width=30.")
    ] = None,
) -> None:
    """Print a preset as YAML after overrides, with its action, item and observation-layer names."""
    import yaml

    from metta_core.env.config import load_env_config
    from metta_core.env.layout import FEATURE_NAMES, GLOBAL_FEATURE_NAMES

    config = load_env_config(name, overrides or [])
    typer.echo(yaml.safe_dump(config.model_dump(mode="json", exclude_none=True), sort_keys=False).rstrip())
    typer.echo(f"# actions: {', '.join(config.game.actions.enabled())}")
    typer.echo(f"# observation layers: {', '.join(FEATURE_NAMES)}")
    typer.echo(f"# global features: {', '.join(GLOBAL_FEATURE_NAMES)}")
