"""`metta train` as a user runs it: options, errors, and surviving kill -9 with --resume."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time

import pytest

from metta_core.policy.checkpoint import load_checkpoint
from metta_core.policy.store import PolicyStore
from metta_testing import run_metta

from .conftest import TINY


def test_invalid_settings_exit_2_naming_every_field(tmp_path):
    done = run_metta("train", "trainer.learning_rate=-1", "--device", "tpu", cwd=tmp_path)
    assert done.returncode == 2
    assert "trainer.learning_rate" in done.stderr and "device" in done.stderr
    assert "Traceback" not in done.stderr
    assert not (tmp_path / "runs").exists()


@pytest.mark.slow
def test_metta_train_writes_a_run_and_prints_where(tmp_path):
    done = run_metta("train", "--run", "cli", "--total-steps", "512", "--seed", "3", *TINY, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "agent_steps=512" in done.stdout  # the result on stdout, progress on stderr
    assert "epoch 2 agent_steps 512/512" in done.stderr and "epoch 2" not in done.stdout
    run_dir = tmp_path / "runs" / "cli"
    assert {p.name for p in run_dir.iterdir()} >= {"config.yaml", "checkpoints", "stats.duckdb", "train.log"}
    assert "seed: 3" in (run_dir / "config.yaml").read_text()


@pytest.mark.slow
def test_metta_train_json_prints_only_the_result(tmp_path):
    done = run_metta("train", "--run", "js", "--total-steps", "512", "--json", *TINY, cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["agent_steps"] == 512 and result["checkpoint"].endswith(".pt")
    assert result["run_dir"].endswith("js") and "policy_loss" in result["metrics"]


@pytest.mark.slow
def test_kill_9_then_resume_continues_from_the_last_checkpoint(tmp_path):
    args = [sys.executable, "-m", "metta_cli", "train", "--run", "killed", *TINY]
    args += ["trainer.checkpoint_interval=1", "--total-steps", "1000000"]
    process = subprocess.Popen(args, cwd=tmp_path, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    checkpoints = tmp_path / "runs" / "killed" / "checkpoints"
    deadline = time.time() + 120
    while time.time() < deadline and len(list(checkpoints.glob("epoch_*.pt"))) < 3:
        time.sleep(0.2)
    os.kill(process.pid, signal.SIGKILL)
    process.wait(timeout=30)
    saved = sorted(checkpoints.glob("epoch_*.pt"))
    assert len(saved) >= 3, process.stderr.read().decode()[-2000:]
    for path in saved:  # every file under a final name is whole
        load_checkpoint(str(path))
    last = PolicyStore().records(str(tmp_path / "runs" / "killed"))[0].metadata

    target = last["agent_steps"] + 512
    done = run_metta(
        "train", "--run", "killed", "--resume", "--total-steps", str(target), *TINY, cwd=tmp_path
    )
    assert done.returncode == 0, done.stderr
    log = (tmp_path / "runs" / "killed" / "train.log").read_text()
    assert f"at agent_steps {last['agent_steps']}" in log.split("resumed from")[-1].splitlines()[0]
    final = PolicyStore().records(str(tmp_path / "runs" / "killed"))[0].metadata
    assert final["agent_steps"] == target and final["epoch"] == last["epoch"] + 2
