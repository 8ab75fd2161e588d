"""`metta bench env|maps|train|learn|sim|replay|sweep`: benchmarks printed as one `name=value` line each.

Thin: options -> the measuring function in `metta_core.bench.<subject>` -> lines on stdout. Heavy
imports (numba, torch) happen inside the commands. Never run as tests.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from metta_cli.common import ConfigFileOption, EnvOption, OverridesArgument, complete_preset, resolve_settings

app = typer.Typer(no_args_is_help=True)


def _print(figures: dict) -> None:
    for name, value in figures.items():
        typer.echo(f"{name}={value}")


@app.command("env", help="Environment agent-steps/s with random valid actions.")
def env_command(
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
    from metta_core.bench.env import bench_env

    result = bench_env(
        env, seconds=seconds, num_envs=num_envs, threads=threads, overrides=overrides or [], windows=windows
    )
    _print(result.figures())


@app.command("maps", help="Milliseconds per map for each map builder.")
def maps_command(
    size: Annotated[
        int, typer.Option(help="Width and height of the maps (fixed-size builders keep theirs).")
    ] = 64,
    maps: Annotated[int, typer.Option(help="Maps built per builder (after one untimed build).")] = 10,
    builder: Annotated[list[str] | None, typer.Option(help="Only these builders (repeatable).")] = None,
) -> None:
    """Milliseconds per validated map for each builder: `<builder>_ms_per_map=<x>` lines."""
    from metta_core.bench.maps import BENCH_CONFIGS, bench_maps
    from metta_core.errors import MapError

    unknown = [name for name in builder or [] if name not in BENCH_CONFIGS]
    if unknown:
        raise MapError(f"--builder {unknown[0]}: unknown (known: {', '.join(BENCH_CONFIGS)})")
    for name in builder or list(BENCH_CONFIGS):
        figures = bench_maps(size, maps, [name])
        typer.echo(f"{name}_ms_per_map={figures[name]:.2f}")


@app.command("train", help="End-to-end training agent-steps/s (rollout + PPO update).")
def train_command(
    ctx: typer.Context,
    overrides: OverridesArgument = None,
    env: Annotated[
        str, typer.Option("--env", "-e", help="Environment preset.", autocompletion=complete_preset("env"))
    ] = "arena",
    agent: Annotated[
        str, typer.Option("--agent", help="Agent preset.", autocompletion=complete_preset("agent"))
    ] = "lstm256",
    epochs: Annotated[
        int, typer.Option("--epochs", min=1, help="Timed epochs (after one warm-up epoch).")
    ] = 3,
    device: Annotated[str | None, typer.Option("--device", help="cpu, cuda or auto.")] = None,
    config: ConfigFileOption = None,
) -> None:
    """Print agent_steps_per_s=<n> (rollout + update) and the figures behind it; writes no files."""
    from metta_core.bench.train import benchmark_training
    from metta_core.rl.settings import TrainSettings

    # Bench runs write nothing; a data_dir from the environment must not matter to them.
    settings = resolve_settings(
        TrainSettings,
        ctx,
        config=config,
        overrides=overrides,
        fixed={"data_dir": (Path("runs"), "--data-dir")},
    )
    figures = benchmark_training(settings, epochs=epochs)
    typer.echo(f"env={settings.env.name}")
    typer.echo(f"agent={settings.agent.name}")
    for name, value in figures.items():
        # Rates and counts print as whole numbers, durations (`*_s_per_epoch`) with 4 significant digits
        # (a tiny epoch takes hundredths of a second: 3 decimals were 2-4% off).
        typer.echo(f"{name}={value:.4g}" if name.endswith("_s_per_epoch") else f"{name}={value:.0f}")


@app.command("learn", help="Minutes of training until a preset passes its suite, and the curve.")
def learn_command(
    ctx: typer.Context,
    overrides: OverridesArgument = None,
    env: EnvOption = None,
    minutes: Annotated[float, typer.Option("--minutes", min=0.1, help="Training minutes at most.")] = 10.0,
    eval_every: Annotated[
        int, typer.Option("--eval-every", min=1, help="Epochs between evaluations on the suite.")
    ] = 20,
    out: Annotated[
        Path | None, typer.Option("--output", "--out", "-o", help="Learning curve PNG (default: in the run).")
    ] = None,
    config: ConfigFileOption = None,
) -> None:
    """Train with the preset's defaults; print minutes_to_pass (or the best score) and write the curve."""
    from metta_core.bench.learn import bench_learn
    from metta_core.rl.settings import TrainSettings

    settings = resolve_settings(TrainSettings, ctx, config=config, overrides=overrides)
    _print(bench_learn(settings, minutes, eval_every, out))


@app.command("sim", help="Evaluation speed of a suite, and stats DB write and merge rates.")
def sim_command(
    suite: Annotated[str, typer.Option("--suite", help="Suite preset or YAML file.")] = "navigation",
    policy: Annotated[str, typer.Option("--policy", help="random, simple or a policy URI.")] = "random",
) -> None:
    """Wall time of one suite evaluation (after a warm-up run) and stats rows written per second."""
    from metta_core.bench.sim import bench_stats_writes, bench_suite

    _print(bench_suite(suite, policy))
    _print(bench_stats_writes())


@app.command("replay", help="Size and recording speed of one episode's replay.")
def replay_command(
    env: Annotated[
        str, typer.Option("--env", help="Env preset or YAML file.", autocompletion=complete_preset("env"))
    ] = "arena",
    policy: Annotated[str, typer.Option("--policy", help="random, simple or a policy URI.")] = "simple",
    steps: Annotated[int, typer.Option("--steps", min=1, help="Steps recorded.")] = 1000,
    seed: Annotated[int, typer.Option("--seed", help="Env and policy seed.")] = 0,
) -> None:
    """Bytes per frame, compressed and raw size, frames recorded per second."""
    from metta_core.bench.replay import bench_replay

    _print(bench_replay(env, policy, steps, seed))


@app.command("sweep", help="Sweep overhead per trial and search quality on a cheap quadratic.")
def sweep_command(
    trials: Annotated[int, typer.Option("--trials", min=5, help="Trials per sampler.")] = 20,
) -> None:
    """Milliseconds of Optuna/storage overhead per trial and the best score of each sampler."""
    from metta_core.bench.sweep import bench_sweep

    _print(bench_sweep(trials))
