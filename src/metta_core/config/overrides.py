"""The `key=value` override grammar of the command line (Hydra's, minus its config groups).

- `trainer.learning_rate=3e-4`  set a dotted path; the value is parsed as YAML (numbers, bools,
  null, `[lists]`, `{maps}`), so `name=007` stays a number and `name='007'` a string.
- `+key=value`                  the same (Hydra's "add a key"; kept so reference commands paste).
- `~key`                        drop whatever a lower source set, back to the model default.
- `env=arena`                   a string on a section with presets selects that preset.
"""

from __future__ import annotations

import logging
import re
from dataclasses import dataclass
from typing import Any

import yaml

from metta_core.errors import ConfigError

_log = logging.getLogger("metta")

_FLOAT = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$")


@dataclass(frozen=True)
class Override:
    path: tuple[str, ...]
    value: Any
    delete: bool = False
    text: str = ""


def parse_value(text: str) -> Any:
    """Parse an override's value as a YAML scalar or flow collection; fall back to the raw string."""
    if text == "":
        return ""
    try:
        value = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        return text
    # YAML 1.1 reads `3e-4` as a string; a float is what every user means.
    if isinstance(value, str) and _FLOAT.match(value):
        return float(value)
    return value


def parse_path(key: str, text: str) -> tuple[str, ...]:
    parts = tuple(key.split("."))
    if not key or any(not p or not p.replace("_", "a").replace("-", "a").isalnum() for p in parts):
        raise ConfigError(f"override '{text}': '{key}' is not a dotted key like trainer.learning_rate")
    return parts


def parse_override(text: str) -> Override:
    if text.startswith("~"):
        key = text[1:].split("=", 1)[0]
        return Override(parse_path(key, text), None, delete=True, text=text)
    if "=" not in text:
        raise ConfigError(f"override '{text}': expected key=value (for example trainer.learning_rate=3e-4)")
    key, raw = text.split("=", 1)
    key = key[1:] if key.startswith("+") else key
    return Override(parse_path(key, text), parse_value(raw), text=text)


def _rejoin_split_collections(texts: list[str]) -> list[str]:
    """Join words the shell split inside a flow collection: `key=["a",` `"b"]` -> `key=[a, b]`
    (the reference document writes `dashboard.policies=["run1", "run2"]` unquoted)."""
    joined: list[str] = []
    depth = 0
    for text in texts:
        if depth > 0:
            joined[-1] += " " + text
        else:
            joined.append(text)
        depth += text.count("[") + text.count("{") - text.count("]") - text.count("}")
    return joined


def _is_hydra_setting(text: str) -> bool:
    """`hydra/help=default`, `hydra.run.dir=...`: Hydra's own settings, which mean nothing here."""
    return text.lstrip("+~").startswith(("hydra/", "hydra."))


def parse_overrides(texts: list[str]) -> list[Override]:
    """Parse every override, reporting all malformed ones together."""
    parsed, problems = [], []
    for text in _rejoin_split_collections(list(texts)):
        if _is_hydra_setting(text):
            _log.warning("note: %s: metta has no Hydra; `--help` lists every option", text)
            continue
        try:
            parsed.append(parse_override(text))
        except ConfigError as err:
            problems.extend(err.problems)
    if problems:
        raise ConfigError(problems)
    return parsed
