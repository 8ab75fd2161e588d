"""Metta's StatsDB names over ours (so a Metta user's saved SQL runs), and the Parquet export."""

from __future__ import annotations

import json

import duckdb

from metta_core.stats.db import StatsDB

# Saved SQL from the reference's eval code: a per-policy mean over its joined metrics view.
METTA_QUERY = (
    "SELECT policy_key, policy_version, sim_name, AVG(value) AS mean FROM policy_simulation_agent_metrics "
    "WHERE metric = 'reward' GROUP BY ALL ORDER BY mean DESC"
)


def test_metta_names_give_its_tables_and_columns_over_ours(tmp_path, episodes_factory):
    path = tmp_path / "eval.duckdb"
    with StatsDB(path) as db:
        sim = db.add_simulation("corridors", "navigation", "navigation", "runs/nav")
        db.add_episodes(sim, episodes_factory(2, [3.0, 1.0]), ["nav:epoch_12", "nav:epoch_12"])
    con = duckdb.connect(str(path), read_only=True)
    con.execute("SET search_path = 'metta,main'")
    rows = con.execute(
        "SELECT episode_id, agent_id, metric, value FROM agent_metrics WHERE metric = 'reward' ORDER BY agent_id"
    ).fetchall()
    assert [(agent, value) for _, agent, _, value in rows] == [(0, 3.0), (0, 3.0), (1, 1.0), (1, 1.0)]
    assert con.execute("SELECT DISTINCT policy_key, policy_version FROM agent_policies").fetchall() == [
        ("nav", 12)
    ]
    assert con.execute("SELECT name, suite, env, policy_key FROM simulations").fetchall() == [
        ("corridors", "navigation", "navigation", "nav")
    ]
    steps = con.execute("SELECT step_count FROM episodes ORDER BY step_count").fetchall()
    assert steps == [(50,), (51,)]
    assert con.execute(METTA_QUERY).fetchall() == [("nav", 12, "corridors", 2.0)]
    con.close()


def test_stats_command_runs_metta_sql_and_exports_parquet(metta, stats_file, tmp_path):
    result = metta("stats", str(stats_file), "--metta-names", "-q", METTA_QUERY, "-f", "json")
    assert result.returncode == 0, result.stderr
    rows = json.loads(result.stdout)
    assert [(r["policy_key"], r["mean"]) for r in rows] == [("good", 4.0), ("bad", 1.0)]
    out = tmp_path / "parquet"
    result = metta("stats", str(stats_file), "--export-parquet", str(out))
    assert result.returncode == 0, result.stderr
    names = sorted(p.name for p in out.iterdir())
    assert "agent_metrics.parquet" in names and "policy_simulation_agent_metrics.parquet" in names
    exported = duckdb.sql(f"SELECT count(*) FROM '{out / 'agent_metrics.parquet'}'").fetchall()
    stored = (
        duckdb.connect(str(stats_file), read_only=True)
        .execute("SELECT count(*) FROM agent_metrics")
        .fetchall()
    )
    assert exported == stored


def test_parquet_export_to_s3(metta, stats_file, s3_bucket):
    import boto3

    result = metta("stats", str(stats_file), "--export-parquet", f"s3://{s3_bucket}/export/")
    assert result.returncode == 0, result.stderr
    listed = boto3.client("s3").list_objects_v2(Bucket=s3_bucket, Prefix="export/")
    assert "export/agent_metrics.parquet" in [item["Key"] for item in listed.get("Contents", [])]
