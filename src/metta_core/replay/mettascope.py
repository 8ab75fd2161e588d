"""MettaScope replays (the reference's viewer format), read and written.

A MettaScope replay is zlib-compressed JSON (`<name>.json.z`), version 1: the names it needs
(`action_names`, `inventory_items`, `object_types`), `map_size` as [width, height], `num_agents`,
`max_steps` (the number of logged steps) and `grid_objects`, one dict per object in id order.
Each key of an object holds a constant (it never changed) or a change list `[[step, value], ...]`:
an entry only when the value changes, a key first seen at step s > 0 starts `[[0, 0], [s, v]]`, a
key that disappears gets `[step, 0]`. Agents carry `agent_id`, `orientation`, `group`, `frozen`,
`color`, `inventory` ({item index: count}), `inv:<item>`, `action` ([type, arg]),
`action_success`, `reward` and `total_reward`.

Our replays (format.py) store a first state and deltas; this module converts between MettaScope
and full per-frame states (format.py does the rest), so everything else reads one format. Our frame i is MettaScope
step i (our frame 0, the state after reset, is its step 0).
"""

from __future__ import annotations

import json
import zlib
from typing import Any

from metta_core.errors import StorageError

MettaScope = dict[str, Any]
State = dict[str, dict[str, dict[str, Any]]]  # one frame, as replay.format keeps it
SUFFIX = ".json.z"
VERSION = 1


def is_mettascope(document: Any) -> bool:
    return isinstance(document, dict) and "grid_objects" in document and "format" not in document


# --- ours -> MettaScope ---------------------------------------------------------------------------


def _object_keys(record: dict[str, Any], replay: dict[str, Any], is_agent: bool) -> dict[str, Any]:
    """One object's MettaScope keys at one frame."""
    items = replay["item_names"]
    type_id = 0 if is_agent else record["type_id"]
    keys: dict[str, Any] = {
        "id": record["object_id"] if is_agent else record["id"],
        "type": type_id,
        "type_name": replay["object_types"][type_id],
        "r": record["row"],
        "c": record["col"],
        "layer": 0 if is_agent else 1,
    }
    inventory = record.get("inventory") or [0] * len(items)
    for index, count in enumerate(inventory):
        if count:
            keys[f"inv:{items[index]}"] = count
    if is_agent:
        keys.update(
            agent_id=record["agent_id"],
            group=record["team"],
            orientation=record["orientation"],
            frozen=record["frozen"],
            color=record["color"],
            inventory={str(i): c for i, c in enumerate(inventory) if c},
            action=record["action"],
            action_success=record["action_success"],
            reward=record["reward"],
            total_reward=record["total_reward"],
        )
    else:
        for field in ("converting", "cooldown_remaining", "ready"):
            if field in record:
                keys[field] = record[field]
    return keys


def _change_lists(frames: list[dict[str, Any] | None]) -> dict[str, Any]:
    """Per-key constants or `[[step, value], ...]` lists from an object's keys at every step
    (a key absent at a step is 0 there, as MettaScope reads it)."""
    names = list(dict.fromkeys(key for keys in frames if keys for key in keys))
    out: dict[str, Any] = {}
    for name in names:
        values = [keys.get(name, 0) if keys else 0 for keys in frames]
        changes = [[0, values[0]]]
        for step, value in enumerate(values[1:], 1):
            if value != changes[-1][1]:
                changes.append([step, value])
        out[name] = changes[0][1] if len(changes) == 1 else changes
    return out


def to_mettascope(replay: dict[str, Any], frames: list[State]) -> MettaScope:
    """Our replay (its header fields, and its `frames` expanded) as a MettaScope document."""
    per_object: dict[int, list[dict[str, Any] | None]] = {}
    for step, state in enumerate(frames):
        for kind, is_agent in (("objects", False), ("agents", True)):
            for record in state[kind].values():
                keys = _object_keys(record, replay, is_agent)
                per_object.setdefault(keys["id"], [None] * len(frames))[step] = keys
    height, width = replay["map_size"]
    return {
        "version": VERSION,
        "action_names": replay["action_names"],
        "inventory_items": replay["item_names"],
        "object_types": replay["object_types"],
        "map_size": [width, height],
        "num_agents": replay["num_agents"],
        "max_steps": len(frames),
        "grid_objects": [_change_lists(per_object[oid]) for oid in sorted(per_object)],
        "config": {"env_name": replay.get("env_name", "")},
    }


def encode_mettascope(document: MettaScope) -> bytes:
    return zlib.compress(json.dumps(document, separators=(",", ":"), allow_nan=False).encode(), 9)


# --- MettaScope -> ours ---------------------------------------------------------------------------


def _at(value: Any, step: int) -> Any:
    """A key's value at `step`: a constant, or the last change at or before it."""
    if not (isinstance(value, list) and value and all(isinstance(e, list) and len(e) == 2 for e in value)):
        return value
    current = 0
    for at, entry in value:
        if at > step:
            break
        current = entry
    return current


def _inventory(keys: dict[str, Any], items: list[str], step: int) -> list[int]:
    counts = [int(_at(keys.get(f"inv:{item}", 0), step) or 0) for item in items]
    held = _at(keys.get("inventory", {}), step)
    if isinstance(held, dict):
        for index, count in held.items():
            if str(index).isdigit() and int(index) < len(counts):
                counts[int(index)] = int(count)
    return counts


def _state(document: MettaScope, step: int) -> State:
    items = list(document.get("inventory_items", []))
    types = list(document["object_types"])
    objects: dict[str, dict[str, Any]] = {}
    agents: dict[str, dict[str, Any]] = {}
    for keys in document["grid_objects"]:
        type_id = int(_at(keys.get("type", 0), step))
        object_id = int(_at(keys["id"], step))
        row, col = int(_at(keys.get("r", 0), step)), int(_at(keys.get("c", 0), step))
        inventory = _inventory(keys, items, step)
        if types[type_id] == "agent" or "agent_id" in keys:
            agent_id = int(_at(keys.get("agent_id", 0), step))
            action = _at(keys.get("action", [0, 0]), step) or [0, 0]
            agents[str(agent_id)] = {
                "agent_id": agent_id,
                "object_id": object_id,
                "team": int(_at(keys.get("group", keys.get("agent:group", 0)), step)),
                "row": row,
                "col": col,
                "orientation": int(_at(keys.get("orientation", keys.get("agent:orientation", 0)), step)),
                "inventory": inventory,
                "frozen": int(_at(keys.get("frozen", keys.get("agent:frozen", 0)), step)),
                "color": int(_at(keys.get("color", keys.get("agent:color", 0)), step)),
                "action": [int(a) for a in action][:2],
                "action_success": bool(_at(keys.get("action_success", False), step)),
                "reward": float(_at(keys.get("reward", 0.0), step)),
                "total_reward": float(_at(keys.get("total_reward", 0.0), step)),
            }
        else:
            record: dict[str, Any] = {"id": object_id, "type_id": type_id, "row": row, "col": col}
            if any(inventory):
                record["inventory"] = inventory
            for field in ("converting", "cooldown_remaining", "ready"):
                if field in keys:
                    record[field] = _at(keys[field], step)
            objects[str(object_id)] = record
    return {"objects": objects, "agents": agents}


def from_mettascope(document: MettaScope, source: str = "replay") -> tuple[dict[str, Any], list[State]]:
    """A MettaScope document as our replay header and its frames' full states."""
    if document.get("version") != VERSION:
        raise StorageError(
            f"{source}: MettaScope replay version {document.get('version')!r} is not supported"
        )
    for key in ("object_types", "map_size", "grid_objects", "max_steps"):
        if key not in document:
            raise StorageError(f"{source}: MettaScope replay is missing the field {key!r}")
    try:
        width, height = (int(v) for v in document["map_size"])
        steps = max(int(document["max_steps"]), 1)
        states = [_state(document, step) for step in range(steps)]
    except (TypeError, ValueError, KeyError, IndexError) as err:
        raise StorageError(
            f"{source}: not a readable MettaScope replay ({type(err).__name__}: {err})"
        ) from None
    actions = list(document.get("action_names", []))
    header = {
        "env_name": str((document.get("config") or {}).get("env_name", "mettascope")),
        "object_types": list(document["object_types"]),
        "item_names": list(document.get("inventory_items", [])),
        "action_names": actions,
        "action_max_args": [0] * len(actions),
        "orientations": ["up", "down", "left", "right"],
        "num_agents": int(document.get("num_agents", len(states[0]["agents"]))),
        "max_steps": steps,
        "map_size": [height, width],
    }
    return header, states
