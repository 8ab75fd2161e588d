"""`metta config`: show resolved settings, validate files, print JSON schemas."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from metta_cli.common import OverridesArgument
from metta_cli.tables import print_json

app = typer.Typer(no_args_is_help=True)


def _complete_schema(incomplete: str) -> list[str]:
    from metta_core.config.registry import SCHEMAS

    return [name for name in SCHEMAS if name.startswith(incomplete)]


SchemaOption = Annotated[
    str | None,
    typer.Option(
        "--schema",
        help="Schema of the file (guessed from its folder or keys).",
        autocompletion=_complete_schema,
    ),
]


@app.command("show")
def show(
    target: Annotated[
        str,
        typer.Argument(help="A command (train, sim, ...) or a YAML file.", autocompletion=_complete_schema),
    ],
    overrides: OverridesArgument = None,
    schema: SchemaOption = None,
) -> None:
    """Print the fully resolved configuration as YAML."""
    from metta_core.config.inspect import show as show_config

    typer.echo(show_config(target, overrides or [], schema), nl=False)


@app.command("validate")
def validate(
    files: Annotated[list[Path], typer.Argument(help="YAML files to check.")],
    schema: SchemaOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one result per file as JSON.")] = False,
) -> None:
    """Check YAML files against their schemas; every fault is reported, exit code 2 if any."""
    from metta_core.config.inspect import validate_file
    from metta_core.errors import ConfigError

    problems: list[str] = []
    results = []
    for file in files:
        try:
            name, _ = validate_file(file, schema)
            results.append({"file": str(file), "schema": name, "valid": True, "problems": []})
            if not as_json:
                typer.echo(f"{file}: valid {name} config")
        except ConfigError as err:
            found = [p if str(file) in p else f"{file}: {p}" for p in err.problems]
            results.append({"file": str(file), "schema": schema, "valid": False, "problems": found})
            problems.extend(found)
    if as_json:
        print_json(results)
        if problems:
            raise typer.Exit(2)
        return
    if problems:
        raise ConfigError(problems)


@app.command("schema")
def schema(
    name: Annotated[
        str, typer.Argument(help="train, sim, env, agent, trainer, ...", autocompletion=_complete_schema)
    ],
) -> None:
    """Print the JSON schema of a command's settings or of a section (for editors)."""
    from metta_core.config.inspect import json_schema

    typer.echo(json_schema(name))
