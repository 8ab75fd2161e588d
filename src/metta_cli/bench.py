"""`metta bench`: benchmarks that print one `name=value` line per figure (never run as tests)."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(no_args_is_help=True)

#: subcommand -> module under metta_cli holding its `command`
BENCHMARKS = {
    "env": ("bench_env", "Environment agent-steps/s with random valid actions."),
    "maps": ("bench_maps", "Milliseconds per map for each map builder."),
    "train": ("bench_train", "End-to-end training agent-steps/s (rollout + PPO update)."),
}

for _name, (_module, _help) in BENCHMARKS.items():
    app.command(_name, help=_help)(importlib.import_module(f"metta_cli.{_module}").command)
