"""Tables for people and for scripts: a rich table on a terminal, tab-separated values (a header
line, then one line per row) when stdout is a pipe or a file, so `cut`, `awk` and `sort` read them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from metta_cli.common import console


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    if not console.is_terminal:
        print("\t".join(columns))
        for row in rows:
            print("\t".join(_cell(v).replace("\t", " ").replace("\n", " ") for v in row))
        return
    from rich.table import Table

    table = Table(*columns, title=title, box=None, pad_edge=False)
    for row in rows:
        table.add_row(*(_cell(v) for v in row))
    console.print(table)


def print_json(data: Any) -> None:
    """JSON alone on stdout (no colour, no wrapping), for `jq`."""
    import json

    print(json.dumps(data, indent=2, default=str))
