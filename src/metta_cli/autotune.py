"""`metta autotune`: measure throughput on this machine and print the fastest settings as overrides.

Thin: options -> TrainSettings -> `metta_core.sweep.autotune.autotune` -> a table and one line of
overrides. Torch and numba are imported inside the command only.
"""

from __future__ import annotations

from typing import Annotated

import typer

from metta_cli.common import (
    ConfigFileOption,
    EnvOption,
    OverridesArgument,
    console,
    err_console,
    resolve_settings,
)
from metta_cli.tables import print_json, print_table


def _ints(text: str, option: str) -> tuple[int, ...]:
    from metta_core.errors import ConfigError

    try:
        values = tuple(int(part) for part in text.split(",") if part.strip())
    except ValueError:
        raise ConfigError(
            f"{option} {text!r}: expected whole numbers separated by commas, like 1,4,16"
        ) from None
    if not values or min(values) < 1:
        raise ConfigError(f"{option} {text!r}: expected positive whole numbers, like 1,4,16")
    return values


def command(
    ctx: typer.Context,
    overrides: OverridesArgument = None,
    env: EnvOption = None,
    budget_seconds: Annotated[
        float,
        typer.Option(
            "--budget-seconds",
            "-b",
            min=0.1,
            envvar="METTA_AUTOTUNE_BUDGET_SECONDS",
            help="Measuring time in all (compilation excluded).",
        ),
    ] = 60.0,
    num_envs: Annotated[
        str, typer.Option("--num-envs", help="num_envs values to try, comma-separated.")
    ] = "1,4,16,64",
    batch_sizes: Annotated[
        str,
        typer.Option(
            "--batch-sizes", help="Policy batch sizes (agents per forward) to try, comma-separated."
        ),
    ] = "256,1024,4096",
    threads: Annotated[
        str | None,
        typer.Option("--threads", help="Env/torch thread counts to try (default: 1 and all cores)."),
    ] = None,
    config: ConfigFileOption = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the measurements and best settings as JSON.")
    ] = False,
) -> None:
    """Measure env steps/s over num_envs x threads and policy steps/s over batch sizes x threads,
    then print the fastest settings as `metta train` overrides ready to paste."""
    from metta_core.rl.settings import TrainSettings
    from metta_core.sweep.autotune import autotune

    settings = resolve_settings(TrainSettings, ctx, config=config, overrides=overrides)
    envs, batches = _ints(num_envs, "--num-envs"), _ints(batch_sizes, "--batch-sizes")
    thread_counts = _ints(threads, "--threads") if threads else None
    err_console.print(
        f"autotune on env {settings.env.name} for about {budget_seconds:g}s ...", highlight=False
    )
    from metta_cli.progress import progress

    # Each env configuration is one measurement; each policy one gives an inference and a train step.
    with progress("measurements") as bar:
        result = autotune(
            settings, budget_seconds, envs, batches, thread_counts, on_measurement=lambda m: bar.advance()
        )
    if as_json:
        print_json(
            {
                "env": result.env,
                "measurements": [
                    {"measure": m.kind, "settings": m.settings, "agent_steps_per_s": m.agent_steps_per_s}
                    for m in result.measurements
                ],
                "overrides": result.overrides,
            }
        )
        return
    rows = [
        (m.kind, " ".join(f"{key}={value}" for key, value in m.settings.items()), round(m.agent_steps_per_s))
        for m in result.measurements
    ]
    print_table(("measure", "settings", "agent steps/s"), rows, title="throughput (agent steps/s)")
    err_console.print("best settings, as overrides for metta train:")
    console.print(" ".join(result.overrides), highlight=False, soft_wrap=True)
