"""What a settings field's type says about the values a user types for it: whether it takes text
only (so `run=123` stays the name "123"), and the nearest known spelling of a key that is none.
Used by the loader; no settings model lives here."""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import PurePath
from types import UnionType
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel

Path_ = tuple[str, ...]


def keep_text_as_typed(model: type[BaseModel], data: dict[str, Any], typed: Mapping[Path_, str]) -> None:
    """Give a text-only field the text the user typed, not what YAML made of it: `run=123`,
    `run=2024-01-01` and `wandb.project=no` are names, not a number, a date and False. Flow
    collections (`[a, b]`, `{k: v}`) and `null` on an optional field keep their YAML meaning."""
    for path, text in typed.items():
        node: Any = data
        for key in path[:-1]:
            node = node.get(key) if isinstance(node, dict) else None
        if not isinstance(node, dict) or path[-1] not in node:
            continue
        value = node[path[-1]]
        if isinstance(value, str | list | dict) or (value is None and text.strip() in ("null", "~", "")):
            continue
        if field_is_text(model, path):
            node[path[-1]] = text


def field_is_text(model: type[BaseModel], path: Path_) -> bool:
    """Whether the field at `path` takes text only (str, a path, string literals, optionally None)."""
    annotation: Any = model
    for key in path:
        owner = next(
            (m for m in members(annotation) if isinstance(m, type) and issubclass(m, BaseModel)), None
        )
        if owner is None or key not in owner.model_fields:
            return False
        annotation = owner.model_fields[key].annotation
    options = [m for m in members(annotation) if m is not type(None)]
    return bool(options) and all(_is_text_type(m) for m in options)


def members(annotation: Any) -> list[Any]:
    """The alternatives of a union (`A | B`, Optional, Annotated unwrapped); else [annotation]."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return members(get_args(annotation)[0])
    if origin in (Union, UnionType):
        return [m for arg in get_args(annotation) for m in members(arg)]
    return [annotation]


def _is_text_type(annotation: Any) -> bool:
    if get_origin(annotation) is Literal:
        return all(isinstance(arg, str) for arg in get_args(annotation))
    return isinstance(annotation, type) and issubclass(annotation, str | PurePath)


def nearest_key(model: type[BaseModel] | None, loc: Path_) -> str:
    """`; did you mean trainer.learning_rate?` for a misspelt key, else ''."""
    owner: Any = model
    for key in loc[:-1]:
        owner = next((m for m in members(owner) if isinstance(m, type) and issubclass(m, BaseModel)), None)
        if owner is None or key not in owner.model_fields:
            return ""
        owner = owner.model_fields[key].annotation
    owner = next((m for m in members(owner) if isinstance(m, type) and issubclass(m, BaseModel)), None)
    if owner is None or not loc:
        return ""
    names = [alias for name, info in owner.model_fields.items() for alias in (name, info.alias) if alias]
    close = difflib.get_close_matches(loc[-1], names, n=1, cutoff=0.6)
    return f"; did you mean {'.'.join((*loc[:-1], close[0]))}?" if close else ""
