"""Map files: the YAML `map:` block (plus metadata) and plain text grids, read and written.

A map file written here can be read back by the `ascii` builder. Reading turns accepted aliases of
the game table into canonical characters; characters outside the table are an error here (the
`normalize` module is what maps legacy legends). Nothing here builds or validates maps.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import yaml

from metta_core import storage
from metta_core.config.presets import PRESETS_DIR
from metta_core.env.table import CHAR_TO_OBJECT, EMPTY_CHAR, OBJECT_CHAR, TEAM_CHARS
from metta_core.errors import MapError
from metta_core.maps.grid import to_text

MAP_SUFFIXES = (".yaml", ".yml", ".txt", ".map")


def canonical_char(char: str) -> str | None:
    """The canonical character for an accepted one (`A` -> `@`, space -> `.`), None if unknown."""
    if char not in CHAR_TO_OBJECT:
        return None
    type_id, team = CHAR_TO_OBJECT[char]
    if type_id < 0:
        return EMPTY_CHAR
    if team:
        return TEAM_CHARS[team - 1]
    return OBJECT_CHAR[type_id]


def split_rows(text: str | list[str]) -> list[str]:
    """Rows of a grid given as one string or a list; blank lines around the grid are dropped."""
    rows = text.splitlines() if isinstance(text, str) else [str(row) for row in text]
    while rows and not rows[0].strip():
        rows.pop(0)
    while rows and not rows[-1].strip():
        rows.pop()
    return rows


#: The largest side of a map, as every builder's width/height allows.
MAX_SIDE = 1024


def parse_grid(text: str | list[str], source: str = "map") -> np.ndarray:
    """A canonical grid from rows of characters; ragged rows or unknown characters are errors."""
    if (
        not isinstance(text, str | list)
        or isinstance(text, list)
        and not all(isinstance(r, str) for r in text)
    ):
        raise MapError(f"{source}: `map:` must be a block of text rows, got {type(text).__name__}")
    rows = split_rows(text)
    if not rows:
        raise MapError(f"{source}: the map is empty")
    width = len(rows[0])
    if len(rows) > MAX_SIDE or width > MAX_SIDE:
        raise MapError(
            f"{source}: the map is {width} x {len(rows)}; maps are at most {MAX_SIDE} x {MAX_SIDE}"
        )
    for number, row in enumerate(rows, start=1):
        if len(row) != width:
            raise MapError(f"{source}: row {number} has {len(row)} characters, row 1 has {width}")
    grid = np.array([list(row) for row in rows], dtype="<U1")
    unknown = sorted({str(c) for c in np.unique(grid) if canonical_char(str(c)) is None})
    if unknown:
        raise MapError(f"{source}: unknown map characters {unknown} (try `metta map normalize-ascii`)")
    lookup = {c: canonical_char(c) for c in np.unique(grid)}
    return np.vectorize(lookup.__getitem__, otypes=["<U1"])(grid)


def resolve_map_uri(uri: str) -> str:
    """A relative path that does not exist here is looked up among the shipped `presets/maps`."""
    if "://" in uri or Path(uri).exists():
        return uri
    shipped = PRESETS_DIR / "maps" / uri
    return str(shipped) if shipped.exists() else uri


def parse_map_text(text: str, source: str) -> tuple[np.ndarray, dict[str, Any]]:
    """A YAML map file (`map:` block, optional `metadata:`) or a plain grid -> (grid, metadata)."""
    data: Any = None
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        data = None  # plain text grids are often not YAML (`#` starts a comment, `:` a key)
    if isinstance(data, dict):
        if "map" not in data:
            raise MapError(f"{source}: a YAML map file needs a `map:` block of characters")
        metadata = data.get("metadata") or {}
        return parse_grid(data["map"], source), metadata if isinstance(metadata, dict) else {}
    return parse_grid(text, source), {}


def read_map(uri: str) -> tuple[np.ndarray, dict[str, Any]]:
    uri = resolve_map_uri(str(uri))
    raw = storage.read_bytes(uri)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MapError(f"{uri}: not a UTF-8 text map") from None
    return parse_map_text(text, uri)


def map_yaml(grid: np.ndarray, metadata: dict[str, Any] | None = None) -> str:
    """The YAML text of a map file: a literal `map:` block, then the metadata."""
    body = "map: |-\n" + "".join(f"  {''.join(row)}\n" for row in grid)
    if metadata:
        body += yaml.safe_dump({"metadata": metadata}, sort_keys=False, default_flow_style=False)
    return body


def write_map(uri: str, grid: np.ndarray, metadata: dict[str, Any] | None = None) -> None:
    storage.write_bytes(str(uri), map_yaml(grid, metadata).encode(), content_type="application/x-yaml")


__all__ = ["canonical_char", "map_yaml", "parse_grid", "parse_map_text", "read_map", "to_text", "write_map"]
