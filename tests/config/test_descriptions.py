"""Every settings field carries a description, so `metta config schema` and editors explain it."""

from __future__ import annotations

import importlib
import pkgutil

import pytest

import metta_core
from metta_core.config.base import CommandSettings, Section
from metta_core.config.registry import SCHEMAS, load_schema


def _all_settings_models() -> list[type]:
    for module in pkgutil.walk_packages(metta_core.__path__, "metta_core."):
        importlib.import_module(module.name)
    found: list[type] = []
    stack = [Section, CommandSettings]
    while stack:
        for sub in stack.pop().__subclasses__():
            if sub not in found:
                found.append(sub)
                stack.append(sub)
    # Other tests define models of their own; only the package's are users' settings.
    return [model for model in found if model.__module__.startswith("metta_core.")]


def test_every_field_of_every_settings_model_has_a_description():
    models = _all_settings_models()
    assert len(models) > 30  # the walk found the package's models, not nothing
    missing = [
        f"{model.__module__}.{model.__name__}.{name}"
        for model in models
        for name, field in model.model_fields.items()
        if not (field.description or "").strip()
    ]
    assert missing == []


def _properties(schema: dict):
    """(path, property schema) of every property in a JSON schema and its definitions."""
    for name, definition in [("", schema), *schema.get("$defs", {}).items()]:
        for key, prop in definition.get("properties", {}).items():
            yield f"{name}.{key}".strip("."), prop


@pytest.mark.parametrize("name", sorted(SCHEMAS))
def test_the_json_schema_users_read_describes_every_property(name):
    model = load_schema(name)
    schema = model.model_json_schema()
    undescribed = [path for path, prop in _properties(schema) if not prop.get("description")]
    assert undescribed == []
