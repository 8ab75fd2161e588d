"""metta_cli: the thin Typer shell of the `metta` command.

Each module parses options, builds settings, calls one `metta_core` function and prints. Modules
here must import nothing heavy (torch, numba, wandb, duckdb, optuna) at the top level: `metta --help`
and shell completion import every one of them.
"""
