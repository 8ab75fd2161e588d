"""`metta replay`: record an episode and serve the browser viewer; `metta replay view FILE`
serves an existing replay. Thin: options -> ReplaySettings -> one call of metta_core.replay.run.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from typer.core import TyperGroup

from metta_cli.common import (
    AgentsOption,
    ConfigFileOption,
    EnvPresetOption,
    SeedOption,
    console,
    resolve_settings,
)


class _PositionalOverrides(TyperGroup):
    """`metta replay key=value ...` takes its overrides positionally, as every command does; a
    command group would otherwise read the first one as the name of a subcommand."""

    def parse_args(self, ctx, args):
        takes_value = {opt for param in self.params if not param.is_flag for opt in param.opts}
        rewritten: list[str] = []
        for index, arg in enumerate(args):
            after_option = index > 0 and args[index - 1] in takes_value
            if "=" in arg and not arg.startswith("-") and not after_option:
                rewritten += ["--override", arg]
            else:
                rewritten.append(arg)
        return super().parse_args(ctx, rewritten)


app = typer.Typer(no_args_is_help=False, cls=_PositionalOverrides)

HostOption = Annotated[str | None, typer.Option("--host", help="Interface to bind (default 127.0.0.1).")]
PortOption = Annotated[int | None, typer.Option("--port", help="Port; 0 (default) picks a free one.")]
OpenOption = Annotated[bool | None, typer.Option("--open/--no-open", help="Open the viewer in a browser.")]
ExitAfterOption = Annotated[
    float | None, typer.Option("--exit-after", help="Stop serving after this many seconds (scripts, tests).")
]
OverrideOption = Annotated[
    list[str] | None,
    typer.Option("--override", help="A key=value override (repeatable; positional ones work too)."),
]


def announce(url: str, open_browser: bool) -> None:
    console.print(f"viewer at {url}  (Ctrl-C to stop)", highlight=False, soft_wrap=True)
    if open_browser:
        import webbrowser

        webbrowser.open(url)


@app.callback(invoke_without_command=True)
def main(
    ctx: typer.Context,
    policy: Annotated[
        str | None, typer.Option("--policy", "-p", help="random, simple, or a policy URI.")
    ] = None,
    env: EnvPresetOption = None,
    steps: Annotated[
        int | None, typer.Option("--steps", help="Steps to record (default: one episode).")
    ] = None,
    output: Annotated[
        str | None,
        typer.Option(
            "--output", "-o", help="Replay file (default replays/<env>.json.gz; .json.z: MettaScope)."
        ),
    ] = None,
    seed: SeedOption = None,
    agents: AgentsOption = None,
    format: Annotated[
        str | None, typer.Option("--format", help="metta (.json.gz, default) or mettascope (.json.z).")
    ] = None,
    open_browser: OpenOption = None,
    host: HostOption = None,
    port: PortOption = None,
    exit_after: ExitAfterOption = None,
    config: ConfigFileOption = None,
    override: OverrideOption = None,
) -> None:
    """Record one episode of a policy, write the replay, and serve the viewer on 127.0.0.1."""
    if ctx.invoked_subcommand is not None:
        return
    from metta_core.replay.run import record, serve_replay
    from metta_core.replay.settings import ReplaySettings

    settings = resolve_settings(ReplaySettings, ctx, config=config, overrides=override)
    replay, where = record(settings)
    console.print(f"replay: {where} ({replay['num_frames']} frames)", highlight=False, soft_wrap=True)
    serve_replay(replay, settings, lambda url: announce(url, settings.open_browser))


@app.command("view")
def view(
    ctx: typer.Context,
    file: Annotated[str, typer.Argument(help="A replay file (path, file:// or s3:// URI).")],
    open_browser: OpenOption = None,
    host: HostOption = None,
    port: PortOption = None,
    exit_after: ExitAfterOption = None,
) -> None:
    """Serve the viewer for an existing replay file."""
    from metta_core.replay.run import view as serve_file
    from metta_core.replay.settings import ViewSettings

    # Only the serving options matter to `view`: validated without building an env.
    settings = resolve_settings(ViewSettings, ctx, config=None, overrides=None)
    serve_file(
        Path(file) if "://" not in file else file, settings, lambda url: announce(url, settings.open_browser)
    )
