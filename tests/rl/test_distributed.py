"""DDP under torchrun: 2 CPU processes with gloo train together and end with identical weights."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from metta_core.rl.distributed import Distributed


def test_identity_comes_from_torchrun_variables(monkeypatch):
    for name, value in {"RANK": "3", "LOCAL_RANK": "1", "WORLD_SIZE": "4", "NODE_INDEX": "1"}.items():
        monkeypatch.setenv(name, value)
    info = Distributed.from_environment()
    assert (info.rank, info.local_rank, info.world_size, info.node_index) == (3, 1, 4, 1)
    assert info.enabled and not info.is_writer


def test_single_process_is_a_world_of_one(monkeypatch):
    for name in ("RANK", "LOCAL_RANK", "WORLD_SIZE", "NODE_INDEX"):
        monkeypatch.delenv(name, raising=False)
    info = Distributed.from_environment()
    assert info.world_size == 1 and info.is_writer and not info.enabled


@pytest.mark.slow
def test_two_gloo_ranks_hold_identical_weights_and_only_rank_0_writes(tmp_path):
    torchrun = Path(sys.executable).parent / "torchrun"
    worker = Path(__file__).parent / "ddp_worker.py"
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    done = subprocess.run(
        [str(torchrun), "--standalone", "--nproc_per_node=2", str(worker), str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=240,
        env=env,
        check=False,
    )
    # Head and tail: a rank's own message comes first, torchrun's summary last.
    assert done.returncode == 0, done.stderr[:3000] + "\n...\n" + done.stderr[-3000:]
    rank0 = (tmp_path / "rank0.txt").read_text().split()
    rank1 = (tmp_path / "rank1.txt").read_text().split()
    assert rank0[0] == rank1[0]  # same weights after the all-reduced updates
    assert rank0[1] == rank1[1] == "1024"  # agent steps count both ranks' experience
    checkpoints = sorted(p.name for p in (tmp_path / "runs" / "ddp" / "checkpoints").iterdir())
    assert checkpoints == ["epoch_000002.pt"]  # 2 epochs of 2 x 256 steps; rank 0 alone wrote
