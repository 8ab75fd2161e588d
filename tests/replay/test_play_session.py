"""PlaySession: the human's message becomes agent 0's action; bad messages get error replies."""

from __future__ import annotations

import json

import pytest

from metta_core.render.driver import open_driver
from metta_core.replay.format import expand_frames
from metta_core.replay.session import MAX_MESSAGE_BYTES, PlaySession


@pytest.fixture
def session(tiny_env_config) -> PlaySession:
    return PlaySession(open_driver(tiny_env_config, "random", seed=0), steps=30, env_name="tiny")


def _agent0(session: PlaySession) -> dict:
    return session.recorder.current_state["agents"]["0"]


def test_move_forward_moves_agent_zero_up(session: PlaySession) -> None:
    assert (_agent0(session)["row"], _agent0(session)["col"], _agent0(session)["orientation"]) == (2, 2, 0)
    reply = session.handle(json.dumps({"type": "action", "action": "move", "arg": 0}))
    assert reply["type"] == "frame"
    assert reply["delta"]["agents"]["0"]["row"] == 1
    assert _agent0(session)["action"] == [session.action_ids["move"], 0]


def test_rotate_by_action_id_turns_agent_zero(session: PlaySession) -> None:
    reply = session.handle(json.dumps({"type": "action", "action": session.action_ids["rotate"], "arg": 3}))
    assert reply["type"] == "frame"
    assert _agent0(session)["orientation"] == 3


@pytest.mark.parametrize(
    ("message", "complaint"),
    [
        ("not json {", "not JSON"),
        ("[1, 2]", "expected"),
        (json.dumps({"type": "hello"}), "expected"),
        (json.dumps({"type": "action", "action": "fly"}), "unknown action 'fly'"),
        (json.dumps({"type": "action", "action": 99}), "action must be"),
        (json.dumps({"type": "action", "action": "rotate", "arg": 7}), "integer 0..3"),
        (json.dumps({"type": "action", "action": "move", "arg": "0"}), "integer 0..1"),
        (json.dumps({"type": "action", "action": "move", "arg": True}), "integer 0..1"),
        ("x" * (MAX_MESSAGE_BYTES + 1), "over the"),
        (b"\xff\xfe", "not JSON"),
    ],
)
def test_bad_messages_get_an_error_reply_and_do_not_step(
    session: PlaySession, message, complaint: str
) -> None:
    reply = session.handle(message)
    assert reply["type"] == "error"
    assert complaint in reply["message"]
    assert session.recorder.num_frames == 1


def test_session_ends_at_its_step_limit_and_saves_every_frame(tiny_env_config, tmp_path) -> None:
    session = PlaySession(open_driver(tiny_env_config, "random", seed=0), steps=3, env_name="tiny")
    noop = json.dumps({"type": "action", "action": "noop"})
    replies = [session.handle(noop) for _ in range(4)]
    assert [r.get("done") for r in replies[:3]] == [False, False, True]
    assert replies[3]["type"] == "error" and "over" in replies[3]["message"]
    from metta_core.replay.recorder import load_replay

    replay = load_replay(session.save(tmp_path / "play.json.gz"))
    assert len(expand_frames(replay)) == 4
