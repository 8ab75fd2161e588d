"""The work behind `metta replay`, `metta replay view` and `metta play`, as plain functions.

Each takes its settings, does the one job (record, serve, play) and returns what it wrote; the
callbacks let the caller print the URL or open a browser. Nothing here parses options or prints.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from metta_core import storage
from metta_core.render.driver import open_driver
from metta_core.replay.format import write_replay
from metta_core.replay.recorder import load_replay
from metta_core.replay.server import ViewerServer
from metta_core.replay.session import PlaySession, record_episode
from metta_core.replay.settings import PlaySettings, ReplaySettings, ViewSettings

OnReady = Callable[[str], None]


def record(settings: ReplaySettings) -> tuple[dict[str, Any], str]:
    """Run one episode of the settings' policy; write its replay; return (replay, where)."""
    storage.check_writable(settings.output_uri())  # before the episode, not after
    driver = open_driver(settings.env, settings.policy, settings.seed, settings.device)
    replay = record_episode(driver, settings.num_steps(), settings.env.name)
    return replay, write_replay(replay, settings.output_uri())


def serve_replay(replay: dict[str, Any], settings: ViewSettings, on_ready: OnReady | None = None) -> None:
    """Serve the viewer for `replay` until Ctrl-C (or `exit_after`)."""
    ViewerServer(replay=replay, host=settings.host, port=settings.port).run(on_ready, settings.exit_after)


def view(path: str | Path, settings: ViewSettings, on_ready: OnReady | None = None) -> dict[str, Any]:
    """Serve an existing replay file (path or URI); returns its document."""
    replay = load_replay(path)
    serve_replay(replay, settings, on_ready)
    return replay


def play(
    settings: PlaySettings, on_ready: OnReady | None = None, on_saved: Callable[[str], None] | None = None
) -> str:
    """Serve an interactive episode; save its replay when the episode ends and when serving stops
    (Ctrl-C, SIGTERM and SIGHUP included), so no played step is lost. Returns where the replay went."""
    output = settings.output_uri()
    storage.check_writable(output)  # a game that cannot be saved is refused before it is played
    driver = open_driver(settings.env, settings.policy, settings.seed, settings.device)
    session = PlaySession(driver, settings.num_steps(), settings.env.name)

    def save() -> None:
        where = str(session.save(output))
        if on_saved is not None:
            on_saved(where)

    server = ViewerServer(play=session, host=settings.host, port=settings.port, on_episode_end=save)
    try:
        server.run(on_ready, settings.exit_after)
    finally:
        if not session.done and server.url:  # it served: whatever was played is saved
            save()
    return output
