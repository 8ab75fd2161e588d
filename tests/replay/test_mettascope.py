"""MettaScope replays (the reference viewer's `.json.z`): read by every reader, and written.

The file below is built here from the format's description (metta_formats.md 5.2), not by our
writer: zlib JSON, version 1, per-key constants or `[[step, value], ...]` change lists.
"""

from __future__ import annotations

import json
import zlib
from pathlib import Path

import pytest

from metta_core.errors import StorageError
from metta_core.replay.format import expand_frames, read_replay, write_replay
from metta_core.replay.recorder import load_replay

METTASCOPE = {
    "version": 1,
    "action_names": ["noop", "move", "rotate", "get_items"],
    "inventory_items": ["ore_red", "battery_red", "heart"],
    "object_types": ["agent", "wall", "altar"],
    "map_size": [5, 4],  # width, height
    "num_agents": 1,
    "max_steps": 3,
    "grid_objects": [
        {"id": 1, "type": 1, "type_name": "wall", "r": 0, "c": 0, "layer": 1},
        {
            "id": 2, "type": 0, "type_name": "agent", "agent_id": 0, "layer": 0,
            "r": [[0, 3], [1, 2], [2, 1]], "c": 2, "orientation": [[0, 0], [2, 3]], "group": 1,
            "frozen": 0, "color": 0,
            "inv:heart": [[0, 0], [2, 1]],  # first seen at step 2
            "action": [[0, [0, 0]], [1, [1, 0]]], "action_success": [[0, False], [1, True]],
            "reward": [[0, 0.0], [2, 1.0]], "total_reward": [[0, 0.0], [2, 1.0]],
        },
        {"id": 3, "type": 2, "type_name": "altar", "r": 1, "c": 3, "layer": 1, "inv:heart": [[0, 1], [2, 0]]},
    ],
    "config": {},
}  # fmt: skip


def write_mettascope(path: Path, document: dict) -> Path:
    path.write_bytes(zlib.compress(json.dumps(document).encode()))
    return path


def test_a_mettascope_file_reads_as_our_frames(tmp_path: Path):
    replay = load_replay(write_mettascope(tmp_path / "episode.json.z", METTASCOPE))
    frames = expand_frames(replay)
    assert len(frames) == 3 and replay["map_size"] == [4, 5]
    agents = [frame["agents"]["0"] for frame in frames]
    assert [a["row"] for a in agents] == [3, 2, 1] and [a["orientation"] for a in agents] == [0, 0, 3]
    assert [a["inventory"] for a in agents] == [[0, 0, 0], [0, 0, 0], [0, 0, 1]]
    assert [a["action"] for a in agents] == [[0, 0], [1, 0], [1, 0]]
    assert agents[2]["total_reward"] == 1.0 and agents[1]["action_success"] is True
    altar = [frame["objects"]["3"] for frame in frames]
    assert altar[0]["inventory"] == [0, 0, 1] and "inventory" not in altar[2]
    assert frames[0]["objects"]["1"] == {"id": 1, "type_id": 1, "row": 0, "col": 0}


def test_writing_json_z_gives_mettascope_that_reads_back_the_same(tmp_path: Path):
    ours = load_replay(write_mettascope(tmp_path / "in.json.z", METTASCOPE))
    out = tmp_path / "out.json.z"
    write_replay(ours, out)
    document = json.loads(zlib.decompress(out.read_bytes()))
    assert document["version"] == 1 and document["map_size"] == [5, 4] and document["max_steps"] == 3
    agent = next(obj for obj in document["grid_objects"] if obj.get("agent_id") == 0)
    assert agent["r"] == [[0, 3], [1, 2], [2, 1]] and agent["c"] == 2  # a change list, a constant
    assert agent["inv:heart"] == [[0, 0], [2, 1]]
    assert expand_frames(read_replay(out)) == expand_frames(ours)


def test_a_recorded_episode_written_as_mettascope_keeps_every_frame(tmp_path: Path, hand_replay):
    out = tmp_path / "hand.json.z"
    write_replay(hand_replay, out)
    assert expand_frames(read_replay(out)) == expand_frames(hand_replay)


@pytest.mark.parametrize(
    "change, words",
    [
        ({"version": 2}, "version 2 is not supported"),
        ({"grid_objects": [{"id": 1, "type": 9}]}, "not a readable"),
    ],
)
def test_a_bad_mettascope_file_is_one_clear_error(tmp_path: Path, change, words):
    path = write_mettascope(tmp_path / "bad.json.z", {**METTASCOPE, **change})
    with pytest.raises(StorageError) as err:
        read_replay(path)
    assert str(path) in str(err.value) and words in str(err.value)


def test_replay_view_serves_a_mettascope_file(metta_cli, tmp_path: Path):
    path = write_mettascope(tmp_path / "episode.json.z", METTASCOPE)
    result = metta_cli("replay", "view", str(path), "--no-open", "--exit-after", "0.5", "--port", "0")
    assert result.returncode == 0, result.stderr
    assert "viewer at http://127.0.0.1:" in result.stdout
