"""Inputs and faults that used to crash with a traceback (or pass silently) now get one line
naming the field, file or option, and exit 2 (`../shared/reference/reliability_defects.md` 9-20)."""

from __future__ import annotations

import os
import socket
from pathlib import Path

import pytest
import torch


@pytest.fixture
def files(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "binary.yaml").write_bytes(bytes(range(128, 256)) * 16)
    (tmp_path / "deep.yaml").write_text("trainer: " + "[" * 5000 + "]" * 5000)
    (tmp_path / "five.yaml").write_text("map: 5\n")
    (tmp_path / "huge.txt").write_text(("#" * 2000 + "\n") * 2000)
    (tmp_path / "src").mkdir()
    (tmp_path / "src" / "a.py").write_text("print(1)\n")
    (tmp_path / "out").mkdir()
    from metta_core.stats.db import StatsDB

    StatsDB(tmp_path / "s.duckdb").close()
    return tmp_path


CASES = {
    "config not utf-8": (["train", "--config", "binary.yaml"], "binary.yaml: not UTF-8 text"),
    "yaml nested deep": (
        ["config", "validate", "deep.yaml", "--schema", "train"],
        "deep.yaml: nested too deeply",
    ),
    "sim device": (
        ["sim", "--policy", "random", "--device", "tpu", "--suite", "navigation"],
        "device must be",
    ),
    "map not text": (["map", "view", "five.yaml"], "five.yaml: `map:` must be a block of text rows"),
    "map seed negative": (
        ["map", "gen", "random", "--overrides", "seed=-1"],
        "seed: Input should be greater",
    ),
    "render seed negative": (["render", "--env", "navigation", "--seed", "-1", "--steps", "2"], "seed"),
    "seed too big": (["train", "--run", "x", "seed=1180591620717411303424"], "seed: Input should be less"),
    "learning rate inf": (
        ["train", "--run", "x", "trainer.learning_rate=.inf"],
        "trainer.learning_rate: Input should be a finite",
    ),
    "num_envs huge": (["train", "--run", "x", "trainer.num_envs=1000000000"], "num_envs: 1000000000 envs"),
    "bench num_envs huge": (["bench", "env", "--num-envs", "1000000000", "--seconds", "1"], "num_envs"),
    "empty query": (["stats", "s.duckdb", "-q", ""], "s.duckdb: the query is empty"),
    "dump-src into a directory": (["dump-src", "src", "-o", "out"], "out: cannot write (is a directory)"),
    "wandb online without a key": (
        ["train", "--run", "w", "--wandb", "online"],
        "online needs a wandb API key",
    ),
    "deleting an unknown key": (["config", "show", "train", "~trainer.bogus"], "~trainer.bogus: no such key"),
    "deleting an unknown section": (["config", "show", "train", "~unknown"], "~unknown: no such key"),
    "dashboard of no metrics": (
        ["dashboard", "--stats-db-uri", "s.duckdb", "--metrics", ""],
        "metrics: names nothing (give comma-separated names, or leave it out), got '' (from option --metrics)",
    ),
    "dashboard of no policies": (
        ["dashboard", "--stats-db-uri", "s.duckdb", "--policies", ",,,"],
        "policies: names nothing (give comma-separated names, or leave it out), got ',,,' (from option --policies)",
    ),
    "writing an s3 database": (
        ["stats", "s3://bucket/x.duckdb", "--write"],
        "--write: s3://bucket/x.duckdb is on s3",
    ),
    "an endless device file": (["map", "normalize-ascii", "/dev/zero"], "/dev/zero: not a regular file"),
    "a section rule names the user's overrides": (
        ["config", "show", "train", "trainer.batch_size=512", "trainer.minibatch_size=1024"],
        "(from override 'trainer.batch_size=512', override 'trainer.minibatch_size=1024')",
    ),
    "--agents on a rooms map": (
        ["render", "--env", "navigation", "--agents", "3", "--steps", "1"],
        "--agents 3: the rooms map of env navigation places agents its own way",
    ),
    "an unknown option (Typer's own usage error)": (
        ["train", "--bogus"],
        "metta train: No such option: --bogus",
    ),
    "an option out of range": (["autotune", "--budget-seconds", "0"], "Invalid value for '--budget-seconds'"),
    "a bad argument": (
        ["map", "gen-scene", "rooms", "0", "64"],
        "metta map gen-scene: Invalid value for 'width'",
    ),
    "a map too large": (
        ["map", "view", "huge.txt"],
        "huge.txt: the map is 2000 x 2000; maps are at most 1024",
    ),
    "an http uri": (["map", "view", "http://example.com/m.yaml"], "unsupported URI scheme 'http://'"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_bad_input_is_one_line_and_exit_2(metta_inprocess, files: Path, monkeypatch, case: str):
    monkeypatch.delenv("WANDB_API_KEY", raising=False)
    monkeypatch.setenv("HOME", str(files))  # no ~/.netrc with a wandb key
    args, expected = CASES[case]
    code, out, err = metta_inprocess(*args)
    assert code == 2, (out, err)
    assert expected in err and len(err.strip().splitlines()) == 1, err
    if args[0] == "train":
        assert not (files / "runs").exists() or not any((files / "runs").iterdir())


def test_sim_on_cuda_without_cuda_is_refused(metta_inprocess, files: Path):
    if torch.cuda.is_available():
        pytest.skip("this machine has CUDA")
    code, _, err = metta_inprocess("sim", "--policy", "random", "--device", "cuda", "--suite", "navigation")
    assert code == 2 and "cuda is not available" in err


def test_dump_src_keeps_a_read_only_output(metta_inprocess, files: Path):
    target = files / "kept.txt"
    target.write_text("keep")
    target.chmod(0o444)
    code, _, err = metta_inprocess("dump-src", "src", "-o", "kept.txt")
    assert code == 2 and "read-only" in err and target.read_text() == "keep"


def test_a_viewer_port_in_use_is_one_line(metta_inprocess, files: Path):
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err = metta_inprocess(
            "play",
            "--env",
            "navigation",
            "--no-open",
            "--port",
            str(port),
            "--output",
            "p.json.gz",
            "--exit-after",
            "1",
        )
    assert code == 2 and f"--port {port}: cannot listen there" in err and "Traceback" not in err
    assert not (files / "p.json.gz").exists()


def _init_sweep(metta_inprocess, files: Path, name: str) -> None:
    (files / "p.yaml").write_text(
        "metric: score\ntrials: 1\nsuite: navigation\n"
        "parameters: {trainer.learning_rate: {distribution: log_uniform, min: 0.0001, max: 0.01}}\n"
    )
    assert metta_inprocess("sweep", "init", name, "--params", "p.yaml")[0] == 0


def test_a_damaged_sweep_database_is_one_line_for_show_and_run(metta_inprocess, files: Path):
    _init_sweep(metta_inprocess, files, "s1")
    database = files / "runs" / "s1" / "optuna.db"
    with open(database, "r+b") as handle:
        handle.seek(0)
        handle.write(os.urandom(4096))
    for command in (["sweep", "show", "s1"], ["sweep", "run", "s1", "--trials", "1"]):
        code, _, err = metta_inprocess(*command)
        assert code == 2 and "s1" in err and "Traceback" not in err and len(err.strip().splitlines()) == 1, (
            err
        )


def test_a_sweep_file_with_bad_values_is_a_clean_message(metta_inprocess, files: Path):
    _init_sweep(metta_inprocess, files, "s2")
    sweep_file = files / "runs" / "s2" / "sweep.yaml"
    sweep_file.write_text(sweep_file.read_text().replace("trials: 1", "trials: -5"))
    code, _, err = metta_inprocess("sweep", "show", "s2")
    assert code == 2 and "sweep.yaml" in err and "trials" in err and "Traceback" not in err, err


def test_stats_merge_then_query_and_write_query(metta_inprocess, files: Path):
    from metta_core.stats.db import StatsDB

    StatsDB(files / "more.duckdb").close()
    code, out, err = metta_inprocess(
        "stats", "s.duckdb", "--merge", "more.duckdb", "-q", "SELECT 41 + 1 AS n", "-f", "csv"
    )
    assert code == 0 and "merged 1 database(s)" in err and out.split() == ["n", "42"]
    assert metta_inprocess("stats", "s.duckdb", "--write", "-q", "CREATE TABLE notes (x INT)")[0] == 0
    code, out, _ = metta_inprocess("stats", "s.duckdb", "-q", "SELECT count(*) AS n FROM notes", "-f", "csv")
    assert code == 0 and out.split() == ["n", "0"]


def test_a_broken_sweep_overrides_file_is_reported_by_sweep_run(metta_inprocess, files: Path):
    _init_sweep(metta_inprocess, files, "s3")
    (files / "runs" / "s3" / "train_config_overrides.yaml").write_text("trainer: {learning_rate: -1}\n")
    code, _, err = metta_inprocess("sweep", "run", "s3", "--trials", "1")
    assert code == 2 and "trainer.learning_rate" in err and "train_config_overrides.yaml" in err, err
