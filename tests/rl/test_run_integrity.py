"""A run directory under faults: one live writer, failed starts that change nothing, damaged
checkpoints that fall back, and a learning curve without repeated epochs after a resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from metta_core.rl.trainer import train
from metta_testing import run_metta

from .conftest import TINY


def _epochs(run_dir) -> list[int]:
    lines = (run_dir / "metrics.jsonl").read_text().splitlines()
    return [json.loads(line)["epoch"] for line in lines if "eval_score" not in line]


def test_a_damaged_latest_checkpoint_falls_back_to_the_newest_good_one(settings_for, capsys):
    result = train(settings_for("trainer.checkpoint_interval=1", total=768))
    bad = result.run_dir / "checkpoints" / "epoch_000003.pt"
    bad.write_bytes(os.urandom(1000))
    resumed = train(settings_for("trainer.checkpoint_interval=1", total=1024))
    assert resumed.agent_steps == 1024
    assert "epoch_000003.pt" in capsys.readouterr().err
    log = (result.run_dir / "train.log").read_text()
    assert "skipped a damaged checkpoint" in log and "resumed from" in log.split("skipped")[-1]
    assert "epoch_000002.pt" in log.split("resumed from")[-1].splitlines()[0]


def test_metrics_have_each_epoch_once_after_a_resume(settings_for):
    """A kill after an epoch's metrics line but before its checkpoint: the resumed run trains that
    epoch again and its earlier line goes."""
    result = train(settings_for("trainer.checkpoint_interval=2", total=768))  # checkpoints 2, 3 (final)
    (result.run_dir / "checkpoints" / "epoch_000003.pt").unlink()  # as if killed before writing it
    with open(result.run_dir / "metrics.jsonl", "a") as metrics:
        metrics.write('{"epoch": 4, "agent_st')  # and mid-line
    train(settings_for("trainer.checkpoint_interval=2", total=1024))
    assert _epochs(result.run_dir) == [1, 2, 3, 4]


def test_a_failed_start_leaves_an_existing_run_as_it_was(settings_for, tmp_path):
    result = train(settings_for(total=512))
    before = {p.name: p.read_bytes() for p in result.run_dir.iterdir() if p.is_file()}
    not_a_db = tmp_path / "notes.duckdb"
    not_a_db.write_text("not a database")
    with pytest.raises(Exception, match="notes.duckdb"):
        train(settings_for(f"stats.db_uri={not_a_db}", total=1024))
    after = {p.name: p.read_bytes() for p in result.run_dir.iterdir() if p.is_file()}
    assert after == before


def test_a_failed_start_of_a_new_run_leaves_no_run_directory(settings_for, tmp_path):
    not_a_db = tmp_path / "notes.duckdb"
    not_a_db.write_text("not a database")
    with pytest.raises(Exception, match="notes.duckdb"):
        train(settings_for(f"stats.db_uri={not_a_db}", run="never"))
    assert not (tmp_path / "runs" / "never").exists()


def test_a_data_dir_that_is_a_file_is_one_line_and_exit_2(tmp_path):
    (tmp_path / "afile").write_text("x")
    done = run_metta("train", "--run", "r1", "--data-dir", "afile", *TINY, cwd=tmp_path, timeout=60)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "afile/r1: cannot create the run directory" in done.stderr and "--data-dir" in done.stderr


@pytest.mark.slow
def test_a_second_writer_of_a_live_run_is_refused_naming_the_holder(tmp_path):
    args = [sys.executable, "-m", "metta_cli", "train", "--run", "live", *TINY, "--total-steps", "10000000"]
    first = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        log = tmp_path / "runs" / "live" / "train.log"
        deadline = time.time() + 120
        while time.time() < deadline and not (log.exists() and "started run" in log.read_text()):
            time.sleep(0.2)
        config = (tmp_path / "runs" / "live" / "config.yaml").read_bytes()
        second = run_metta(
            "train", "--run", "live", "--seed", "5", *TINY, "--total-steps", "512", cwd=tmp_path
        )
        assert second.returncode == 2, second.stderr
        assert f"in use by process {first.pid}" in second.stderr and "Traceback" not in second.stderr
        assert (tmp_path / "runs" / "live" / "config.yaml").read_bytes() == config
        assert first.poll() is None  # the first run is untouched and still training
    finally:
        first.send_signal(signal.SIGTERM)
        assert first.wait(timeout=60) == 0, first.stderr.read().decode()[-2000:]


def test_training_stats_go_to_an_s3_database(settings_for, s3_bucket, tmp_path):
    from metta_core import storage
    from metta_core.stats.db import open_stats_db

    uri = f"s3://{s3_bucket}/stats/train.duckdb"
    train(settings_for(f"stats.db_uri={uri}", total=512))
    assert not Path("s3:").exists()  # no local directory named after the URI
    with storage.local_copy(uri) as local, open_stats_db(local) as db:
        assert db.count("episodes") > 0
