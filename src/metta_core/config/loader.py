"""Resolve a settings model from all of its sources, remembering where every value came from.

Precedence, highest first: CLI options > `key=value` overrides > `--config` YAML > `METTA_*`
environment variables > presets > model defaults. Each source becomes a nested dict layer; layers
are deep-merged in order and every leaf remembers its source, so a validation failure can say
"trainer.learning_rate: ... (from override 'trainer.learning_rate=-1')". All faults are collected
and raised together as one `ConfigError`.

The models are pydantic-settings classes (so `TrainSettings()` in Python also reads `METTA_*`),
but this loader reads the environment itself to keep the provenance of each value.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from metta_core.config.field_types import keep_text_as_typed, nearest_key
from metta_core.config.overrides import parse_overrides, parse_value
from metta_core.config.presets import load_preset, preset_path, read_yaml_file
from metta_core.config.reference_names import canonical_leaf, leaves, resolve_path, uses_reference_names
from metta_core.errors import ConfigError

M = TypeVar("M", bound=BaseModel)
Path_ = tuple[str, ...]
ENV_PREFIX = "METTA_"


class Layer:
    """One source of values: a nested dict and the label of the source of each leaf."""

    def __init__(self) -> None:
        self.data: dict[str, Any] = {}
        self.sources: dict[Path_, str] = {}
        self.deletions: list[Path_] = []
        # The text typed for a value (overrides, environment): a text-only field gets it as typed.
        self.typed: dict[Path_, str] = {}
        # A section named by a string (`env=arena`) that this layer also sets keys inside
        # (`env.game.max_steps=500`): the name is kept here so that neither replaces the other.
        self.names: dict[str, tuple[str, str]] = {}

    def set(self, path: Path_, value: Any, source: str) -> None:
        top = self.data.get(path[0])
        if len(path) == 1 and isinstance(value, str) and isinstance(top, dict):
            self.names[path[0]] = (value, source)
            return
        if len(path) > 1 and isinstance(top, str):
            self.names[path[0]] = (top, self.sources.pop((path[0],), "?"))
        node = self.data
        for key in path[:-1]:
            child = node.get(key)
            if not isinstance(child, dict):
                child = node[key] = {}
            node = child
        node[path[-1]] = value
        for leaf in _leaves(path, value):
            self.sources[leaf] = source

    def update(self, mapping: Mapping[str, Any], source: str, prefix: Path_ = ()) -> None:
        for key, value in mapping.items():
            path = (*prefix, str(key))
            if isinstance(value, Mapping) and value:
                self.update(value, source, path)
            else:
                self.set(path, value, source)


def _leaves(path: Path_, value: Any) -> list[Path_]:
    if isinstance(value, Mapping) and value:
        return [leaf for leaf, _ in leaves(value, path)]
    return [path]


def merge(into: dict[str, Any], layer: dict[str, Any]) -> None:
    for key, value in layer.items():
        if isinstance(value, dict) and isinstance(into.get(key), dict):
            merge(into[key], value)
        else:
            into[key] = value


def _delete(
    data: dict[str, Any], sources: dict[Path_, str], path: Path_, model: type[BaseModel] | None = None
) -> None:
    """Remove `path` from `data`. A path that is neither set nor a field of `model` is a typo the
    user must hear about (`~trainer.bogus`), not a silent no-op."""
    node: Any = data
    for key in path[:-1]:
        node = node.get(key) if isinstance(node, dict) else None
    if isinstance(node, dict) and path[-1] in node:
        node.pop(path[-1])
    elif model is not None and not _is_field_path(model, path):
        raise ConfigError(f"~{'.'.join(path)}: no such key to delete")
    for leaf in [p for p in sources if p[: len(path)] == path]:
        del sources[leaf]


def _is_field_path(model: type[BaseModel], path: Path_) -> bool:
    """Whether `path` names a field of `model` (through nested models; free-form dicts accept any key)."""
    current: type[BaseModel] | None = model
    for key in path:
        if current is None:
            return True  # inside a dict-valued field: any key may exist
        if key not in current.model_fields:
            return False
        current = _field_model(current, key)
    return True


def apply_overrides(
    data: dict[str, Any], texts: list[str], model: type[BaseModel] | None = None
) -> dict[Path_, str]:
    """Apply `key=value` / `~key` overrides to plain nested data in place; returns the source
    label of every value they set (for error messages). With `model`, deleting a key that is
    neither set nor a field of it is an error."""
    layer = override_layer(texts)
    for path in layer.deletions:
        _delete(data, {}, path, model)
    merge(data, layer.data)
    return layer.sources


def preset_sections(model: type[BaseModel]) -> dict[str, str]:
    """Fields of `model` whose value may be a preset name: field name -> presets/ directory."""
    return dict(getattr(model, "preset_sections", {}) or {})


def default_presets(model: type[BaseModel]) -> dict[str, str]:
    """Presets loaded when no source names one: field name -> preset name."""
    return dict(getattr(model, "default_presets", {}) or {})


def environment_layer(model: type[BaseModel], environ: Mapping[str, str]) -> Layer:
    """`METTA_TRAINER__LEARNING_RATE=3e-4` -> trainer.learning_rate. Variables naming no field of
    this model are left alone: the environment is shared by every command."""
    layer = Layer()
    fields = set(model.model_fields)
    for name, raw in sorted(environ.items()):
        if not name.startswith(ENV_PREFIX):
            continue
        path = tuple(part.lower() for part in name[len(ENV_PREFIX) :].split("__"))
        if path[0] in fields and all(path):
            layer.set(path, parse_value(raw), f"environment {name}")
            layer.typed[path] = raw
    return layer


def file_layer(path: Path | str) -> Layer:
    layer = Layer()
    data = read_yaml_file(path)
    if data is None:
        return layer
    if not isinstance(data, Mapping):
        raise ConfigError(f"config file {path}: expected a mapping of settings at the top level")
    layer.update(data, f"config file {path}")
    return layer


def override_layer(texts: list[str]) -> Layer:
    layer = Layer()
    for override in parse_overrides(texts):
        if override.delete:
            layer.deletions.append(override.path)
        else:
            layer.set(override.path, override.value, f"override '{override.text}'")
            layer.typed[override.path] = override.text.split("=", 1)[1]
    return layer


def cli_layer(options: Mapping[str, tuple[Any, str]]) -> Layer:
    """`options` maps a dotted path to (value, flag), holding only options the user gave."""
    layer = Layer()
    for dotted, (value, flag) in options.items():
        if value is not None:
            layer.set(tuple(dotted.split(".")), value, f"option {flag}")
    return layer


def _take_presets(model: type[BaseModel], layers: list[Layer]) -> tuple[Layer, dict[str, str]]:
    """Pull `section: name` strings out of the layers into one preset layer (the highest wins)."""
    chosen: dict[str, tuple[str, str]] = {}
    for layer in layers:  # lowest first, so later layers win
        for key in set(layer.names) - set(preset_sections(model)):  # not a preset: as it was typed
            layer.data[key], layer.sources[(key,)] = layer.names.pop(key)
        for section in preset_sections(model):
            if section in layer.names:
                chosen[section] = layer.names[section]
            value = layer.data.get(section)
            if isinstance(value, str):
                chosen[section] = (value, layer.sources.get((section,), "?"))
                del layer.data[section]
                layer.sources.pop((section,), None)
    for section, name in default_presets(model).items():
        chosen.setdefault(section, (name, "default"))
    presets = Layer()
    names: dict[str, str] = {}
    problems: list[str] = []
    for section, (name, source) in chosen.items():
        directory = preset_sections(model)[section]
        try:
            data = load_preset(directory, name, section)
            label = f"preset {section}={name} ({preset_path(directory, name)})"
        except ConfigError as err:
            problems.append(f"{err} (from {source})")
            continue
        section_model = _field_model(model, section)
        if section_model is not None and "name" in section_model.model_fields and "name" not in data:
            data = {"name": Path(name).stem, **data}
        presets.set((section,), {}, label)
        presets.update(data, label, (section,))
        names[section] = name
    if problems:
        raise ConfigError(problems)
    _apply_env_hints(model, presets, names)
    return presets, names


def _in_our_names(model: type[BaseModel], layer: Layer) -> Layer:
    """`layer` with the reference's spellings (`trainer.ppo.gamma`, `sim_job.policy_uris`) renamed
    to ours, each value keeping its source; a value we cannot honour is an error naming it."""
    if not uses_reference_names(model, layer.data):
        return layer
    out = Layer()
    out.deletions = [resolve_path(model, path)[0] or path for path in layer.deletions]
    problems = []
    for path, source in layer.sources.items():
        value = _value_at(layer.data, path)
        try:
            renamed = canonical_leaf(model, path, value)
        except ValueError as err:
            problems.append(f"{err} (from {source})")
            continue
        if renamed is None:
            continue
        if renamed.replace:
            out.deletions.append(renamed.path)
        out.set(renamed.path, renamed.value, source)
        if path in layer.typed and renamed.value is value:
            out.typed[renamed.path] = layer.typed[path]
    for section, (name, source) in layer.names.items():
        renamed = canonical_leaf(model, (section,), name)
        named = renamed is not None and renamed.path == (section,) and isinstance(renamed.value, str)
        out.names[section] = (renamed.value if named else name, source)
    if problems:
        raise ConfigError(problems)
    return out


def _value_at(data: Mapping[str, Any], path: Path_) -> Any:
    node: Any = data
    for key in path:
        node = node[key]
    return node


def _apply_env_hints(model: type[BaseModel], presets: Layer, names: dict[str, str]) -> None:
    """An env preset's `trainer:` and `agent:` settings (what makes that env learn) go over the
    trainer and agent presets, still below every source the user gives."""
    if "env" not in names:
        return
    for section in ("trainer", "agent"):
        if section not in model.model_fields:
            continue
        hints = presets.data.get("env", {}).get(section)
        if isinstance(hints, dict) and hints:
            presets.update(hints, f"preset env={names['env']} (its {section} settings)", (section,))


def _field_model(model: type[BaseModel], field: str) -> type[BaseModel] | None:
    annotation = model.model_fields[field].annotation
    return annotation if isinstance(annotation, type) and issubclass(annotation, BaseModel) else None


def resolve(
    model: type[M],
    *,
    overrides: list[str] | None = None,
    config_file: Path | str | None = None,
    cli_options: Mapping[str, tuple[Any, str]] | None = None,
    environ: Mapping[str, str] | None = None,
) -> M:
    """Build `model` from every source; raise one ConfigError listing every invalid field."""
    problems: list[str] = []
    layers: list[Layer] = []
    environ = os.environ if environ is None else environ
    for build in (
        lambda: environment_layer(model, environ),
        lambda: file_layer(config_file) if config_file is not None else Layer(),
        lambda: override_layer(list(overrides or [])),
        lambda: cli_layer(cli_options or {}),
    ):
        try:
            layers.append(build())
        except ConfigError as err:
            problems.extend(err.problems)
    if problems:
        raise ConfigError(problems)
    layers = [_in_our_names(model, layer) for layer in layers]

    presets, _ = _take_presets(model, layers)
    merged: dict[str, Any] = {}
    sources: dict[Path_, str] = {}
    typed: dict[Path_, str] = {}
    for layer in [presets, *layers]:
        for path in layer.deletions:
            _delete(merged, sources, path, model)
        merge(merged, layer.data)
        sources.update(layer.sources)
        for path in layer.sources:
            if path in layer.typed:
                typed[path] = layer.typed[path]
            else:
                typed.pop(path, None)
    keep_text_as_typed(model, merged, typed)

    follow = getattr(model, "follow_user_values", None)
    if follow is not None:
        follow(merged, lambda path: path in sources and not sources[path].startswith("preset"))
    try:
        return model.model_validate(merged)
    except ValidationError as err:
        raise ConfigError(describe_validation_error(err, sources, model)) from None


#: A message that starts by naming a field or option (`--agents 3: ...`, `agents=3: ...`).
_NAMES_ITS_FIELD = re.compile(r"^(--)?[A-Za-z_][\w.\-]*( \S+)?[:=]")


def describe_validation_error(
    err: ValidationError, sources: Mapping[Path_, str], model: type[BaseModel] | None = None
) -> list[str]:
    """One line per fault: dotted path, what is wrong, and which source supplied the value.
    With `model`, an unknown key names the nearest known spelling."""
    lines = []
    for item in err.errors():
        loc = tuple(str(part) for part in item["loc"])
        dotted = ".".join(loc) or "(top level)"
        if item["type"] == "extra_forbidden":
            message = "unknown key" + nearest_key(model, loc)
        elif item["type"] == "missing":
            message = "required, but no source sets it"
        else:
            message = item["msg"].removeprefix("Value error, ")
            if "input" in item and not isinstance(item["input"], dict | list):
                message += f", got {item['input']!r}"
        if not loc and _NAMES_ITS_FIELD.match(message):  # a whole-model rule that names its field
            lines.append(message)
            continue
        source = _source_of(loc, sources)
        lines.append(f"{dotted}: {message}" + (f" (from {source})" if source else ""))
    return lines


def _source_of(loc: Path_, sources: Mapping[Path_, str]) -> str | None:
    # A fault on a section (a rule between its fields) names the sources of the values inside it,
    # the user's own (overrides, files, options) before the presets they were layered on.
    inside = list(dict.fromkeys(s for p, s in sources.items() if p[: len(loc)] == loc and len(p) > len(loc)))
    own = [source for source in inside if not source.startswith("preset")]
    if own:
        return ", ".join(own)
    for end in range(len(loc), 0, -1):
        if loc[:end] in sources:
            return sources[loc[:end]]
    return inside[0] if inside else None


def validate_mapping(model: type[M], data: Any, source: str) -> M:
    """Validate plain data (a YAML file's contents) against `model`, errors naming `source`."""
    layer = Layer()
    if not isinstance(data, Mapping):
        raise ConfigError(f"{source}: expected a mapping at the top level")
    layer.update(data, source)
    try:
        return model.model_validate(data)
    except ValidationError as err:
        raise ConfigError(describe_validation_error(err, layer.sources, model)) from None
