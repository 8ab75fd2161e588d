"""The replay file format: one versioned, gzip-compressed JSON document (see docs/replay_format.md).

A replay holds the names it needs to be read on its own (object types, items, actions,
orientations), the state of every object and agent at the first frame, and for each later frame
only the fields that changed. This module turns a sequence of states into that document and back;
it knows nothing of the environment (the recorder reads snapshots) nor of the server.
"""

from __future__ import annotations

import gzip
import json
import zlib
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from metta_core import storage
from metta_core.errors import StorageError
from metta_core.replay import mettascope

FORMAT_NAME = "metta-replay"
FORMAT_VERSION = 1

#: Fields of an object that never change during an episode: written once, never diffed.
OBJECT_STATIC_FIELDS = ("id", "type_id")
#: Fields of an agent that never change during an episode.
AGENT_STATIC_FIELDS = ("agent_id", "object_id", "team")

State = dict[str, dict[str, dict[str, Any]]]  # {"objects": {id: fields}, "agents": {id: fields}}


def _diff(before: dict[str, Any], after: dict[str, Any], static: tuple[str, ...]) -> dict[str, Any]:
    """Changed fields; a field that disappeared (an emptied inventory) is null in the delta."""
    changed = {key: value for key, value in after.items() if key not in static and before.get(key) != value}
    changed.update({key: None for key in before if key not in after and key not in static})
    return changed


def frame_delta(previous: State, current: State) -> dict[str, Any]:
    """The changes from one frame to the next: `objects`/`agents` map an id (a string: JSON keys
    are strings) to the changed fields, a new id to its full record; `removed_objects` and
    `removed_agents` list ids that disappeared. Empty parts are left out."""
    delta: dict[str, Any] = {}
    for kind, static in (("objects", OBJECT_STATIC_FIELDS), ("agents", AGENT_STATIC_FIELDS)):
        before, after = previous[kind], current[kind]
        changes = {}
        for key, fields in after.items():
            if key not in before:
                changes[key] = fields
            else:
                changed = _diff(before[key], fields, static)
                if changed:
                    changes[key] = changed
        if changes:
            delta[kind] = changes
        removed = [key for key in before if key not in after]
        if removed:
            delta[f"removed_{kind}"] = removed
    return delta


def apply_delta(state: State, delta: dict[str, Any]) -> State:
    """The frame after `state` given its delta (a new state; `state` is left unchanged)."""
    result: State = {kind: {key: dict(fields) for key, fields in state[kind].items()} for kind in state}
    for kind in ("objects", "agents"):
        for key in delta.get(f"removed_{kind}", ()):
            result[kind].pop(key, None)
        for key, fields in delta.get(kind, {}).items():
            record = result[kind].setdefault(key, {})
            record.update(fields)
            for name in [name for name, value in fields.items() if value is None]:
                del record[name]
    return result


def build_replay(header: dict[str, Any], states: Iterable[State]) -> dict[str, Any]:
    """The replay document: `header` fields, the first state in full, then one delta per frame."""
    iterator = iter(states)
    try:
        first = next(iterator)
    except StopIteration:
        raise ValueError("a replay needs at least one frame") from None
    deltas: list[dict[str, Any]] = []
    previous = first
    for state in iterator:
        deltas.append(frame_delta(previous, state))
        previous = state
    return {
        "format": FORMAT_NAME,
        "version": FORMAT_VERSION,
        **header,
        "num_frames": len(deltas) + 1,
        "initial": first,
        "deltas": deltas,
    }


def expand_frames(replay: dict[str, Any]) -> list[State]:
    """Every frame's full state, rebuilt from the first frame and the deltas."""
    frames = [replay["initial"]]
    for delta in replay["deltas"]:
        frames.append(apply_delta(frames[-1], delta))
    return frames


def encode_replay(replay: dict[str, Any]) -> bytes:
    """Compact JSON, gzip-compressed (so a browser can read it with `Content-Encoding: gzip`)."""
    text = json.dumps(replay, separators=(",", ":"), allow_nan=False)
    return gzip.compress(text.encode(), compresslevel=9, mtime=0)


#: The most JSON a replay may hold once inflated: a 1000-step arena episode is ~1 MB; 64x that is a
#: decompression bomb (200 KB of gzip can inflate to gigabytes before json.loads sees it).
MAX_REPLAY_BYTES = 64 << 20


def _inflate_bounded(data: bytes, source: str) -> bytes:
    """gzip or zlib `data` inflated, refusing to produce more than MAX_REPLAY_BYTES."""
    inflater = zlib.decompressobj(wbits=47)  # 32 + 15: a gzip or a zlib header, detected
    out = inflater.decompress(data, MAX_REPLAY_BYTES + 1)
    if len(out) > MAX_REPLAY_BYTES or inflater.unconsumed_tail:
        raise StorageError(
            f"{source}: not a readable replay (it inflates to more than {MAX_REPLAY_BYTES >> 20} MiB)"
        )
    if not inflater.eof:
        raise StorageError(f"{source}: not a readable replay (corrupt compressed data: truncated)")
    return out


def decode_replay(data: bytes, source: str = "replay") -> dict[str, Any]:
    """Read gzip, zlib or plain JSON replay bytes; every failure names `source`."""
    try:
        if data[:2] == b"\x1f\x8b" or data[:1] == b"\x78":
            data = _inflate_bounded(data, source)
    except (OSError, EOFError, zlib.error) as err:
        raise StorageError(f"{source}: not a readable replay (corrupt compressed data: {err})") from None
    if len(data) > MAX_REPLAY_BYTES:
        raise StorageError(
            f"{source}: not a readable replay (more than {MAX_REPLAY_BYTES >> 20} MiB of JSON)"
        )
    try:
        replay = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as err:
        raise StorageError(f"{source}: not a readable replay (invalid JSON: {err})") from None
    if mettascope.is_mettascope(replay):  # the reference viewer's files read as ours
        return build_replay(*mettascope.from_mettascope(replay, source))
    if not isinstance(replay, dict) or replay.get("format") != FORMAT_NAME:
        raise StorageError(f'{source}: not a metta replay (no "format": "{FORMAT_NAME}")')
    version = replay.get("version")
    if version != FORMAT_VERSION:
        raise StorageError(
            f"{source}: replay version {version!r} is not supported (this metta reads {FORMAT_VERSION})"
        )
    for key in ("map_size", "initial", "deltas"):
        if key not in replay:
            raise StorageError(f"{source}: replay is missing the field {key!r}")
    return replay


def write_replay(replay: dict[str, Any], uri: Path | str) -> str:
    """Write the replay to a path or URI (atomic locally, one PUT on s3); returns the URI.
    A `.json.z` name gets MettaScope's format (zlib JSON, per-key change lists), others ours."""
    if str(uri).endswith(mettascope.SUFFIX):
        data = mettascope.encode_mettascope(mettascope.to_mettascope(replay, expand_frames(replay)))
        storage.write_bytes(uri, data, content_type="application/x-compress")
    else:
        storage.write_bytes(uri, encode_replay(replay), content_type="application/gzip")
    return str(uri)


def read_replay(uri: Path | str) -> dict[str, Any]:
    """Read a replay from a path, file:// or s3:// URI."""
    return decode_replay(storage.read_bytes(uri), f"replay {uri}")
