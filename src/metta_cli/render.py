"""`metta render`: watch a policy play live in the terminal, as ASCII frames or a Textual app.

Thin: options -> RenderSettings -> the driver -> frames printed (ascii) or the app run (textual).
"""

from __future__ import annotations

import os
import sys
import time
from typing import Annotated, Literal

import typer

from metta_cli.common import (
    AgentsOption,
    ConfigFileOption,
    EnvPresetOption,
    OverridesArgument,
    SeedOption,
    resolve_settings,
)

#: Clears a terminal and homes the cursor, so ASCII frames replace each other in place.
CLEAR_SCREEN = "\x1b[H\x1b[2J"


def command(
    ctx: typer.Context,
    env: EnvPresetOption = None,
    policy: Annotated[
        str | None, typer.Option("--policy", "-p", help="random, simple, or a policy URI.")
    ] = None,
    renderer: Annotated[
        Literal["ascii", "textual"] | None,
        typer.Option("--renderer", help="ascii frames or the Textual app."),
    ] = None,
    agents: AgentsOption = None,
    sleep: Annotated[
        float | None, typer.Option("--sleep", help="Seconds between frames (default 0.1).")
    ] = None,
    steps: Annotated[int | None, typer.Option("--steps", help="Steps to run (default: one episode).")] = None,
    seed: SeedOption = None,
    config: ConfigFileOption = None,
    overrides: OverridesArgument = None,
) -> None:
    """Watch a policy play live: `ascii` prints NetHack-style frames (pipes and CI), `textual` opens
    an interactive viewer (space pause, n step, +/- speed, f follow agent, q quit)."""
    from metta_core.render.settings import RenderSettings

    settings = resolve_settings(RenderSettings, ctx, config=config, overrides=overrides)
    from metta_core.render.driver import open_driver

    driver = open_driver(settings.env, settings.policy, settings.seed, settings.device)
    if settings.renderer == "textual":
        from metta_core.render.textual_app import RenderApp

        RenderApp(driver, settings.num_steps(), settings.sleep).run()
        return
    _print_ascii(driver, settings.num_steps(), settings.sleep)


def _print_ascii(driver, steps: int, sleep: float) -> None:
    from metta_core.render.ascii import ascii_frames

    live = sys.stdout.isatty()
    try:
        for index, frame in enumerate(ascii_frames(driver, steps)):
            if live:
                sys.stdout.write(CLEAR_SCREEN)
            elif index:
                sys.stdout.write("\n")
            sys.stdout.write(frame + "\n")
            sys.stdout.flush()
            if sleep:
                time.sleep(sleep)
    except KeyboardInterrupt:
        return
    except BrokenPipeError:
        # `metta render | head` closed the pipe: stop quietly (and let the exit flush go nowhere).
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
