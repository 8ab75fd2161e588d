"""`metta env`: list the shipped environment presets and show one resolved (thin: no game logic).

Heavy imports happen inside the commands; `metta --help` imports this file.
"""

from __future__ import annotations

from typing import Annotated

import typer

from metta_cli.common import complete_preset
from metta_cli.tables import print_json, print_table

app = typer.Typer(no_args_is_help=True, help="List and inspect environment presets.")


@app.command("list")
def list_presets(
    as_json: Annotated[bool, typer.Option("--json", help="Print the presets as JSON.")] = False,
) -> None:
    """Every shipped env preset: name, agents per env, map size, what it teaches."""
    from metta_core.env.config import list_env_presets

    presets = list_env_presets()
    if as_json:
        print_json(
            [
                {
                    "name": r.name,
                    "agents": r.agents,
                    "width": r.width,
                    "height": r.height,
                    "description": r.description,
                }
                for r in presets
            ]
        )
        return
    rows = [
        (r.name, r.agents, f"{r.width}x{r.height}" if r.width and r.height else "-", r.description)
        for r in presets
    ]
    print_table(("name", "agents", "map", "what it teaches"), rows)


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
