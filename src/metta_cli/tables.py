"""Tables for people and for scripts: a rich table on a terminal, tab-separated values (a header
line, then one line per row) when stdout is a pipe or a file, so `cut`, `awk` and `sort` read them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from metta_cli.common import console


def _cell(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return "" if value is None else str(value)


def write_tsv(columns: Sequence[str], row_batches: Iterable[Iterable[Sequence[Any]]], null: str = "") -> None:
    """A header line, then one line per row, streamed batch by batch. Values keep their full text
    (a script wants every digit); tabs and newlines inside a value become spaces."""
    print("\t".join(columns))
    for rows in row_batches:
        for row in rows:
            print("\t".join(null if v is None else str(v).replace("\t", " ").replace("\n", " ") for v in row))


def print_table(columns: Sequence[str], rows: Sequence[Sequence[Any]], title: str | None = None) -> None:
    if not console.is_terminal:
        write_tsv(columns, [rows])
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
