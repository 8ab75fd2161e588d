"""`metta dashboard`: the policies x evals matrix, its metadata, the HTML heatmap, s3 output."""

from __future__ import annotations

import json
from pathlib import Path

from metta_core.report.dashboard import dashboard


def test_dashboard_matrix_has_every_policy_and_eval(run_stats: Path, tmp_path: Path) -> None:
    result = dashboard(str(run_stats), str(tmp_path / "dash.json"), metrics=["reward", "heart.gained"])
    data = json.loads((tmp_path / "dash.json").read_text())
    names = [p["name"] for p in data["policies"]]
    assert result.html_uri == str(tmp_path / "dash.html")
    assert names == ["random", "navrun:epoch_1", "navrun:epoch_2", "navrun:epoch_3"]
    assert data["evals"] == ["navigation/maze", "navigation/rooms"]
    reward = data["matrix"]["reward"]
    assert reward["values"][0] == [1.5, None]  # random was never run on rooms
    assert reward["values"][3] == [6.5, 7.5]
    assert reward["episodes"][3] == [4, 4]
    assert data["policies"][3]["epoch"] == 3 and data["policies"][3]["agent_steps"] == 3000
    assert data["matrix"]["heart.gained"]["values"][1] == [2.5, 3.5]


def test_dashboard_html_is_a_coloured_heatmap_next_to_the_json(run_stats: Path, tmp_path: Path) -> None:
    dashboard(str(run_stats), str(tmp_path / "dash.json"), policies=["navrun"])
    page = (tmp_path / "dash.html").read_text()
    assert page.count("background:rgb(") == 6  # 3 checkpoints x 2 evals
    assert "navrun:epoch_2" in page and "random" not in page and "<script" not in page


def test_dashboard_command_writes_json_and_html_to_s3(
    metta_inprocess, run_stats: Path, s3_bucket: str
) -> None:
    from metta_core import storage

    uri = f"s3://{s3_bucket}/dashboards/nav.json"
    code, out, err = metta_inprocess(
        "dashboard",
        "--policies",
        "navrun,random",
        "--metrics",
        "reward",
        "--stats-db-uri",
        str(run_stats),
        "--output-path",
        uri,
    )
    assert code == 0, err
    assert uri in out and f"s3://{s3_bucket}/dashboards/nav.html" in out
    assert len(json.loads(storage.read_bytes(uri))["policies"]) == 4
    assert b"<table>" in storage.read_bytes(f"s3://{s3_bucket}/dashboards/nav.html")


def test_dashboard_rejects_unknown_metrics_policies_and_empty_databases_in_one_line(
    metta_inprocess, run_stats: Path, tmp_path
) -> None:
    from metta_core.stats.db import StatsDB

    empty = tmp_path / "empty.duckdb"
    StatsDB(empty).close()
    out_path = str(tmp_path / "d.json")
    for args, expected in (
        (["--stats-db-uri", str(run_stats), "--metrics", "speed"], "speed"),
        (["--stats-db-uri", str(run_stats), "--policies", "ghost"], "ghost"),
        (["--stats-db-uri", str(empty)], "no evaluations"),
        (["--stats-db-uri", str(tmp_path / "absent.duckdb")], "absent.duckdb"),
    ):
        code, _, err = metta_inprocess("dashboard", "-o", out_path, *args)
        assert code == 2 and expected in err and len(err.strip().splitlines()) == 1
    assert not Path(out_path).exists()


def test_dashboard_and_analyze_json_are_the_only_stdout(
    run_stats: Path, tmp_path: Path, metta_inprocess
) -> None:
    import json

    code, out, err = metta_inprocess(
        "dashboard", "--stats-db-uri", str(run_stats), "-o", str(tmp_path / "d.json"), "--json"
    )
    assert code == 0, err
    data = json.loads(out)
    assert data["json"] == str(tmp_path / "d.json") and data["policies"] and data["evals"]
    policy = data["policies"][0]["name"] if isinstance(data["policies"][0], dict) else data["policies"][0]
    code, out, err = metta_inprocess(
        "analyze", f"analysis.policy_uri={policy}", "--stats-db-uri", str(run_stats), "--no-pdf",
        "-o", str(tmp_path / "a"), "--json",
    )  # fmt: skip
    assert code == 0, err
    assert json.loads(out)["html"].endswith(".html")
