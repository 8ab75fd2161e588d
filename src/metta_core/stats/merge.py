"""Merge several stats databases (sim runs, training ranks) into one file, and export to a URI.

Rows keep their ids (UUIDs), so merging the same file twice adds nothing twice; policy metadata
from later files replaces earlier entries. The output is written to a temporary file and renamed,
so a failed merge never leaves half a database behind.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Sequence
from pathlib import Path

from metta_core import storage
from metta_core.errors import StorageError
from metta_core.stats.db import StatsDB, open_stats_db

_KEYS = {
    "simulations": "id",
    "episodes": "id",
    "agent_policies": "episode, agent",
    "agent_metrics": "episode, agent, metric",
}


def merge_into(target: StatsDB, source_path: str | Path) -> None:
    """Copy every row of the stats database at `source_path` into `target`, in one transaction."""
    open_stats_db(source_path).close()  # validates the file and its schema version first
    con = target.con
    alias = "merge_source"
    con.execute(f"ATTACH '{_sql_string(Path(source_path))}' AS {alias} (READ_ONLY)")
    try:
        with target.transaction():
            for table, key in _KEYS.items():
                columns = [r[0] for r in con.execute(f"DESCRIBE {table}").fetchall()]
                cols = ", ".join(columns)
                condition = " AND ".join(f"t.{k.strip()} = s.{k.strip()}" for k in key.split(","))
                con.execute(
                    f"INSERT INTO {table} ({cols}) SELECT {cols} FROM {alias}.{table} s "
                    f"WHERE NOT EXISTS (SELECT 1 FROM {table} t WHERE {condition})"
                )
            columns = ", ".join(r[0] for r in con.execute("DESCRIBE policy_metadata").fetchall())
            con.execute(
                f"INSERT OR REPLACE INTO policy_metadata ({columns}) SELECT {columns} FROM {alias}.policy_metadata"
            )
    finally:
        con.execute(f"DETACH {alias}")


def merge_databases(paths: Sequence[str | Path], out_path: str | Path) -> Path:
    """Merge the stats databases at `paths` (local files or s3:// URIs) into `out_path` (local).

    If `out_path` already exists its rows are kept and the others are added to them.
    """
    out = Path(out_path)
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp_name = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    os.close(fd)
    tmp = Path(tmp_name)
    tmp.unlink()
    try:
        with StatsDB(tmp) as target:
            if out.exists():
                merge_into(target, out)
            for path in paths:
                with storage.local_copy(path, ".duckdb") as local:
                    if local.resolve() == out.resolve():
                        continue
                    merge_into(target, local)
        os.replace(tmp, out)
    finally:
        for leftover in (tmp, Path(f"{tmp}.wal")):
            if leftover.exists():
                leftover.unlink()
    return out


def export_database(path: str | Path, uri: str) -> None:
    """Merge a local stats database into the one at a path or s3:// URI (created if missing).

    An s3 object that already exists is downloaded, merged with and uploaded again, so several
    runs can export to one URI without losing each other's rows."""
    path = Path(path)
    if not path.exists():
        raise StorageError(f"{path}: no such stats database")
    if not storage.is_s3(uri):
        target = storage.local_path(uri)
        if target.resolve() != path.resolve():
            merge_databases([path], target)
        return
    if not storage.exists(uri):
        storage.upload_file(path, uri, "application/octet-stream")
        return
    with tempfile.TemporaryDirectory(prefix="metta-export-") as tmp:
        merged = merge_databases([uri, path], Path(tmp) / "merged.duckdb")
        storage.upload_file(merged, uri, "application/octet-stream")


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")
