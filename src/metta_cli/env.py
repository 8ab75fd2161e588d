"""`metta env` (not built yet: its issue fills this module in)."""

import typer

from metta_cli.common import not_built

app = typer.Typer(no_args_is_help=False)


@app.callback(invoke_without_command=True)
def main() -> None:
    """(not built yet)"""
    not_built("env")
