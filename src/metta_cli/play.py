"""`metta play`: play agent 0 in the browser viewer while a policy plays the others; the session
is saved as a replay. Thin: options -> PlaySettings -> metta_core.replay.run.play.
"""

from __future__ import annotations

from typing import Annotated

import typer

from metta_cli.common import (
    AgentsOption,
    ConfigFileOption,
    EnvPresetOption,
    OverridesArgument,
    SeedOption,
    console,
    resolve_settings,
)
from metta_cli.replay import ExitAfterOption, HostOption, OpenOption, PortOption, announce


def command(
    ctx: typer.Context,
    env: EnvPresetOption = None,
    policy: Annotated[
        str | None,
        typer.Option("--policy", "-p", help="Policy of the other agents: random, simple, or a URI."),
    ] = None,
    steps: Annotated[
        int | None, typer.Option("--steps", help="Steps in the session (default: one episode).")
    ] = None,
    output: Annotated[
        str | None, typer.Option("--output", help="Replay file (default replays/play_<env>.json.gz).")
    ] = None,
    seed: SeedOption = None,
    agents: AgentsOption = None,
    open_browser: OpenOption = None,
    host: HostOption = None,
    port: PortOption = None,
    exit_after: ExitAfterOption = None,
    config: ConfigFileOption = None,
    overrides: OverridesArgument = None,
) -> None:
    """Play as agent 0 in the browser: arrows/WASD turn or step, Shift+arrow steps back, E get,
    Q put, F attack, X swap, C colour, Space noop. Each key press is one env step."""
    from metta_core.replay.run import play
    from metta_core.replay.settings import PlaySettings

    settings = resolve_settings(PlaySettings, ctx, config=config, overrides=overrides)
    where = play(
        settings,
        on_ready=lambda url: announce(url, settings.open_browser),
        on_saved=lambda uri: console.print(f"replay saved: {uri}", highlight=False, soft_wrap=True),
    )
    console.print(f"session over; replay at {where}", highlight=False, soft_wrap=True)
