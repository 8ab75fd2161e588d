"""SIGTERM and SIGHUP end every long-running command the way Ctrl-C does: play saves the
session, training saves a checkpoint, a sweep stops its trial's training instead of orphaning it.
Real processes, real signals."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from metta_core.replay.recorder import load_replay
from metta_testing import run_metta

TINY_ENV = {
    "game": {"num_agents": 1, "max_steps": 50, "rewards": {"heart": 1.0}},
    "map": {"builder": "random", "width": 9, "height": 9, "agents": 1, "walls": 2, "objects": {"altar": 1}},
}


def _start(args: list[str], cwd: Path) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "metta_cli", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _wait_for_line(process: subprocess.Popen, text: str, timeout: float = 120) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        line = process.stdout.readline()
        if text in line:
            return
        if not line and process.poll() is not None:
            raise AssertionError(
                f"exited {process.returncode} before printing {text!r}: {process.stderr.read()}"
            )
    raise AssertionError(f"no {text!r} within {timeout} s")


@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP])
def test_play_saves_the_session_on_sigterm_and_sighup(tmp_path: Path, signum: int):
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(TINY_ENV))
    output = tmp_path / "played.json.gz"
    play = _start(
        ["play", "--env", "tiny.yaml", "--output", str(output), "--no-open", "--port", "0"], tmp_path
    )
    _wait_for_line(play, "viewer at")
    play.send_signal(signum)
    _, stderr = play.communicate(timeout=60)
    assert "Traceback" not in stderr
    assert load_replay(output)["num_frames"] == 1


@pytest.mark.parametrize("output", ["a_directory", "s3://no-such-bucket-here/p.json.gz"])
def test_play_refuses_an_unusable_output_before_the_game(tmp_path: Path, output: str, s3_bucket: str):
    (tmp_path / "tiny.yaml").write_text(yaml.safe_dump(TINY_ENV))
    (tmp_path / "a_directory").mkdir()
    done = run_metta(
        "play", "--env", "tiny.yaml", "--output", output, "--no-open", "--exit-after", "30", cwd=tmp_path
    )
    assert done.returncode == 2 and "cannot write" in done.stderr and output in done.stderr
    assert "viewer at" not in done.stdout  # refused before serving, not after the game


def test_sim_refuses_an_unusable_stats_db_before_any_simulation(tmp_path: Path):
    read_only = tmp_path / "ro.duckdb"
    read_only.write_text("")
    read_only.chmod(0o444)
    done = run_metta("sim", "--policy", "random", "--suite", "navigation", "--stats-db-uri", str(read_only))
    assert done.returncode == 2 and "ro.duckdb: cannot write (the file is read-only)" in done.stderr
    assert "navigation/" not in done.stdout  # no simulation ran


@pytest.mark.slow
def test_sigterm_to_a_sweep_worker_stops_its_training_child_and_fails_the_trial(tmp_path: Path):
    params = {
        "metric": "score",
        "trials": 1,
        "suite": "navigation",
        "train_overrides": [
            "trainer.total_agent_steps=100000000",
            "trainer.num_envs=1",
            "trainer.batch_size=128",
            "trainer.minibatch_size=64",
            "agent.hidden_size=16",
            "agent.lstm_size=16",
        ],
        "parameters": {"trainer.learning_rate": {"distribution": "log_uniform", "min": 1e-4, "max": 1e-2}},
    }
    (tmp_path / "params.yaml").write_text(yaml.safe_dump(params))
    assert run_metta("sweep", "init", "sig", "--params", "params.yaml", cwd=tmp_path).returncode == 0
    worker = _start(["sweep", "run", "sig"], tmp_path)
    run_dir = tmp_path / "runs" / "sig.t0"
    deadline = time.time() + 120
    while time.time() < deadline and not (
        (run_dir / "train.log").exists() and "started run" in (run_dir / "train.log").read_text()
    ):
        time.sleep(0.2)
    child = int((run_dir / ".lock").read_text())  # the live writer's pid
    worker.send_signal(signal.SIGTERM)  # the worker only, as `kill PID` does
    worker.communicate(timeout=120)
    with pytest.raises(ProcessLookupError):
        os.kill(child, 0)  # the training child is gone, not orphaned
    shown = run_metta("sweep", "show", "sig", cwd=tmp_path)
    assert "fail" in shown.stdout.lower(), shown.stdout
    assert "stopped by SIGTERM" in (run_dir / "train.log").read_text()
