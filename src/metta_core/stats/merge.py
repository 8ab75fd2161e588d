"""Merge several stats databases (sim runs, training ranks) into one file, and export to a URI.

Rows keep their ids (UUIDs), so merging the same file twice adds nothing twice; policy metadata
from later files replaces earlier entries. The output is written to a temporary file and renamed,
so a failed merge never leaves half a database behind.
"""

from __future__ import annotations

import os
import random
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from metta_core import storage
from metta_core.errors import StorageError, first_line
from metta_core.locks import exclusive_lock
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

    If `out_path` already exists its rows are kept and the others are added to them. The merged
    file is checkpointed (every row out of the WAL into the file), closed and read back before it
    replaces `out_path`; if any of that fails (a full disk) `out_path` is left as it was.
    """
    out, mode = storage.writable_target(out_path)
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
            expected = {table: target.count(table) for table in (*_KEYS, "policy_metadata")}
            _checkpoint(target, out)
        _verify(tmp, expected, out)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, out)
    finally:
        # Nothing here holds rows the target lacks: it was never replaced unless verified.
        for leftover in (tmp, Path(f"{tmp}.wal")):
            if leftover.exists():
                leftover.unlink()
    return out


def _checkpoint(db: StatsDB, out: Path) -> None:
    import duckdb

    try:
        db.con.execute("CHECKPOINT")
    except duckdb.Error as err:
        raise StorageError(
            f"{out}: cannot write the merged database ({first_line(err)}); {out} is unchanged"
        ) from None


def _verify(path: Path, expected: dict[str, int], out: Path) -> None:
    """Re-open the closed merge result: every row must be in the file itself, not in a WAL."""
    wal = Path(f"{path}.wal")
    if wal.exists() and wal.stat().st_size > 0:
        raise StorageError(
            f"{out}: the merged database could not be written in full (disk full?); {out} is unchanged"
        )
    try:
        with open_stats_db(path) as db:
            found = {table: db.count(table) for table in expected}
    except StorageError as err:
        raise StorageError(
            f"{out}: the merged database does not read back ({err}); {out} is unchanged"
        ) from None
    if found != expected:
        raise StorageError(
            f"{out}: the merged database reads back {found}, expected {expected}; {out} is unchanged"
        )


def merge_shared(paths: Sequence[str | Path], target: Path) -> Path:
    """`merge_databases` into a local database other processes may be merging into too: one at a
    time, under the advisory lock `<target>.lock`."""
    with exclusive_lock(Path(f"{target}.lock"), f"stats database {target}"):
        # Holding the lock, any temp file of this target is a killed merger's leftover.
        for stale in target.parent.glob(f".{target.name}.*.tmp*"):
            stale.unlink(missing_ok=True)
        return merge_databases(paths, target)


#: How often a shared s3 export retries after another writer changed the object under it.
EXPORT_ATTEMPTS = 20


def export_database(path: str | Path, uri: str) -> None:
    """Merge a local stats database into the one at a path or s3:// URI (created if missing).

    Concurrent exports to one target keep every row: a local target is merged under an advisory
    lock (`<target>.lock`); an s3 object is downloaded, merged and uploaded with a conditional
    write (`IfMatch` the version read, or `IfNoneMatch` when there was none), and the whole round
    is retried when another writer got there first."""
    path = Path(path)
    if not path.exists():
        raise StorageError(f"{path}: no such stats database")
    if not storage.is_s3(uri):
        target = storage.local_path(uri)
        if target.resolve() != path.resolve():
            merge_shared([path], target)
        return
    for attempt in range(EXPORT_ATTEMPTS):
        try:
            _export_to_s3_once(path, uri)
            return
        except storage.WriteConflict:
            time.sleep(random.uniform(0.05, 0.2) * (attempt + 1))
    raise StorageError(f"{uri}: gave up after {EXPORT_ATTEMPTS} attempts: other writers kept changing it")


def _export_to_s3_once(path: Path, uri: str) -> None:
    with tempfile.TemporaryDirectory(prefix="metta-export-") as tmp:
        current = Path(tmp) / "current.duckdb"
        try:
            etag = storage.download_file(uri, current)
        except storage.ObjectMissing:
            storage.upload_file(path, uri, "application/octet-stream", if_absent=True)
            return
        merged = merge_databases([current, path], Path(tmp) / "merged.duckdb")
        storage.upload_file(merged, uri, "application/octet-stream", if_match=etag)


def _sql_string(path: Path) -> str:
    return str(path).replace("'", "''")
