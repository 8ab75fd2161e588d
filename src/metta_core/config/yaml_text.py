"""Parse YAML that a user wrote (config, preset, suite, sweep, map and scene files), so that every
way it can be wrong is one line naming the file: not UTF-8, nested so deep that PyYAML's
recursive composer runs out of stack, or invalid YAML (its problem and line, without PyYAML's
multi-line context). `!!python` tags are refused by the safe loader as before.
"""

from __future__ import annotations

from typing import Any

import yaml

from metta_core.errors import ConfigError


def parse_yaml(raw: bytes | str, source: str, error: type[Exception] = ConfigError) -> Any:
    """The data of YAML `raw` read from `source` (named in errors), or `error` with one line."""
    if isinstance(raw, bytes):
        try:
            raw = raw.decode("utf-8")
        except UnicodeDecodeError as err:
            raise error(f"{source}: not UTF-8 text (byte {err.start})") from None
    try:
        return yaml.safe_load(raw)
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f" line {mark.line + 1}" if mark else ""
        problem = str(getattr(err, "problem", None) or err).splitlines()[0]
        raise error(f"{source}:{where} invalid YAML ({problem})") from None
    except RecursionError:
        raise error(f"{source}: nested too deeply to read") from None
