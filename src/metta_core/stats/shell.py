"""Open a stats database for people: find the DuckDB shell, fetch s3 files, run and format queries.

`open_database(uri)` yields a local, validated copy of a local path or s3:// object. The shell is
the `duckdb` executable of the duckdb-cli package (next to the Python interpreter or on PATH);
without it, `python_shell` offers a minimal SQL prompt over the duckdb module. Printing is the
caller's job, except inside the interactive prompt.
"""

from __future__ import annotations

import csv
import io
import json
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from typing import Any

from metta_core import storage
from metta_core.errors import MettaError, StorageError
from metta_core.stats.db import open_stats_db
from metta_core.stats.schema import EXAMPLE_QUERIES, METTA_SCHEMA

FORMATS = ("table", "csv", "json")
#: Metta's names (the `metta` schema of views) before ours: a Metta user's saved SQL runs as is.
METTA_SEARCH_PATH = f"SET search_path = '{METTA_SCHEMA},main'"


@contextmanager
def open_database(uri: str) -> Iterator[Path]:
    """A local path holding the stats database at `uri` (downloaded to a temp file for s3://,
    into the cache for wandb://stats/<name>)."""
    from metta_core.stats.wandb_stats import PREFIX, fetch_stats_artifact

    if uri.startswith(PREFIX):
        path = fetch_stats_artifact(uri)
        open_stats_db(path).close()
        yield path
        return
    with storage.local_copy(uri, ".duckdb") as path:
        try:
            open_stats_db(path).close()  # a clear error now beats a confusing one inside the shell
            yield path
        except StorageError as err:
            if str(path) == uri or str(path) not in str(err):
                raise
            # Name what the user gave, never the temporary copy of an s3 object.
            raise StorageError(str(err).replace(str(path), uri)) from None


def find_duckdb_executable() -> str | None:
    beside = Path(sys.executable).parent / "duckdb"
    if beside.exists():
        return str(beside)
    return shutil.which("duckdb")


def overview(path: Path) -> tuple[list[tuple[str, int]], tuple[tuple[str, str], ...]]:
    """(table or view name, row count) of everything in the database, and the example queries."""
    with open_stats_db(path) as db:
        _, rows = db.query(
            "SELECT table_name FROM information_schema.tables WHERE table_schema = 'main' ORDER BY table_type, table_name"
        )
        counts = [(name, db.count(name)) for (name,) in rows]
    return counts, EXAMPLE_QUERIES


def _plain(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, int | float | str | bool) or value is None:
        return value
    return str(value)


@contextmanager
def streamed_query(
    path: Path, sql: str, read_only: bool = True, metta_names: bool = False
) -> Iterator[tuple[list[str], Iterator[list[tuple]]]]:
    """(columns, batches of rows) of one query, streamed from the open database. With
    `metta_names`, Metta's table and column names come first (`schema.METTA_VIEW_SQL`)."""
    from metta_core.stats.db import StatsDB

    if not read_only:
        open_stats_db(path).close()  # a foreign file is refused, not given a schema
    with open_stats_db(path) if read_only else StatsDB(path) as db:
        if metta_names:
            db.con.execute(METTA_SEARCH_PATH)
        yield db.stream(sql)


def write_rows(
    columns: Sequence[str], batches: Iterable[list[tuple]], fmt: str, write: Callable[[str], object]
) -> None:
    """csv (with a header) or json (a list of objects) of a query result, batch by batch."""
    if fmt == "csv":
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(columns)
        for rows in batches:
            writer.writerows([[_plain(v) for v in row] for row in rows])
            write(out.getvalue())
            out.seek(0)
            out.truncate()
        write(out.getvalue())
        return
    if fmt == "json":
        write("[")
        first = True
        for rows in batches:
            for row in rows:
                item = json.dumps({c: _plain(v) for c, v in zip(columns, row, strict=True)})
                write(("\n  " if first else ",\n  ") + item)
                first = False
        write("\n]\n" if not first else "]\n")
        return
    raise MettaError(f"--format {fmt}: unknown format (known: {', '.join(FORMATS)})")


def open_shell(path: Path, read_only: bool, metta_names: bool = False) -> int:
    """Hand the terminal to the DuckDB shell (or the Python prompt); returns its exit code."""
    executable = find_duckdb_executable()
    if executable is None or not shell_can_open(executable, path):
        return python_shell(path, read_only, metta_names=metta_names)
    first = ["-cmd", METTA_SEARCH_PATH] if metta_names else []
    command = [executable, *(["-readonly"] if read_only else []), *first, str(path)]
    return subprocess.run(command, check=False).returncode


def shell_can_open(executable: str, path: Path) -> bool:
    """Whether this DuckDB shell reads the file (an older shell cannot open newer storage)."""
    probe = subprocess.run(
        [executable, "-readonly", str(path), "-c", "SELECT 1"], capture_output=True, text=True, check=False
    )
    return probe.returncode == 0


def python_shell(
    path: Path,
    read_only: bool,
    read_line: Callable[[str], str] = input,
    write: Callable[[str], Any] = print,
    metta_names: bool = False,
) -> int:
    """A minimal SQL prompt: statements end with `;`; `.tables`, `.schema NAME`, `.quit`."""
    import duckdb

    con = duckdb.connect(str(path), read_only=read_only)
    if metta_names:
        con.execute(METTA_SEARCH_PATH)
    write("no DuckDB shell that reads this file; using metta's SQL prompt (.tables, .schema NAME, .quit)")
    buffer = ""
    try:
        while True:
            try:
                line = read_line("D " if not buffer else "· ")
            except EOFError:
                return 0
            stripped = line.strip()
            if not buffer and stripped.startswith("."):
                parts = stripped.split()
                if parts[0] in (".quit", ".exit"):
                    return 0
                if parts[0] == ".tables":
                    sql = "SELECT table_name FROM information_schema.tables ORDER BY 1"
                elif parts[0] == ".schema" and len(parts) > 1:
                    sql = f"DESCRIBE {parts[1]}"
                else:
                    write(f"unknown command {parts[0]}")
                    continue
                buffer = sql + ";"
            else:
                buffer += line + "\n"
            if not buffer.strip().endswith(";"):
                continue
            sql, buffer = buffer, ""
            try:
                cursor = con.execute(sql)
                if cursor.description:
                    columns = [d[0] for d in cursor.description]
                    chunks: list[str] = []
                    write_rows(columns, [cursor.fetchall()], "csv", chunks.append)
                    write("".join(chunks).rstrip("\n"))
            except duckdb.Error as err:
                write(f"Error: {str(err).splitlines()[0]}")
    finally:
        con.close()


def merge_into_uri(uri: str, sources: Sequence[str]) -> Path | None:
    """Merge `sources` into the database at `uri` (created if missing; s3 objects re-uploaded).

    Returns the local path written, or None for an s3 target."""
    from metta_core.stats.merge import export_database, merge_databases, merge_shared

    if not storage.is_s3(uri):
        return merge_shared(list(sources), storage.local_path(uri))
    import tempfile

    with tempfile.TemporaryDirectory(prefix="metta-merge-") as tmp:
        export_database(merge_databases(list(sources), Path(tmp) / "merged.duckdb"), uri)
    return None
