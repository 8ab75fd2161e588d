"""The viewer server over real sockets: static files, the gzip replay, and the play WebSocket,
which must survive malformed, oversized and foreign-origin clients."""

from __future__ import annotations

import gzip
import json
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest
from websockets.exceptions import ConnectionClosed, InvalidStatus
from websockets.sync.client import connect

from metta_core.render.driver import open_driver
from metta_core.replay.format import decode_replay
from metta_core.replay.server import WEBSOCKET_MAX_SIZE, ViewerServer
from metta_core.replay.session import PlaySession


@pytest.fixture
def replay_server(hand_replay: dict) -> Iterator[ViewerServer]:
    server = ViewerServer(replay=hand_replay)
    server.start_in_thread()
    yield server
    server.stop()
    server.join(10)


@pytest.fixture
def play_server(tiny_env_config, warm_env_kernel) -> Iterator[ViewerServer]:
    session = PlaySession(open_driver(tiny_env_config, "random", seed=0), steps=30, env_name="tiny")
    server = ViewerServer(play=session)
    server.start_in_thread()
    yield server
    server.stop()
    server.join(10)


def _get(url: str) -> tuple[int, dict, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=60) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as err:
        return err.code, dict(err.headers), err.read()


def _ws_url(server: ViewerServer) -> str:
    return server.url.replace("http://", "ws://") + "ws"


def test_server_binds_localhost_and_picks_a_free_port(replay_server: ViewerServer) -> None:
    assert replay_server.url.startswith("http://127.0.0.1:")
    assert replay_server.port > 0


def test_viewer_page_and_its_assets_are_served(replay_server: ViewerServer) -> None:
    status, headers, body = _get(replay_server.url)
    assert status == 200 and b'<canvas id="map"' in body
    assert headers["Content-Type"].startswith("text/html")
    for name, kind in (("viewer.js", "javascript"), ("viewer.css", "css")):
        status, headers, body = _get(replay_server.url + name)
        assert status == 200 and kind in headers["Content-Type"] and body


def test_replay_is_served_gzip_encoded(replay_server: ViewerServer, hand_replay: dict) -> None:
    request = urllib.request.Request(replay_server.url + "replay.json")
    with urllib.request.urlopen(request, timeout=60) as response:
        assert response.headers["Content-Encoding"] == "gzip"
        assert json.loads(gzip.decompress(response.read())) == hand_replay
    status, _, body = _get(replay_server.url + "session.json")
    assert json.loads(body) == {"mode": "replay"}


@pytest.mark.parametrize("path", ["../pyproject.toml", "static/viewer.js", "%2e%2e/server.py", "nothing"])
def test_only_the_viewer_files_are_served(replay_server: ViewerServer, path: str) -> None:
    status, _, _ = _get(replay_server.url + path)
    assert status == 404


def test_a_replay_server_has_no_websocket(replay_server: ViewerServer) -> None:
    with pytest.raises(InvalidStatus):
        connect(_ws_url(replay_server), open_timeout=60)


def test_play_websocket_sends_the_game_then_a_frame_per_action(play_server: ViewerServer) -> None:
    with connect(_ws_url(play_server), open_timeout=60) as ws:
        init = json.loads(ws.recv(timeout=60))
        assert init["type"] == "init" and init["human_agent"] == 0
        assert init["replay"]["initial"]["agents"]["0"]["row"] == 2
        ws.send(json.dumps({"type": "action", "action": "move", "arg": 0}))
        frame = json.loads(ws.recv(timeout=60))
        assert frame["type"] == "frame"
        assert frame["delta"]["agents"]["0"]["row"] == 1


def test_malformed_messages_get_errors_and_the_connection_stays_usable(play_server: ViewerServer) -> None:
    with connect(_ws_url(play_server), open_timeout=60) as ws:
        ws.recv(timeout=60)
        for bad in (
            "{not json",
            json.dumps({"type": "action", "action": "teleport"}),
            "x" * 5000,
            b"\x00\x01",
        ):
            ws.send(bad)
            reply = json.loads(ws.recv(timeout=60))
            assert reply["type"] == "error", reply
        ws.send(json.dumps({"type": "action", "action": "noop"}))
        assert json.loads(ws.recv(timeout=60))["type"] == "frame"


def test_an_oversized_message_closes_only_that_connection(play_server: ViewerServer) -> None:
    with connect(_ws_url(play_server), open_timeout=10, max_size=None) as ws:
        ws.recv(timeout=60)
        ws.send("y" * (WEBSOCKET_MAX_SIZE + 10))
        with pytest.raises(ConnectionClosed) as closed:
            ws.recv(timeout=60)
        assert closed.value.rcvd is not None and closed.value.rcvd.code == 1009
    with connect(_ws_url(play_server), open_timeout=60) as ws:
        assert json.loads(ws.recv(timeout=60))["type"] == "init"
        ws.send(json.dumps({"type": "action", "action": "noop"}))
        assert json.loads(ws.recv(timeout=60))["type"] == "frame"


def test_a_page_of_another_origin_cannot_connect(play_server: ViewerServer) -> None:
    with pytest.raises(InvalidStatus) as refused:
        connect(_ws_url(play_server), open_timeout=10, origin="http://evil.example:80")
    assert refused.value.response.status_code == 403
    with connect(_ws_url(play_server), open_timeout=10, origin=play_server.url.rstrip("/")) as ws:
        assert json.loads(ws.recv(timeout=60))["type"] == "init"


def test_play_frames_rebuild_the_same_replay_the_session_saves(play_server: ViewerServer, tmp_path) -> None:
    with connect(_ws_url(play_server), open_timeout=60) as ws:
        replay = json.loads(ws.recv(timeout=60))["replay"]
        for action in ("move", "rotate", "noop"):
            ws.send(json.dumps({"type": "action", "action": action, "arg": 0}))
            replay["deltas"].append(json.loads(ws.recv(timeout=60))["delta"])
    assert play_server.play is not None
    saved = decode_replay(play_server.play.save(tmp_path / "play.json.gz").read_bytes())
    assert saved["deltas"] == replay["deltas"]
    assert saved["initial"] == replay["initial"]
