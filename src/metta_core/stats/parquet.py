"""Export a stats database to Parquet: one file per table, plus Metta's joined metrics view, in a
directory or under an s3:// prefix (for pandas, polars, Spark, or any tool without DuckDB)."""

from __future__ import annotations

import tempfile
from pathlib import Path

from metta_core import storage
from metta_core.stats.schema import METTA_SCHEMA, TABLES

#: What is exported, as (file stem, relation).
EXPORTED = (*((table, f"main.{table}") for table in TABLES),
            ("policy_simulation_agent_metrics", f"{METTA_SCHEMA}.policy_simulation_agent_metrics"))  # fmt: skip


def export_parquet(db_path: Path, target: str) -> list[str]:
    """Write `<target>/<name>.parquet` for every exported relation; returns the URIs written."""
    import duckdb

    # Our own SQL on a read-only connection: it may write files (untrusted queries never run here).
    con = duckdb.connect(str(db_path), read_only=True)
    written = []
    try:
        present = {
            row[0]
            for row in con.execute(
                "SELECT table_schema || '.' || table_name FROM information_schema.tables"
            ).fetchall()
        }
        with tempfile.TemporaryDirectory(prefix="metta-parquet-") as scratch:
            for name, relation in EXPORTED:
                if relation not in present:  # a database written before the Metta views existed
                    continue
                local = Path(scratch) / f"{name}.parquet"
                con.execute(f"COPY (SELECT * FROM {relation}) TO '{local}' (FORMAT parquet)")
                uri = f"{str(target).rstrip('/')}/{name}.parquet"
                storage.upload_file(local, uri, content_type="application/vnd.apache.parquet")
                written.append(uri)
    finally:
        con.close()
    return written
