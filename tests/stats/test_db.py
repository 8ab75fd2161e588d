"""The stats database: schema creation, transactional writes, views, version checks, merging."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from metta_core.errors import StorageError
from metta_core.stats.db import StatsDB, open_stats_db
from metta_core.stats.merge import export_database, merge_databases
from metta_core.stats.schema import SCHEMA_VERSION


def _write(path: Path, episodes, policies, sim="nav/corridor", metadata=None) -> str:
    with StatsDB(path) as db:
        sim_id = db.add_simulation(sim, "navigation", "navigation", "random", {"episodes": len(episodes)})
        db.add_episodes(sim_id, episodes, policies)
        db.add_policy_metadata(policies[0], metadata or {"uri": "random", "epoch": 3})
    return sim_id


def test_new_database_has_every_table_and_the_schema_version(tmp_path: Path) -> None:
    with StatsDB(tmp_path / "s.duckdb") as db:
        tables = set(db.tables())
        version = db.query("SELECT version FROM metta_schema")[1]
    assert {"simulations", "episodes", "agent_metrics", "agent_policies", "policy_metadata"} <= tables
    assert version == [(SCHEMA_VERSION,)]


def test_episodes_are_stored_in_long_format_per_agent_and_metric(tmp_path: Path, episodes_factory) -> None:
    path = tmp_path / "s.duckdb"
    _write(path, episodes_factory(3, [1.0, 3.0]), ["a:1", "b:2"])
    con = duckdb.connect(str(path), read_only=True)
    rows = con.execute(
        "SELECT policy_name, AVG(value) FROM agent_metrics WHERE metric = 'reward' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    hearts = con.execute(
        "SELECT agent, SUM(value) FROM agent_metrics WHERE metric = 'heart.gained' GROUP BY 1 ORDER BY 1"
    ).fetchall()
    assert rows == [("a:1", 1.0), ("b:2", 3.0)]
    assert hearts == [(0, 3.0), (1, 6.0)]
    assert con.execute("SELECT COUNT(*) FROM episodes").fetchone()[0] == 3
    assert con.execute("SELECT COUNT(*) FROM agent_policies").fetchone()[0] == 6
    # 2 agents x 3 episodes x (reward, raw_reward, heart.gained, action.move.success)
    assert con.execute("SELECT COUNT(*) FROM agent_metrics").fetchone()[0] == 24


def test_reference_example_queries_and_views_run(tmp_path: Path, episodes_factory) -> None:
    path = tmp_path / "s.duckdb"
    _write(path, episodes_factory(4, [2.0]), ["p"])
    with open_stats_db(path) as db:
        _, per_policy = db.query("SELECT policy_name, episode, COUNT(*) FROM agent_metrics GROUP BY 1, 2")
        _, rewards = db.query(
            "SELECT suite, simulation, policy_name, avg_reward, episodes FROM policy_rewards"
        )
        _, summary = db.query("SELECT COUNT(*), AVG(length) FROM episode_summary")
    assert len(per_policy) == 4
    assert rewards == [("navigation", "nav/corridor", "p", 2.0, 4)]
    assert summary == [(4, 51.5)]


def test_a_write_interrupted_midway_is_rolled_back(tmp_path: Path, episodes_factory, monkeypatch) -> None:
    path = tmp_path / "s.duckdb"
    with StatsDB(path) as db:
        sim_id = db.add_simulation("x", "s", "e", "random")
        real_insert = db._insert_columns
        calls = []

        def insert_then_fail(target, columns, types):
            calls.append(target)
            if target.startswith("agent_metrics"):
                raise KeyboardInterrupt  # Ctrl-C after episodes and agent_policies were inserted
            real_insert(target, columns, types)

        monkeypatch.setattr(db, "_insert_columns", insert_then_fail)
        with pytest.raises(KeyboardInterrupt):
            db.add_episodes(sim_id, episodes_factory(2, [1.0]), ["p"])
        assert len(calls) == 3
        assert db.count("episodes") == 0
        assert db.count("agent_policies") == 0


def test_bad_metric_values_are_refused_before_anything_is_written(tmp_path: Path, episodes_factory) -> None:
    with StatsDB(tmp_path / "s.duckdb") as db:
        sim_id = db.add_simulation("x", "s", "e", "random")
        bad = episodes_factory(2, [1.0])
        bad[1].agent_stats = [{"heart.gained": "not a number"}]
        with pytest.raises(ValueError):
            db.add_episodes(sim_id, bad, ["p"])
        assert db.count("episodes") == 0


def test_policy_metadata_is_replaced_not_duplicated(tmp_path: Path) -> None:
    with StatsDB(tmp_path / "s.duckdb") as db:
        db.add_policy_metadata("run:epoch_1", {"epoch": 1, "uri": "runs/run"})
        db.add_policy_metadata("run:epoch_1", {"epoch": 2, "uri": "runs/run", "agent_steps": 100})
        _, rows = db.query("SELECT policy_name, epoch, agent_steps FROM policy_metadata")
    assert rows == [("run:epoch_1", 2, 100)]


def test_opening_a_missing_or_foreign_file_names_it(tmp_path: Path) -> None:
    with pytest.raises(StorageError, match="no such stats database"):
        open_stats_db(tmp_path / "missing.duckdb")
    foreign = tmp_path / "foreign.duckdb"
    duckdb.connect(str(foreign)).execute("CREATE TABLE t (x INT)").close()
    with pytest.raises(StorageError, match="not a metta stats database"):
        open_stats_db(foreign)
    text = tmp_path / "text.duckdb"
    text.write_text("hello")
    with pytest.raises(StorageError, match="text.duckdb"):
        open_stats_db(text)


def test_another_schema_version_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.duckdb"
    StatsDB(path).close()
    con = duckdb.connect(str(path))
    con.execute("UPDATE metta_schema SET version = 999")
    con.close()
    with pytest.raises(StorageError, match="version 999"):
        open_stats_db(path)


def test_merging_combines_runs_and_is_idempotent(tmp_path: Path, episodes_factory) -> None:
    a, b, out = tmp_path / "a.duckdb", tmp_path / "b.duckdb", tmp_path / "out.duckdb"
    _write(a, episodes_factory(2, [1.0]), ["p:1"], metadata={"epoch": 1})
    _write(b, episodes_factory(3, [5.0]), ["p:2"], sim="nav/maze", metadata={"epoch": 2})
    merge_databases([a, b], out)
    merge_databases([a], out)  # merging a file twice adds nothing twice
    with open_stats_db(out) as db:
        _, rows = db.query("SELECT simulation, policy_name, episodes FROM policy_rewards ORDER BY 1")
        assert db.count("episodes") == 5
        assert db.count("policy_metadata") == 2
    assert rows == [("nav/corridor", "p:1", 2), ("nav/maze", "p:2", 3)]


def test_merging_a_bad_file_leaves_the_output_untouched(tmp_path: Path, episodes_factory) -> None:
    a, out = tmp_path / "a.duckdb", tmp_path / "out.duckdb"
    _write(a, episodes_factory(2, [1.0]), ["p"])
    merge_databases([a], out)
    with pytest.raises(StorageError, match="missing.duckdb"):
        merge_databases([tmp_path / "missing.duckdb"], out)
    with open_stats_db(out) as db:
        assert db.count("episodes") == 2
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.duckdb", "out.duckdb"]


def test_export_to_s3_uploads_a_readable_database(tmp_path: Path, episodes_factory, s3_bucket: str) -> None:
    from metta_core import storage

    a = tmp_path / "a.duckdb"
    _write(a, episodes_factory(2, [1.0]), ["p"])
    export_database(a, f"s3://{s3_bucket}/evals/a.duckdb")
    with storage.local_copy(f"s3://{s3_bucket}/evals/a.duckdb") as local, open_stats_db(local) as db:
        assert db.count("episodes") == 2


def test_exporting_twice_to_s3_keeps_both_runs(tmp_path: Path, episodes_factory, s3_bucket: str) -> None:
    from metta_core import storage

    a, b = tmp_path / "a.duckdb", tmp_path / "b.duckdb"
    _write(a, episodes_factory(2, [1.0]), ["p:1"])
    _write(b, episodes_factory(3, [2.0]), ["p:2"])
    uri = f"s3://{s3_bucket}/evals/all.duckdb"
    export_database(a, uri)
    export_database(b, uri)
    with storage.local_copy(uri) as local, open_stats_db(local) as db:
        assert db.count("episodes") == 5
        assert db.count("policy_metadata") == 2
