"""Shipped YAML presets: `presets/<section>/<name>.yaml` inside the package.

A preset is named by its file stem (`navigation`) or given as a path to any YAML file. Listing
presets reads only the directory, so shell completion stays instant.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from metta_core.errors import ConfigError

PRESETS_DIR = Path(__file__).resolve().parent.parent / "presets"


def preset_names(section: str) -> list[str]:
    directory = PRESETS_DIR / section
    return sorted(p.stem for p in directory.glob("*.yaml")) if directory.is_dir() else []


def read_yaml_file(path: Path | str, what: str = "config file") -> Any:
    """Read a YAML file, turning every failure into one line that names the file."""
    from metta_core.config.yaml_text import parse_yaml

    path = Path(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{what} {path}: no such file") from None
    except OSError as err:
        raise ConfigError(f"{what} {path}: cannot read ({err.strerror})") from None
    return parse_yaml(raw, f"{what} {path}")


#: The reference keeps its env presets in a group: `env=mettagrid/navigation` is our `navigation`.
REFERENCE_GROUPS = {"env": "mettagrid/"}


def _reference_name(section: str, name: str) -> str:
    group = REFERENCE_GROUPS.get(section)
    return name.removeprefix(group) if group and name.startswith(group) else name


#: The reference's own config files that name one of ours (`trainer/trainer.yaml` is our default).
_REFERENCE_FILES = {("trainer", "trainer"): ("trainer", "default")}


def reference_config(path: Path | str) -> Path | None:
    """Our shipped preset for a path into the reference's `configs/` tree that does not exist here
    (`configs/env/mettagrid/navigation.yaml`, `configs/sweep/fast.yaml`), else None."""
    candidate = Path(path)
    if candidate.exists() or candidate.suffix not in (".yaml", ".yml"):
        return None
    parts = [part for part in candidate.with_suffix("").parts if part not in (".", "configs")]
    if len(parts) < 2:
        return None
    section, name = parts[0], "/".join(parts[1:])
    section, name = _REFERENCE_FILES.get((section, name), (section, _reference_name(section, name)))
    if section == "env" and name.startswith("maps/"):  # configs/env/mettagrid/maps/<map config>
        section, name = "maps", name.removeprefix("maps/")
    shipped = PRESETS_DIR / section / f"{name}.yaml"
    return shipped if shipped.is_file() else None


def preset_path(section: str, name: str, field: str | None = None) -> Path:
    """Resolve a preset name, or a path to a YAML file, for a section (`field` names it in errors)."""
    candidate = Path(name)
    if candidate.suffix in (".yaml", ".yml") and candidate.exists():
        return candidate
    shipped = reference_config(candidate)
    if shipped is not None:
        return shipped
    path = PRESETS_DIR / section / f"{_reference_name(section, name)}.yaml"
    if not path.exists():
        known = ", ".join(preset_names(section)) or "none shipped"
        raise ConfigError(f"{field or section}={name}: no such preset (known: {known})")
    return path


def load_preset(section: str, name: str, field: str | None = None) -> dict[str, Any]:
    data = read_yaml_file(preset_path(section, name, field), f"{field or section} preset")
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise ConfigError(f"{section} preset {name}: expected a mapping at the top level")
    return data
