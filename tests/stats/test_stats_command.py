"""`metta stats`: one query for scripts, the shell with its overview, merging, clear errors."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import duckdb

from metta_core.stats.shell import python_shell

AVG_BY_POLICY = "SELECT policy_name, AVG(value) AS avg_reward FROM agent_metrics WHERE metric = 'reward' GROUP BY 1 ORDER BY 1"


def test_query_prints_csv_and_json_for_scripts(metta_inprocess, stats_file: Path) -> None:
    code, as_csv, err = metta_inprocess("stats", str(stats_file), "--query", AVG_BY_POLICY, "--format", "csv")
    _, as_json, _ = metta_inprocess("stats", str(stats_file), "--query", AVG_BY_POLICY, "--format", "json")
    assert code == 0, err
    assert list(csv.reader(io.StringIO(as_csv))) == [
        ["policy_name", "avg_reward"],
        ["bad", "1.0"],
        ["good", "4.0"],
    ]
    assert json.loads(as_json) == [
        {"policy_name": "bad", "avg_reward": 1.0},
        {"policy_name": "good", "avg_reward": 4.0},
    ]


def test_query_prints_a_table_by_default(metta, stats_file: Path) -> None:
    result = metta(
        "stats", str(stats_file), "-q", "SELECT simulation, policy_name, avg_reward FROM policy_rewards"
    )
    assert result.returncode == 0, result.stderr
    assert "navigation/corridors" in result.stdout and "good" in result.stdout and "4" in result.stdout


def test_shell_lists_tables_and_examples_then_runs_the_duckdb_shell(metta, stats_file: Path) -> None:
    result = metta("stats", str(stats_file), input="SELECT COUNT(*) AS n FROM episodes;\n")
    assert result.returncode == 0, result.stderr
    assert "agent_metrics" in result.stdout and "policy_rewards" in result.stdout
    assert "Example queries" in result.stdout
    assert "6" in result.stdout.split("Example queries")[1]  # the shell answered the piped query


def test_stats_opens_a_database_stored_in_s3(metta_inprocess, stats_file: Path, s3_bucket: str) -> None:
    from metta_core import storage

    uri = f"s3://{s3_bucket}/evals/eval.duckdb"
    storage.upload_file(stats_file, uri)
    code, out, err = metta_inprocess("stats", uri, "-q", "SELECT COUNT(*) AS n FROM episodes", "-f", "csv")
    assert code == 0, err
    assert out.splitlines() == ["n", "6"]


def test_merge_option_combines_databases(metta_inprocess, stats_file: Path, tmp_path: Path) -> None:
    out = tmp_path / "merged.duckdb"
    first = metta_inprocess("stats", str(out), "--merge", str(stats_file))
    second = metta_inprocess("stats", str(out), "--merge", str(stats_file))
    assert first[0] == 0 and second[0] == 0, first[2] + second[2]
    con = duckdb.connect(str(out), read_only=True)
    assert con.execute("SELECT COUNT(*) FROM episodes").fetchone()[0] == 6


def test_bad_uris_queries_and_foreign_files_are_one_line_errors(
    metta_inprocess, tmp_path: Path, stats_file: Path
) -> None:
    foreign = tmp_path / "notes.duckdb"
    foreign.write_text("not a database")
    cases = {
        "missing": ("stats", str(tmp_path / "missing.duckdb"), "-q", "SELECT 1"),
        "scheme": ("stats", "ftp://host/x.duckdb", "-q", "SELECT 1"),
        "foreign": ("stats", str(foreign), "-q", "SELECT 1"),
        "sql": ("stats", str(stats_file), "-q", "SELECT nope FROM nowhere"),
        "format": ("stats", str(stats_file), "-q", "SELECT 1", "-f", "xml"),
    }
    errors = {}
    for name, args in cases.items():
        code, out, err = metta_inprocess(*args)
        assert code == 2, (name, out, err)
        assert len(err.strip().splitlines()) == 1, (name, err)
        assert out == ""
        errors[name] = err
    assert "missing.duckdb" in errors["missing"]
    assert "ftp://" in errors["scheme"]
    assert "notes.duckdb" in errors["foreign"]
    assert "nowhere" in errors["sql"].lower()
    assert "xml" in errors["format"]


def test_python_prompt_runs_statements_and_dot_commands(stats_file: Path) -> None:
    lines = iter(
        [".tables", "SELECT COUNT(*) AS n", "FROM episodes;", ".schema episodes", "bad sql;", ".quit"]
    )
    out: list[str] = []
    code = python_shell(stats_file, True, read_line=lambda prompt: next(lines), write=out.append)
    text = "\n".join(out)
    assert code == 0
    assert "agent_metrics" in text and "n\n6" in text and "episode_seed" in text and "Error:" in text


def test_read_only_queries_can_neither_write_nor_read_other_files(
    metta_inprocess, stats_file: Path, tmp_path: Path
) -> None:
    target = tmp_path / "copied.csv"
    code, _, err = metta_inprocess("stats", str(stats_file), "-q", f"COPY (SELECT 1) TO '{target}'")
    assert code == 2 and "disabled by configuration" in err and not target.exists()
    code, out, err = metta_inprocess(
        "stats", str(stats_file), "-q", "SELECT * FROM read_text('/etc/hostname')"
    )
    assert code == 2 and "disabled by configuration" in err


def test_a_huge_query_result_streams_in_bounded_memory(stats_file: Path) -> None:
    """Five million rows as CSV: printed as they come, never held whole (old: all rows in a list)."""
    import subprocess
    import sys

    wrapper = (
        "import resource, subprocess, sys\n"
        "done = subprocess.run([sys.executable, '-m', 'metta_cli', 'stats', sys.argv[1], '-q',"
        " \"SELECT range AS i, 'some text' AS s FROM range(5000000)\", '-f', 'csv'], stdout=subprocess.PIPE)\n"
        "lines = done.stdout.count(b'\\n')\n"
        "print(done.returncode, lines, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss // 1024)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", wrapper, str(stats_file)], capture_output=True, text=True, check=True
    )
    code, lines, peak_mb = (int(v) for v in out.stdout.split())
    assert code == 0 and lines == 5_000_001
    assert peak_mb < 250, f"peak RSS {peak_mb} MB"
