"""The replay file format: deltas, round trips, compression and refusing what it cannot read."""

from __future__ import annotations

import gzip
import json
import zlib

import pytest

from metta_core.errors import StorageError
from metta_core.replay.format import (
    FORMAT_VERSION,
    build_replay,
    decode_replay,
    encode_replay,
    expand_frames,
    frame_delta,
    read_replay,
    write_replay,
)


def test_delta_holds_only_the_fields_that_changed(make_hand_state) -> None:
    delta = frame_delta(make_hand_state(3), make_hand_state(2))
    assert delta == {"agents": {"0": {"row": 2}}}


def test_unchanged_frame_is_an_empty_delta(make_hand_state) -> None:
    assert frame_delta(make_hand_state(3), make_hand_state(3)) == {}


def test_new_and_removed_objects_are_recorded(make_hand_state) -> None:
    before, after = make_hand_state(3), make_hand_state(3)
    del after["objects"]["50"]
    after["objects"]["60"] = {"id": 60, "type_id": 14, "row": 4, "col": 4}
    delta = frame_delta(before, after)
    assert delta["removed_objects"] == ["50"]
    assert delta["objects"] == {"60": {"id": 60, "type_id": 14, "row": 4, "col": 4}}


def test_expanding_a_replay_gives_back_every_frame(hand_replay: dict, make_hand_state) -> None:
    frames = expand_frames(hand_replay)
    assert frames == [make_hand_state(3), make_hand_state(2), make_hand_state(1, altar_ready=False)]
    assert hand_replay["num_frames"] == 3
    assert hand_replay["version"] == FORMAT_VERSION


def test_replay_round_trips_through_a_gzip_file(tmp_path, hand_replay: dict) -> None:
    path = tmp_path / "nested" / "hand.json.gz"
    write_replay(hand_replay, path)
    assert path.read_bytes()[:2] == b"\x1f\x8b"
    assert read_replay(path) == hand_replay


def test_zlib_and_plain_json_replays_are_readable(hand_replay: dict) -> None:
    text = json.dumps(hand_replay).encode()
    assert decode_replay(zlib.compress(text)) == hand_replay
    assert decode_replay(text) == hand_replay


def test_encoding_is_deterministic(hand_replay: dict) -> None:
    assert encode_replay(hand_replay) == encode_replay(json.loads(json.dumps(hand_replay)))


def test_replay_round_trips_through_s3(s3_bucket: str, hand_replay: dict) -> None:
    uri = f"s3://{s3_bucket}/replays/hand.json.gz"
    write_replay(hand_replay, uri)
    assert read_replay(uri) == hand_replay


def test_a_replay_needs_a_frame(hand_header: dict) -> None:
    with pytest.raises(ValueError, match="at least one frame"):
        build_replay(hand_header, [])


def test_unknown_version_is_refused_naming_the_file(tmp_path, hand_replay: dict) -> None:
    path = tmp_path / "future.json.gz"
    path.write_bytes(gzip.compress(json.dumps({**hand_replay, "version": 99}).encode()))
    with pytest.raises(StorageError, match=r"future\.json\.gz: replay version 99 is not supported"):
        read_replay(path)


def test_corrupt_and_foreign_files_are_refused(tmp_path) -> None:
    corrupt = tmp_path / "corrupt.json.gz"
    corrupt.write_bytes(b"\x1f\x8b" + b"garbage" * 10)
    with pytest.raises(StorageError, match="corrupt.json.gz: not a readable replay"):
        read_replay(corrupt)
    foreign = tmp_path / "foreign.json"
    foreign.write_text('{"hello": 1}')
    with pytest.raises(StorageError, match="foreign.json: not a metta replay"):
        read_replay(foreign)
    with pytest.raises(StorageError, match="no such file"):
        read_replay(tmp_path / "missing.json.gz")


def _peak_rss_mb_of(code: str) -> tuple[float, str]:
    """Run `code` in a fresh Python and return (its peak RSS in MB, its output). The measured
    process is started by a small wrapper: a child forked straight from pytest would report
    pytest's own size as its peak."""
    import subprocess
    import sys

    wrapper = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-c', sys.argv[1]], capture_output=True, text=True)\n"
        "print(done.stdout)\n"
        "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024)\n"
    )
    done = subprocess.run([sys.executable, "-c", wrapper, code], capture_output=True, text=True, check=False)
    return float(done.stdout.strip().splitlines()[-1]), done.stdout


@pytest.mark.parametrize("payload", ["zeros", "json_list"])
def test_a_decompression_bomb_is_refused_without_inflating_it(tmp_path, payload):
    """200 KB of gzip that inflates to a gigabyte: one clear error, and memory stays bounded."""
    import gzip

    bomb = tmp_path / "bomb.json.gz"
    chunk = b"\0" * (1 << 20) if payload == "zeros" else b"0," * (1 << 19)
    with gzip.open(bomb, "wb", compresslevel=9) as out:  # streamed: this process stays small too
        out.write(b"" if payload == "zeros" else b"[")
        for _ in range(1024):  # 1 GiB inflated
            out.write(chunk)
        out.write(b"" if payload == "zeros" else b"0]")
    code = (
        "from metta_core.replay.recorder import load_replay\n"
        "from metta_core.errors import StorageError\n"
        f"try:\n    load_replay({str(bomb)!r})\nexcept StorageError as err:\n    print(err)"
    )
    peak, printed = _peak_rss_mb_of(code)
    assert "inflates to more than 64 MiB" in printed
    assert peak < 400, f"peak RSS {peak:.0f} MB"


def test_a_field_that_disappears_is_gone_in_later_frames():
    # An altar's inventory is written only while it holds something: emptied, it must not linger.
    from metta_core.replay.format import build_replay, expand_frames

    full = {"objects": {"5": {"id": 5, "type_id": 2, "row": 1, "col": 1, "inventory": [0, 1]}}, "agents": {}}
    empty = {"objects": {"5": {"id": 5, "type_id": 2, "row": 1, "col": 1}}, "agents": {}}
    frames = expand_frames(build_replay({"map_size": [3, 3]}, [full, empty, empty]))
    assert [("inventory" in f["objects"]["5"]) for f in frames] == [True, False, False]
