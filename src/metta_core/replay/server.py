"""The viewer's server: static files, the replay, and (in play mode) a WebSocket, on one port.

Built on the `websockets` package, whose `process_request` hook answers plain HTTP GETs, so one
asyncio server handles both. It binds 127.0.0.1 unless told otherwise, serves only the files of
`static/` by name (no paths from the request reach the file system), accepts WebSocket
connections only at `/ws` and only from its own pages (a foreign Origin is refused), and keeps
running whatever a client sends: bad messages get error replies, oversized ones close that one
connection. It must not run episodes itself: it serves a replay or forwards to a PlaySession.
"""

from __future__ import annotations

import asyncio
import json
import threading
from collections.abc import Callable
from http import HTTPStatus
from importlib import resources
from typing import Any
from urllib.parse import urlsplit

from websockets.asyncio.server import ServerConnection, serve
from websockets.datastructures import Headers
from websockets.exceptions import ConnectionClosed
from websockets.http11 import Request, Response

from metta_core.errors import ConfigError
from metta_core.replay.format import encode_replay
from metta_core.replay.session import MAX_MESSAGE_BYTES, PlaySession

#: The viewer's files and their content types; nothing else under static/ is served.
STATIC_FILES = {
    "index.html": "text/html; charset=utf-8",
    "viewer.js": "text/javascript; charset=utf-8",
    "viewer.css": "text/css; charset=utf-8",
}
#: Messages above this close the connection (websockets' own limit); between MAX_MESSAGE_BYTES
#: and this they get an error reply.
WEBSOCKET_MAX_SIZE = 64 * 1024


def static_file(name: str) -> bytes:
    return resources.files("metta_core.replay").joinpath("static", name).read_bytes()


def _response(
    status: HTTPStatus, body: bytes, content_type: str, extra: dict[str, str] | None = None
) -> Response:
    headers = Headers(
        {"Content-Type": content_type, "Content-Length": str(len(body)), "Cache-Control": "no-store"}
    )
    for key, value in (extra or {}).items():
        headers[key] = value
    return Response(status.value, status.phrase, headers, body)


class ViewerServer:
    """Serves the viewer for a finished `replay` (a document) or a live `play` session."""

    def __init__(
        self,
        replay: dict[str, Any] | None = None,
        play: PlaySession | None = None,
        host: str = "127.0.0.1",
        port: int = 0,
        on_episode_end: Callable[[], None] | None = None,
    ):
        if (replay is None) == (play is None):
            raise ValueError("ViewerServer needs exactly one of replay= and play=")
        self.mode = "play" if play is not None else "replay"
        self.play = play
        self.replay_bytes = encode_replay(replay) if replay is not None else b""
        self.host = host
        self.port = port
        self.url = ""
        self.messages_handled = 0
        self.on_episode_end = on_episode_end
        self._stop: asyncio.Event | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._clients: set[ServerConnection] = set()
        self._lock = asyncio.Lock()

    # HTTP ----------------------------------------------------------------------------------
    def _process_request(self, connection: ServerConnection, request: Request) -> Response | None:
        path = urlsplit(request.path).path
        if path == "/ws":
            if self.mode != "play":
                return _response(HTTPStatus.NOT_FOUND, b"no live session: this is a replay\n", "text/plain")
            origin = request.headers.get("Origin")
            if origin is not None and urlsplit(origin).netloc not in self._own_netlocs():
                return _response(HTTPStatus.FORBIDDEN, b"foreign origin\n", "text/plain")
            return None  # carry on with the WebSocket handshake
        name = "index.html" if path in ("/", "") else path.lstrip("/")
        if name in STATIC_FILES:
            return _response(HTTPStatus.OK, static_file(name), STATIC_FILES[name])
        if name == "session.json":
            body = json.dumps({"mode": self.mode}).encode()
            return _response(HTTPStatus.OK, body, "application/json")
        if name == "replay.json" and self.mode == "replay":
            # The file is gzip already: the browser inflates it itself.
            return _response(
                HTTPStatus.OK, self.replay_bytes, "application/json", {"Content-Encoding": "gzip"}
            )
        return _response(HTTPStatus.NOT_FOUND, b"not found\n", "text/plain")

    def _own_netlocs(self) -> set[str]:
        return {f"{host}:{self.port}" for host in (self.host, "127.0.0.1", "localhost", "[::1]")}

    # WebSocket -----------------------------------------------------------------------------
    async def _handler(self, connection: ServerConnection) -> None:
        assert self.play is not None
        self._clients.add(connection)
        try:
            await connection.send(json.dumps(self.play.init_message()))
            async for message in connection:
                async with self._lock:
                    was_done = self.play.done
                    # Stepping the env is CPU work: off the event loop, so other viewers and
                    # keep-alive pings are still served meanwhile.
                    reply = await asyncio.to_thread(self.play.handle, message)
                    self.messages_handled += 1
                    if self.play.done and not was_done and self.on_episode_end is not None:
                        self.on_episode_end()
                if reply["type"] == "frame":
                    # Every open viewer sees every frame; the sender first.
                    text = json.dumps(reply)
                    await connection.send(text)
                    for other in list(self._clients - {connection}):
                        await _send_quietly(other, text)
                else:
                    await connection.send(json.dumps(reply))
        except ConnectionClosed:
            return
        finally:
            self._clients.discard(connection)

    # Running -------------------------------------------------------------------------------
    async def serve(
        self, on_ready: Callable[[str], None] | None = None, exit_after: float | None = None
    ) -> None:
        """Serve until `stop()`, Ctrl-C or `exit_after` seconds."""
        self._loop = asyncio.get_running_loop()
        self._stop = asyncio.Event()
        async with serve(
            self._handler,
            self.host,
            self.port,
            process_request=self._process_request,
            max_size=WEBSOCKET_MAX_SIZE,
            compression=None,
        ) as server:
            self.port = server.sockets[0].getsockname()[1]
            shown_host = f"[{self.host}]" if ":" in self.host else self.host
            self.url = f"http://{shown_host}:{self.port}/"
            if on_ready is not None:
                on_ready(self.url)
            try:
                await asyncio.wait_for(self._stop.wait(), timeout=exit_after)
            except TimeoutError:
                return

    def run(self, on_ready: Callable[[str], None] | None = None, exit_after: float | None = None) -> None:
        """Serve in this thread until stopped; Ctrl-C ends it quietly. A port or host it cannot
        listen on is a ConfigError naming them."""
        try:
            asyncio.run(self.serve(on_ready, exit_after))
        except KeyboardInterrupt:
            return
        except OSError as err:
            if self.url:  # it was serving: not a listening problem
                raise
            reason = err.strerror or str(err)
            raise ConfigError(
                f"--host {self.host} --port {self.port}: cannot listen there ({reason})"
            ) from None

    def stop(self) -> None:
        """Ask a running server to finish (safe from any thread)."""
        if self._loop is not None and self._stop is not None:
            self._loop.call_soon_threadsafe(self._stop.set)

    def start_in_thread(self, timeout: float = 10.0) -> str:
        """Serve from a background thread (tests, notebooks); returns the URL once listening."""
        ready = threading.Event()
        thread = threading.Thread(target=self.run, kwargs={"on_ready": lambda _url: ready.set()}, daemon=True)
        thread.start()
        if not ready.wait(timeout):
            raise RuntimeError("the viewer server did not start")
        self._thread = thread
        return self.url

    def join(self, timeout: float | None = None) -> None:
        thread = getattr(self, "_thread", None)
        if thread is not None:
            thread.join(timeout)


async def _send_quietly(connection: ServerConnection, text: str) -> None:
    try:
        await connection.send(text)
    except ConnectionClosed:
        return


__all__ = ["MAX_MESSAGE_BYTES", "ViewerServer", "static_file"]
