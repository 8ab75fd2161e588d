"""The root `metta` Typer application: registers every command, renders user errors.

A command module exposes either `command` (a function: one command) or `app` (a Typer: a group of
subcommands). Errors users cause (`MettaError`) become one red line on stderr and exit code 2;
anything else is a bug and keeps its traceback.
"""

from __future__ import annotations

import importlib
import sys
from typing import Annotated

import typer

from metta_cli.common import err_console

#: (command name, module under metta_cli, one-line description)
COMMANDS: tuple[tuple[str, str, str], ...] = (
    ("train", "train", "Train a policy with PPO (locally, or under torchrun for DDP)."),
    ("sim", "sim", "Evaluate policies on a simulation suite and export stats."),
    (
        "baselines",
        "baselines",
        "Re-measure the suites' random and scripted baselines; rewrite the suite files.",
    ),
    ("analyze", "analyze", "Write an HTML/JSON analysis report of a policy's evaluation stats."),
    ("dashboard", "dashboard", "Write dashboard JSON and an HTML heatmap of policies x evals."),
    ("render", "render", "Watch a policy play live in the terminal (ASCII or Textual)."),
    ("replay", "replay", "Record an episode and view it in the browser replay viewer."),
    ("play", "play", "Play as an agent in the browser while policies control the others."),
    ("sweep", "sweep", "Hyperparameter sweeps on Optuna: init, run, eval, show."),
    ("autotune", "autotune", "Measure throughput on this machine and suggest the fastest settings."),
    ("map", "map", "Generate, view, render and normalise maps."),
    ("upload-map-imgs", "upload_map_imgs", "Upload rendered map images to S3."),
    ("env", "env", "List and inspect environment presets."),
    ("config", "config", "Show, validate and print schemas of configuration."),
    ("stats", "stats", "Open a stats database in the DuckDB shell or run one query."),
    ("dump-src", "dump_src", "Write source files as <file: path> blocks for LLM context."),
    ("bench", "bench", "Benchmarks that print name=value figures (env, maps, train, sim, replay, sweep)."),
)


def _version(value: bool) -> None:
    if value:
        from metta_core import __version__

        typer.echo(f"metta {__version__}")
        raise typer.Exit()


app = typer.Typer(
    name="metta",
    help="metta: multi-agent reinforcement learning in grid worlds.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.callback()
def root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Print the version and exit.")
    ] = False,
) -> None:
    """metta: multi-agent reinforcement learning in grid worlds."""


def _register() -> None:
    for name, module_name, description in COMMANDS:
        module = importlib.import_module(f"metta_cli.{module_name}")
        if hasattr(module, "app"):
            app.add_typer(module.app, name=name, help=description)
        else:
            app.command(name, help=description)(module.command)
    from metta_cli import reference_tools

    reference_tools.register(app)


_register()


def main() -> None:
    from typer._click.exceptions import NoArgsIsHelpError, UsageError  # Typer 0.29 vendors click

    from metta_core.errors import MettaError
    from metta_core.interrupts import termination_like_ctrl_c

    # The reference asks Hydra for a tool's help with `hydra/help=default`: that is our --help.
    sys.argv[1:] = [
        "--help" if arg.startswith(("hydra/help=", "+hydra/help=")) else arg for arg in sys.argv[1:]
    ]
    try:
        with termination_like_ctrl_c():
            # Not standalone: usage errors come back here, to be one line like every other error.
            code = app(standalone_mode=False)
    except NoArgsIsHelpError as err:  # `metta map` alone: the group's help, as Typer shows it
        from typer import rich_utils

        rich_utils.rich_format_error(err)
        sys.exit(err.exit_code)
    except UsageError as err:
        where = f"{err.ctx.command_path}: " if err.ctx is not None else ""
        hint = f" (see {err.ctx.command_path} --help)" if err.ctx is not None else ""
        message = " ".join(err.format_message().split())
        err_console.print(f"[red]error:[/red] {where}{message}{hint}", highlight=False, soft_wrap=True)
        sys.exit(err.exit_code)
    except MettaError as err:
        problems = getattr(err, "problems", None) or [str(err)]
        for problem in problems:
            err_console.print(f"[red]error:[/red] {problem}", highlight=False, soft_wrap=True)
        sys.exit(2)
    sys.exit(code if isinstance(code, int) else 0)


if __name__ == "__main__":
    main()
