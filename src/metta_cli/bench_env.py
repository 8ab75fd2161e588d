"""`metta bench env`: environment agent-steps/s with random valid actions, as name=value lines.

Thin: options -> `metta_core.env.bench.bench_env` -> print. numba is imported inside the command.
"""

from __future__ import annotations

from typing import Annotated

import typer

from metta_cli.common import complete_preset


def command(
    env: Annotated[
        str,
        typer.Option("--env", help="Env preset name or YAML file.", autocompletion=complete_preset("env")),
    ] = "arena",
    seconds: Annotated[float, typer.Option("--seconds", min=0.1, help="Wall time to measure.")] = 10.0,
    num_envs: Annotated[
        int | None,
        typer.Option("--num-envs", min=1, help="Envs stepped per call (default: ~192 agents per thread)."),
    ] = None,
    threads: Annotated[int, typer.Option("--threads", min=1, help="numba threads across envs.")] = 1,
    windows: Annotated[
        int, typer.Option("--windows", min=1, help="Timed windows; the rate printed is their median.")
    ] = 5,
    overrides: Annotated[
        list[str] | None, typer.Argument(help="Env fields as key=value, e.g. game.max_steps=200.")
    ] = None,
) -> None:
    """Step an env with random valid actions; print agent_steps_per_s and the setup."""
    from metta_core.env.bench import bench_env

    result = bench_env(
        env, seconds=seconds, num_envs=num_envs, threads=threads, overrides=overrides or [], windows=windows
    )
    for name, value in result.figures().items():
        typer.echo(f"{name}={value}")
