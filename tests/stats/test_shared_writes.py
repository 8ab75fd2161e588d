"""Stats databases under faults: a full disk never replaces a database with a damaged one, and
concurrent exports (real processes, local and on a real S3 API) keep every row."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import fill_disk
from metta_core.stats.db import StatsDB, open_stats_db
from metta_testing import run_metta


def _write(path: Path, episodes, policy: str) -> None:
    with StatsDB(path) as db:
        sim_id = db.add_simulation("nav/corridor", "navigation", "navigation", policy)
        db.add_episodes(sim_id, episodes, [policy])
        db.add_policy_metadata(policy, {"uri": policy})


def _episodes(path: Path) -> int:
    with open_stats_db(path) as db:
        return db.count("episodes")


def test_a_merge_on_a_full_disk_fails_and_keeps_the_database(
    small_disk: Path, tmp_path: Path, episodes_factory
):
    base, one = tmp_path / "base.duckdb", tmp_path / "one.duckdb"
    _write(base, episodes_factory(6, [1.0]), "base")
    _write(one, episodes_factory(2, [3.0], seed=100), "one")
    good = small_disk / "good.duckdb"
    shutil.copy(base, good)
    fill_disk(small_disk, leave_bytes=200_000)
    result = run_metta("stats", str(good), "--merge", str(one))
    assert result.returncode == 2, result.stdout + result.stderr
    assert "unchanged" in result.stderr and "Traceback" not in result.stderr
    (small_disk / "filler").unlink()
    assert _episodes(good) == 6
    assert sorted(p.name for p in small_disk.iterdir()) == ["good.duckdb", "good.duckdb.lock"]


EXPORT = "import sys; from metta_core.stats.merge import export_database; export_database(sys.argv[1], sys.argv[2])"


def _export_concurrently(
    tmp_path: Path, episodes_factory, uri: str, writers: int = 4, rounds: int = 2
) -> None:
    for r in range(rounds):
        sources = []
        for w in range(writers):
            source = tmp_path / f"run_{r}_{w}.duckdb"
            _write(source, episodes_factory(2, [1.0], seed=1000 * r + 10 * w), f"p{r}{w}")
            sources.append(source)
        processes = [subprocess.Popen([sys.executable, "-c", EXPORT, str(s), uri]) for s in sources]
        assert [p.wait(timeout=120) for p in processes] == [0] * writers


def test_concurrent_local_exports_keep_every_episode(tmp_path: Path, episodes_factory):
    target = tmp_path / "shared" / "all.duckdb"
    _export_concurrently(tmp_path, episodes_factory, str(target))
    assert _episodes(target) == 16


def test_concurrent_s3_exports_keep_every_episode(tmp_path: Path, episodes_factory, s3_bucket: str):
    from metta_core import storage

    uri = f"s3://{s3_bucket}/evals/race.duckdb"
    _export_concurrently(tmp_path, episodes_factory, uri)
    with storage.local_copy(uri) as local:
        assert _episodes(local) == 16


def test_an_s3_export_that_keeps_losing_the_race_says_so(tmp_path, episodes_factory, s3_bucket, monkeypatch):
    """A conditional write that always finds the object changed gives up with one clear error."""
    from metta_core import storage
    from metta_core.errors import StorageError
    from metta_core.stats import merge

    a = tmp_path / "a.duckdb"
    _write(a, episodes_factory(1, [1.0]), "a")
    others = []
    uri = f"s3://{s3_bucket}/evals/busy.duckdb"
    merge.export_database(a, uri)
    real_download = storage.download_file

    def download_then_someone_writes(source_uri, path):
        etag = real_download(source_uri, path)
        other = tmp_path / f"other_{len(others)}.duckdb"  # another writer gets there first
        _write(other, episodes_factory(1, [1.0], seed=10 + len(others)), other.stem)
        others.append(other)
        storage.upload_file(other, source_uri)
        return etag

    monkeypatch.setattr(storage, "download_file", download_then_someone_writes)
    monkeypatch.setattr(merge, "EXPORT_ATTEMPTS", 2)
    with pytest.raises(StorageError, match="other writers kept changing it"):
        merge.export_database(a, uri)


def test_a_database_in_use_says_so_and_names_what_the_user_gave(tmp_path: Path, s3_bucket: str):
    from metta_core import storage

    holder = subprocess.Popen(
        [sys.executable, "-c", "import sys, time; from metta_core.stats.db import StatsDB; db = StatsDB(sys.argv[1]);"
         " print('open', flush=True); time.sleep(60)", str(tmp_path / "busy.duckdb")],
        stdout=subprocess.PIPE, text=True,
    )  # fmt: skip
    try:
        holder.stdout.readline()
        busy = run_metta("stats", str(tmp_path / "busy.duckdb"), "-q", "SELECT 1")
        assert (
            busy.returncode == 2
            and "in use by another process" in busy.stderr
            and f"PID {holder.pid}" in busy.stderr
        )
    finally:
        holder.kill()
    uri = f"s3://{s3_bucket}/evals/not_a_db.duckdb"
    storage.write_bytes(uri, b"not a database")
    bad = run_metta("stats", uri, "-q", "SELECT 1")
    assert bad.returncode == 2 and uri in bad.stderr and "/tmp" not in bad.stderr


def test_a_killed_mergers_temp_files_are_removed_by_the_next_merge(tmp_path: Path, episodes_factory):
    from metta_core.stats.merge import export_database

    target, source = tmp_path / "shared.duckdb", tmp_path / "run.duckdb"
    _write(target, episodes_factory(1, [1.0]), "old")
    _write(source, episodes_factory(1, [1.0], seed=5), "new")
    for leftover in (".shared.duckdb.abc123.tmp", ".shared.duckdb.abc123.tmp.wal"):
        (tmp_path / leftover).write_bytes(b"x" * 1000)  # what kill -9 during a merge leaves
    export_database(source, str(target))
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.duckdb", "shared.duckdb", "shared.duckdb.lock"]
    assert _episodes(target) == 2
