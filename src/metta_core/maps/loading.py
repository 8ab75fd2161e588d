"""Turn a map config file (plus `key=value` overrides) into a `MapConfig`.

A config file may be a builder config (`builder: maze ...`), an environment preset holding one
under `map:`, or a map file (a `map:` block of characters), which becomes an `ascii` config.
Errors name the file and the field. Nothing here builds maps.
"""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from metta_core import storage
from metta_core.config.loader import Layer, describe_validation_error
from metta_core.config.overrides import parse_overrides
from metta_core.config.presets import PRESETS_DIR, reference_config
from metta_core.errors import ConfigError
from metta_core.maps.build import BUILDERS
from metta_core.maps.config import MapConfig, MapConfigModel, SceneMapConfig
from metta_core.maps.mapfile import resolve_map_uri
from metta_core.maps.scene import load_scene


def split_overrides(overrides: str | list[str] | None) -> list[str]:
    """`"width=50 height=50"` or a list of such strings -> ["width=50", "height=50"]."""
    if not overrides:
        return []
    texts = [overrides] if isinstance(overrides, str) else overrides
    return [part for text in texts for part in shlex.split(text)]


def read_config_data(uri: str, what: str = "map config") -> Any:
    from metta_core.config.yaml_text import parse_yaml

    return parse_yaml(storage.read_bytes(uri), f"{what} {uri}")


def _as_map_data(data: Any, uri: str) -> dict[str, Any]:
    if not isinstance(data, dict):
        raise ConfigError(f"map config {uri}: expected a mapping with a `builder:` key")
    if "builder" in data:
        return data
    if isinstance(data.get("map"), dict):  # an environment preset
        return data["map"]
    if isinstance(data.get("map"), str | list):  # a map file
        return {"builder": "ascii", "uri": uri}
    raise ConfigError(f"map config {uri}: no `builder:` key (known builders: see `metta config schema map`)")


def with_overrides(data: dict[str, Any], overrides: list[str], source: str) -> MapConfig:
    """Validate `data` with `key=value` overrides applied (`~key` drops a key); faults name their source."""
    layer = Layer()
    layer.update(data, source)
    for override in parse_overrides(overrides):
        if override.delete:
            node = layer.data
            for key in override.path[:-1]:
                node = node.get(key) if isinstance(node, dict) else None
            if isinstance(node, dict):
                node.pop(override.path[-1], None)
        else:
            layer.set(override.path, override.value, f"override '{override.text}'")
    merged = layer.data
    builder = merged.get("builder")
    if builder not in BUILDERS:
        raise ConfigError(f"{source}: builder {builder!r}: unknown (known: {', '.join(BUILDERS)})")
    try:
        return MapConfigModel.model_validate(merged).root
    except ValidationError as err:
        lines = describe_validation_error(err, layer.sources)
        # The union's errors start with the builder's tag (`maze.width`); say which file too.
        raise ConfigError([f"{source}: {line}" for line in lines]) from None


def resolve_config_uri(name: str) -> str:
    """A path or URI as given, else a shipped map config (`maze_kruskal`) or env preset (`arena`)."""
    if "://" in name or Path(name).exists():
        return name
    shipped = reference_config(name)
    if shipped is not None:
        return str(shipped)
    for section in ("maps", "env"):
        candidate = PRESETS_DIR / section / f"{name}.yaml"
        if candidate.exists():
            return str(candidate)
    return resolve_map_uri(name)


def map_config_data(uri: str) -> dict[str, Any]:
    """The unvalidated map config a file, URI or shipped name holds (a map file: an ascii config)."""
    uri = resolve_config_uri(str(uri))
    return _as_map_data(read_config_data(uri), uri)


def load_map_config(uri: str, overrides: str | list[str] | None = None) -> MapConfig:
    """A validated map config from a file, path, s3 URI or shipped name, with overrides applied."""
    uri = resolve_config_uri(str(uri))
    return with_overrides(map_config_data(uri), split_overrides(overrides), f"map config {uri}")


def scene_map_config(
    scene_uri: str, width: int, height: int, overrides: str | list[str] | None = None
) -> SceneMapConfig:
    """The `scene` builder config for a scene file at a given size, with overrides applied."""
    # The scene tree is read now, so a bad scene file fails before any work, and a map's metadata
    # records the whole tree that drew it.
    scene = load_scene(str(scene_uri)).model_dump(mode="json", exclude_unset=True)
    data = {"builder": "scene", "scene": scene, "width": width, "height": height}
    config = with_overrides(data, split_overrides(overrides), f"scene {scene_uri}")
    assert isinstance(config, SceneMapConfig)
    return config
