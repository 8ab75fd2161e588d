"""Map legacy and unicode map characters onto the game's canonical legend; canonical patterns.

`normalize_ascii_text` keeps the layout (ragged rows are padded with empty cells) and reports every
character it cannot map with its position. `normalize_scene_patterns` rewrites the `pattern:` of
every `wfc`/`convchain` builder in a scene or map config as same-width rows of canonical
characters. Nothing here reads or writes files.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

import yaml

from metta_core.env.table import EMPTY_CHAR
from metta_core.errors import MapError
from metta_core.maps.mapfile import canonical_char, split_rows

#: Legacy legend letters not in the game table's aliases. `R` and `T` mean generator_red and
#: temple in the table, so as team letters they need `legacy_teams`.
LEGACY_CHARS: dict[str, str] = {"Q": "1", "E": "2"}
LEGACY_TEAM_CHARS: dict[str, str] = {"Q": "1", "E": "2", "R": "3", "T": "4"}
#: Box drawing, blocks and emoji seen in hand-drawn maps.
UNICODE_CHARS: dict[str, str] = {
    **{c: "#" for c in "─│┌┐└┘├┤┬┴┼━┃┏┓┗┛┣┫┳┻╋═║╔╗╚╝╠╣╦╩╬╭╮╯╰█▓▒▀▄▌▐■□▪▬"},
    **{c: EMPTY_CHAR for c in "·•∙⋅░ \u3000\u00a0\t"},
    "🧱": "#",
    "🤖": "@",
    "🧑": "@",
    "😀": "@",
    "⛩": "_",
    "🛕": "_",
    "❤": "_",
    "💎": "m",
    "⛏": "m",
    "🔋": "n",
    "🏭": "F",
    "🛡": "o",
    "🔬": "L",
    "📦": "s",
    "🟥": "1",
    "🟦": "2",
    "🟩": "3",
    "🟨": "4",
}
#: Zero-width characters emoji carry (variation selectors, joiners); dropped before mapping.
INVISIBLE_CHARS = frozenset("\ufe0e\ufe0f\u200d\u200b")


@dataclass
class NormalizeResult:
    rows: list[str]
    unmapped: list[tuple[str, int, int]] = field(default_factory=list)  # (char, line, column), 1-based

    @property
    def text(self) -> str:
        return "\n".join(self.rows)

    def unmapped_summary(self, limit: int = 5) -> str:
        shown = ", ".join(f"{c!r} (line {line}, column {col})" for c, line, col in self.unmapped[:limit])
        more = f" and {len(self.unmapped) - limit} more" if len(self.unmapped) > limit else ""
        return shown + more


def normalize_char(char: str, legacy_teams: bool = False) -> str | None:
    if legacy_teams and char in LEGACY_TEAM_CHARS:
        return LEGACY_TEAM_CHARS[char]
    canonical = canonical_char(char)
    if canonical is not None:
        return canonical
    if char in LEGACY_CHARS:
        return LEGACY_CHARS[char]
    if char in UNICODE_CHARS:
        return UNICODE_CHARS[char]
    folded = unicodedata.normalize("NFKC", char)  # fullwidth ＃ -> #, and the like
    if len(folded) == 1 and folded != char:
        return normalize_char(folded, legacy_teams)
    return None


def normalize_rows(rows: list[str], legacy_teams: bool = False) -> NormalizeResult:
    """Canonical rows, padded to one width; unmappable characters are kept and reported."""
    cleaned = ["".join(c for c in row.rstrip("\r\n") if c not in INVISIBLE_CHARS) for row in rows]
    width = max((len(row) for row in cleaned), default=0)
    result = NormalizeResult([])
    for line, row in enumerate(cleaned, start=1):
        out = []
        for column, char in enumerate(row.ljust(width, EMPTY_CHAR), start=1):
            mapped = normalize_char(char, legacy_teams)
            if mapped is None:
                result.unmapped.append((char, line, column))
                mapped = char
            out.append(mapped)
        result.rows.append("".join(out))
    return result


def normalize_ascii_text(text: str, legacy_teams: bool = False) -> tuple[str, NormalizeResult]:
    """Normalize a plain grid or a map YAML file's `map:` block; returns (new file text, result)."""
    data: Any = None
    try:
        data = yaml.safe_load(text)
    except (yaml.YAMLError, RecursionError):
        data = None
    if isinstance(data, dict) and isinstance(data.get("map"), str | list):
        result = normalize_rows(split_rows(data["map"]), legacy_teams)
        block = "map: |-\n" + "".join(f"  {row}\n" for row in result.rows)
        return _replace_map_block(text, block), result
    result = normalize_rows(split_rows(text), legacy_teams)
    return result.text + "\n", result


def _replace_map_block(text: str, block: str) -> str:
    """`text` with its top-level `map:` entry (key and value, wherever they end) replaced by
    `block`; every other line, comments included, stays byte for byte."""
    root = yaml.compose(text, Loader=yaml.SafeLoader)
    for key, value in root.value:
        if key.value == "map":
            first = key.start_mark.line
            # A block scalar ends at column 0 of the line after it; anything else ends mid-line.
            last = value.end_mark.line if value.end_mark.column == 0 else value.end_mark.line + 1
            lines = text.splitlines(keepends=True)
            return "".join(lines[:first]) + block + "".join(lines[last:])
    return block


class _LiteralDumper(yaml.SafeDumper):
    """Writes multi-line strings as `|` blocks, so patterns stay readable grids."""


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.ScalarNode:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_LiteralDumper.add_representer(str, _str_representer)

PATTERN_BUILDERS = ("wfc", "convchain")


def _normalize_patterns(node: Any, where: str, problems: list[str]) -> int:
    count = 0
    if isinstance(node, dict):
        if node.get("builder") in PATTERN_BUILDERS and "pattern" in node:
            pattern = node["pattern"]
            rows = split_rows(pattern) if isinstance(pattern, str | list) else []
            result = normalize_rows(rows)
            if result.unmapped:
                problems.append(f"{where}.pattern: cannot map {result.unmapped_summary()}")
            node["pattern"] = result.text + "\n"
            count += 1
        for key, value in node.items():
            count += _normalize_patterns(value, f"{where}.{key}" if where else str(key), problems)
    elif isinstance(node, list):
        for index, value in enumerate(node):
            count += _normalize_patterns(value, f"{where}[{index}]", problems)
    return count


def normalize_scene_patterns(text: str, source: str) -> tuple[str, int]:
    """(the file with canonical patterns, how many patterns were found); MapError on bad input."""
    from metta_core.config.yaml_text import parse_yaml

    data = parse_yaml(text, source, MapError)
    problems: list[str] = []
    count = _normalize_patterns(data, "", problems)
    if problems:
        raise MapError(f"{source}: " + "; ".join(problems))
    edited = _rewrite_pattern_blocks(text, data)
    if edited is not None:
        return edited, count
    return yaml.dump(data, Dumper=_LiteralDumper, sort_keys=False, allow_unicode=True), count


def _rewrite_pattern_blocks(text: str, normalized: Any) -> str | None:
    """`text` with only its pattern values replaced by `|` blocks of the normalised rows, so
    comments and layout stay; None when that cannot be done safely (a pattern inside a flow
    mapping) or does not read back as `normalized` (then the caller re-dumps the whole file)."""
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError:
        return None
    spans: list[tuple[int, int, str]] = []

    def visit(node: yaml.Node) -> bool:
        if isinstance(node, yaml.MappingNode):
            values = {k.value: (k, v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
            builder = values.get("builder", (None, None))[1]
            if (
                "pattern" in values
                and isinstance(builder, yaml.ScalarNode)
                and builder.value in PATTERN_BUILDERS
            ):
                if node.flow_style:
                    return False
                key, value = values["pattern"]
                rows = normalize_rows(_node_rows(value)).rows
                indent = " " * (key.start_mark.column + 2)
                block = "|\n" + "".join(f"{indent}{row}\n" for row in rows)
                # A value ending mid-line leaves the rest of its line after the block; whatever
                # that does is caught by reading the result back below.
                spans.append((value.start_mark.index, value.end_mark.index, block))
            return all(visit(v) for _, v in node.value)
        if isinstance(node, yaml.SequenceNode):
            return all(visit(item) for item in node.value)
        return True

    if root is None or not visit(root):
        return None
    for start, end, block in sorted(spans, reverse=True):
        text = text[:start] + block + text[end:]
    try:
        return text if yaml.safe_load(text) == normalized else None
    except yaml.YAMLError:
        return None


def _node_rows(node: yaml.Node) -> list[str]:
    if isinstance(node, yaml.ScalarNode):
        return split_rows(node.value)
    if isinstance(node, yaml.SequenceNode):
        return [str(item.value) for item in node.value if isinstance(item, yaml.ScalarNode)]
    return []
