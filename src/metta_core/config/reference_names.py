"""The Metta reference's spellings of our settings, so its command lines and files work as typed.

Each settings model may declare `reference_names`: a reference key (dotted, relative to the model)
-> our key (dotted, relative to the same model), or an `Alias` that also converts the value or
accepts the key as a no-op with a note. Our spelling is the canonical, documented one; the
reference's is an alias. Two places apply the table, with one function (`canonical_leaves`):

- the loader renames every value of an override, file or environment layer before layers merge,
  so an error names the source that set the value (`trainer.ppo.gamma=2` blames that override);
- a before-validator of every model does the same for data validated directly (a YAML file given
  to `metta config validate`, Python callers).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from metta_core.config.field_types import members

_log = logging.getLogger("metta")

Path_ = tuple[str, ...]


class _Drop:
    """An alias's converter returns DROP for a value that means "nothing to set" (policy_type=trained)."""


DROP = _Drop()


@dataclass(frozen=True)
class Alias:
    """A reference key: where its value goes (None: nowhere), how it converts, what to tell the user.

    `convert` may raise ValueError with a message for a value we cannot honour; `replace` makes the
    value replace whatever lower sources set there instead of merging into it (a whole map)."""

    path: str | None
    note: str = ""
    convert: Callable[[Any], Any] | None = None
    replace: bool = False


def ignored(note: str) -> Alias:
    """A reference key with no counterpart here: accepted, and the note says why it does nothing."""
    return Alias(None, note=note)


def _table(model: Any) -> Mapping[str, str | Alias]:
    return getattr(model, "reference_names", None) or {}


def _submodel(model: Any, key: str) -> Any:
    """The settings model of field `key` of `model` (through Optional and unions), or None."""
    from pydantic import BaseModel

    fields = getattr(model, "model_fields", {})
    if key not in fields:
        return None
    candidates = members(fields[key].annotation)
    return next((c for c in candidates if isinstance(c, type) and issubclass(c, BaseModel)), None)


def resolve_path(model: Any, path: Path_) -> tuple[Path_ | None, Alias | None]:
    """Our path for `path` (a reference spelling or already ours) and the alias that renamed it."""
    found: Alias | None = None
    done: Path_ = ()
    rest = path
    while rest and model is not None:
        table = _table(model)
        for end in range(len(rest), 0, -1):
            entry = table.get(".".join(rest[:end]))
            if entry is None:
                continue
            alias = entry if isinstance(entry, Alias) else Alias(entry)
            if alias.path is None:
                return None, alias
            found = alias
            rest = (*alias.path.split("."), *rest[end:])
            break
        key, rest = rest[0], rest[1:]
        done = (*done, key)
        model = _submodel(model, key)
    return (*done, *rest), found


@dataclass
class Renamed:
    """One leaf after renaming: our path, its converted value, and whether it replaces lower values."""

    path: Path_
    value: Any
    replace: bool = False


def canonical_leaf(model: Any, path: Path_, value: Any) -> Renamed | None:
    """`path`/`value` in our spelling; None when the key is accepted and ignored. Notes are logged."""
    target, alias = resolve_path(model, path)
    if alias is not None and alias.note:
        _log.warning("note: %s: %s", ".".join(path), alias.note)
    if alias is not None and alias.convert is not None:
        try:
            value = alias.convert(value)
        except ValueError as err:
            raise ValueError(f"{'.'.join(path)}: {err}") from None
    if target is None or value is DROP:
        return None
    return Renamed(target, value, bool(alias and alias.replace))


def leaves(data: Mapping[str, Any], prefix: Path_ = ()) -> Iterator[tuple[Path_, Any]]:
    """Every (path, value) under `data`; an empty mapping is a leaf."""
    for key, value in data.items():
        path = (*prefix, str(key))
        if isinstance(value, Mapping) and value:
            yield from leaves(value, path)
        else:
            yield path, value


def uses_reference_names(model: Any, data: Mapping[str, Any]) -> bool:
    """Whether any key of `data` is a reference spelling (cheap check before rebuilding)."""
    return any(resolve_path(model, path)[1] is not None for path, _ in leaves(data))


def rename_data(model: Any, data: Any) -> Any:
    """`data` (a mapping validated by `model`) with reference spellings renamed to ours."""
    if not isinstance(data, Mapping) or not uses_reference_names(model, data):
        return data
    out: dict[str, Any] = {}
    for path, value in leaves(data):
        renamed = canonical_leaf(model, path, value)
        if renamed is None:
            continue
        node = out
        for key in renamed.path[:-1]:
            child = node.get(key)
            node = node.setdefault(key, {}) if isinstance(child, dict) or child is None else {}
        node[renamed.path[-1]] = renamed.value
    return out
