"""What `metta config` does: resolve and print settings, validate files, export JSON schemas."""

from __future__ import annotations

import json
import logging
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel

from metta_core.config.loader import merge, override_layer, resolve, validate_mapping
from metta_core.config.presets import read_yaml_file, reference_config
from metta_core.config.registry import PRESET_DIR_SCHEMA, SCHEMAS, load_schema
from metta_core.errors import ConfigError

_log = logging.getLogger("metta")


def to_yaml(model: BaseModel) -> str:
    return yaml.safe_dump(model.model_dump(mode="json"), sort_keys=False, default_flow_style=None)


def guess_schema(path: Path, data: Any) -> str:
    """The schema a file follows: from the preset directory it sits in, else from its keys."""
    if path.parent.name in PRESET_DIR_SCHEMA:
        return PRESET_DIR_SCHEMA[path.parent.name]
    if isinstance(data, dict):
        keys = set(data)
        for name in SCHEMAS:
            try:
                model = load_schema(name)
            except ConfigError:
                continue
            if keys and keys <= set(model.model_fields):
                return name
    raise ConfigError(f"{path}: cannot tell which schema it follows; pass --schema ({', '.join(SCHEMAS)})")


#: The reference's job files: the whole settings of a command (`configs/train_job.yaml`).
REFERENCE_JOBS = {"train_job": "train", "sim_job": "sim"}


def _our_file_for(path: Path) -> Path | None:
    """What a missing file of the reference's `configs/` tree means here: a shipped preset (returned),
    a job file (None: validate that command's defaults), else the "no such file" error."""
    shipped = reference_config(path)
    if shipped is not None:
        _log.warning("note: %s is the reference's name of the shipped preset %s", path, shipped)
        return shipped
    if path.stem in REFERENCE_JOBS:
        _log.warning(
            "note: %s: metta has no job files; checking `metta %s`'s settings",
            path,
            REFERENCE_JOBS[path.stem],
        )
        return None
    read_yaml_file(path)  # raises: no such file
    return path


def validate_file(path: Path | str, schema: str | None = None) -> tuple[str, BaseModel]:
    """Check a YAML file against its schema, reporting every invalid field with the file's name."""
    path = Path(path)
    if not path.exists():
        shipped = _our_file_for(path)
        if shipped is None:
            name = schema or REFERENCE_JOBS[path.stem]
            return name, resolve(load_schema(name), environ={})
        path = shipped
    data = read_yaml_file(path)
    name = schema or guess_schema(path, data)
    model = load_schema(name)
    if hasattr(model, "preset_sections"):  # a command's settings: presets inside it resolve too
        return name, resolve(model, config_file=path, environ={})
    return name, validate_mapping(model, data, f"config file {path}")


def show(target: str, overrides: list[str], schema: str | None = None) -> str:
    """Fully resolved YAML of a command's settings (by name) or of a file, with overrides."""
    if target in SCHEMAS and not Path(target).is_file():
        model = load_schema(target)
        return to_yaml(resolve(model, overrides=overrides))
    path = Path(target)
    if not path.is_file():
        raise ConfigError(f"'{target}': neither a schema name ({', '.join(SCHEMAS)}) nor a file")
    name = schema or guess_schema(path, read_yaml_file(path))
    model = load_schema(name)
    if hasattr(model, "preset_sections"):
        return to_yaml(resolve(model, overrides=overrides, config_file=path))
    data = read_yaml_file(path) or {}
    if overrides:
        merge(data, override_layer(overrides).data)
    return to_yaml(validate_mapping(model, data, f"config file {path}"))


def json_schema(name: str) -> str:
    return json.dumps(load_schema(name).model_json_schema(), indent=2)
