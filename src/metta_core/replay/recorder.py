"""Record one environment of a `VecEnv` into a replay, frame by frame.

Call `capture()` after `reset()` and after every `step()`; it reads `env.snapshot(env_index)`,
keeps only the changes since the previous frame and returns them (the play server forwards them
to the browser). `save()` writes the versioned compressed file. The recorder never steps the
environment and never chooses actions.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from metta_core import storage
from metta_core.env.table import AGENT, OBJECT_NAMES, ORIENTATIONS
from metta_core.replay.format import (
    FORMAT_NAME,
    FORMAT_VERSION,
    State,
    frame_delta,
    read_replay,
    write_replay,
)

#: Snapshot fields of a converter kept in the replay (other objects have none of them).
CONVERTER_FIELDS = ("converting", "cooldown_remaining", "ready")


def _plain(value: Any) -> Any:
    """numpy scalars and arrays to JSON values (rewards rounded: a replay shows, never re-scores)."""
    if isinstance(value, bool | int | str) or value is None:
        return value
    if isinstance(value, float):
        return round(value, 4)
    if hasattr(value, "tolist"):
        return _plain(value.tolist())
    if isinstance(value, list | tuple):
        return [_plain(item) for item in value]
    if hasattr(value, "item"):
        return _plain(value.item())
    return value


def snapshot_state(snapshot: Any) -> State:
    """A `GridSnapshot` as a replay state: objects (agents excluded: they have their own table)
    and agents, keyed by id as strings."""
    objects: dict[str, dict[str, Any]] = {}
    for obj in snapshot.objects:
        type_id = int(obj["type_id"])
        if type_id == AGENT:
            continue
        record = {
            "id": int(obj["id"]),
            "type_id": type_id,
            "row": int(obj["row"]),
            "col": int(obj["col"]),
        }
        if any(int(count) for count in obj.get("inventory", ())):
            record["inventory"] = _plain(obj["inventory"])
        for field in CONVERTER_FIELDS:
            if field in obj:
                record[field] = _plain(obj[field])
        objects[str(record["id"])] = record
    agents: dict[str, dict[str, Any]] = {}
    for agent in snapshot.agents:
        agent_id = int(agent["agent_id"])
        agents[str(agent_id)] = {
            "agent_id": agent_id,
            "object_id": int(agent["object_id"]),
            "team": int(agent["team"]),
            "row": int(agent["row"]),
            "col": int(agent["col"]),
            "orientation": int(agent["orientation"]),
            "inventory": _plain(agent["inventory"]),
            "frozen": int(agent["frozen"]),
            "color": int(agent["color"]),
            "action": [int(agent["last_action"]), int(agent["last_arg"])],
            "action_success": bool(agent["last_action_success"]),
            "reward": _plain(float(agent["last_reward"])),
            "total_reward": _plain(float(agent["total_reward"])),
        }
    return {"objects": objects, "agents": agents}


def replay_header(env: Any, env_name: str | None = None) -> dict[str, Any]:
    """The names a replay carries so it can be read without the environment that made it."""
    config = getattr(env, "config", None)
    name = env_name or getattr(config, "name", None) or "env"
    return {
        "env_name": str(name),
        "object_types": list(OBJECT_NAMES),
        "item_names": list(env.item_names),
        "action_names": list(env.action_names),
        "action_max_args": [int(arg) for arg in env.action_max_args],
        "orientations": list(ORIENTATIONS),
        "num_agents": int(env.num_agents),
        "max_steps": int(env.max_steps),
    }


class ReplayRecorder:
    """Collects the frames of environment `env_index` of `env` and writes them as a replay."""

    def __init__(self, env: Any, env_index: int = 0, env_name: str | None = None):
        self.env = env
        self.env_index = env_index
        self.header = replay_header(env, env_name)
        self.initial: State | None = None
        self.map_size: tuple[int, int] = (0, 0)
        self.deltas: list[dict[str, Any]] = []
        self._last: State | None = None

    @property
    def num_frames(self) -> int:
        return 0 if self.initial is None else len(self.deltas) + 1

    def capture(self) -> dict[str, Any]:
        """Record the environment's current state. Returns the first frame in full, later frames
        as the delta from the frame before (the shape of `deltas` in the file)."""
        snapshot = self.env.snapshot(self.env_index)
        state = snapshot_state(snapshot)
        if self._last is None:
            self.initial = state
            self.map_size = (int(snapshot.height), int(snapshot.width))
            self._last = state
            return state
        delta = frame_delta(self._last, state)
        self.deltas.append(delta)
        self._last = state
        return delta

    @property
    def current_state(self) -> State | None:
        """The state of the last captured frame."""
        return self._last

    def replay(self) -> dict[str, Any]:
        """The replay document of everything captured so far."""
        if self.initial is None:
            raise ValueError("ReplayRecorder.replay(): capture() was never called")
        return {
            "format": FORMAT_NAME,
            "version": FORMAT_VERSION,
            **self.header,
            "map_size": list(self.map_size),
            "num_frames": self.num_frames,
            "initial": self.initial,
            "deltas": self.deltas,
        }

    def save(self, path: Path | str) -> Path | str:
        """Write the replay to a local path (a Path comes back) or an s3:// URI (the URI comes
        back: a Path would mangle it)."""
        uri = write_replay(self.replay(), path)
        return uri if storage.is_s3(uri) else Path(uri)


def load_replay(path: Path | str) -> dict[str, Any]:
    """Read a replay file (path, file:// or s3:// URI) into its document (see replay.format)."""
    return read_replay(path)
