"""`metta analyze`: the report's numbers, embedded plots, JSON, checkpoint progress and errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from metta_core.report.analyze import analyze
from metta_core.report.selection import ReportError


def test_analysis_json_has_scores_with_confidence_intervals(analysed) -> None:
    result = analysed
    data = json.loads(Path(result.json_uri).read_text())
    assert result.policy == "navrun:epoch_3"
    assert data["checkpoints"] == ["navrun:epoch_1", "navrun:epoch_2", "navrun:epoch_3"]
    maze = data["scores"]["navigation/maze"]
    # epoch 3 episodes score 5, 6, 7, 8: mean 6.5, sample std 1.29, CI t(0.975, 3) * std / 2
    assert maze["mean"] == 6.5 and maze["episodes"] == 4
    assert maze["ci95_low"] == pytest.approx(6.5 - 3.182446 * 1.2909944 / 2)
    assert data["scores"]["navigation/rooms"]["mean"] == 7.5
    assert maze["normalized"] == pytest.approx(0.65)  # (6.5 - 0) / (10 - 0), baseline recorded by sim
    assert "normalized" not in data["scores"]["navigation/rooms"]


def test_analysis_breaks_down_behaviour_and_learning_progress(analysed) -> None:
    data = analysed.data
    assert data["behaviour"]["actions"]["move"] == {"success": 30.0, "failed": 10.0}
    assert data["behaviour"]["items_gained"] == {"heart": 6.5 + 0.5, "ore_red": 14.0}
    progress = [(row["epoch"], row["scores"]["navigation/maze"]) for row in data["progress"]]
    assert progress == [(1, 2.5), (2, 4.5), (3, 6.5)]
    assert data["distributions"]["reward"]["median"] == 7.0  # maze 5..8 and rooms 6..9 pooled


def test_html_report_is_self_contained_with_its_plots_and_numbers(analysed) -> None:
    result = analysed
    page = Path(result.html_uri).read_text()
    assert len(re.findall(r'<img alt="[a-z]+" src="data:image/png;base64,[A-Za-z0-9+/=]{200,}"', page)) == 5
    assert "navigation/maze" in page and "6.5" in page and "navrun:epoch_1" in page
    assert "http://" not in page and "https://" not in page and "<script" not in page
    assert Path(result.pdf_uri).read_bytes().startswith(b"%PDF")


def test_top_selector_analyses_the_best_checkpoint(run_stats: Path, tmp_path: Path) -> None:
    result = analyze("navrun:epoch_1", str(run_stats), str(tmp_path / "one"), selector="top", pdf=False)
    assert result.policy == "navrun:epoch_1" and result.checkpoints == ["navrun:epoch_1"]
    best = analyze("navrun", str(run_stats), str(tmp_path / "all"), selector="top", pdf=False)
    assert best.policy == "navrun:epoch_3"
    assert best.checkpoints == ["navrun:epoch_1", "navrun:epoch_2", "navrun:epoch_3"]


def test_unknown_policy_names_what_the_database_holds(run_stats: Path, tmp_path: Path) -> None:
    with pytest.raises(ReportError, match=r"policy runs/other: no evaluations .* navrun:epoch_1"):
        analyze("runs/other", str(run_stats), str(tmp_path / "out"))


def test_analyze_command_writes_to_s3(metta_inprocess, run_stats: Path, s3_bucket: str) -> None:
    from metta_core import storage

    prefix = f"s3://{s3_bucket}/analysis/navrun"
    code, out, err = metta_inprocess(
        "analyze", "--policy", "navrun", "--stats-db-uri", str(run_stats), "--output-path", prefix, "--no-pdf"
    )
    assert code == 0, err
    assert f"{prefix}/analysis.html" in out
    assert b"navigation/maze" in storage.read_bytes(f"{prefix}/analysis.html")
    assert json.loads(storage.read_bytes(f"{prefix}/analysis.json"))["policy"] == "navrun:epoch_3"


def test_analyze_errors_are_one_line(metta_inprocess, run_stats: Path, tmp_path: Path) -> None:
    from metta_core.stats.db import StatsDB

    empty = tmp_path / "empty.duckdb"
    StatsDB(empty).close()
    cases = [
        (["--policy", "navrun", "--stats-db-uri", str(tmp_path / "nope.duckdb")], "nope.duckdb"),
        (["--policy", "navrun", "--stats-db-uri", str(empty)], "no evaluations"),
        (["--policy", "ghost", "--stats-db-uri", str(run_stats)], "ghost"),
        (
            [
                "--policy",
                "navrun",
                "--stats-db-uri",
                str(run_stats),
                "--selector",
                "top",
                "--metric",
                "nosuch",
            ],
            "metric nosuch: no evaluated checkpoint has it",
        ),
    ]
    (tmp_path / "a_file").write_text("x")
    code, _, err = metta_inprocess(
        "analyze",
        "--policy",
        "navrun",
        "--stats-db-uri",
        str(run_stats),
        "--output-path",
        str(tmp_path / "a_file"),
    )
    assert code == 2 and "a_file: cannot write (not a directory)" in err
    for args, expected in cases:
        code, out, err = metta_inprocess("analyze", *args, "--output-path", str(tmp_path / "o"))
        assert code == 2, err
        assert len(err.strip().splitlines()) == 1 and expected in err
