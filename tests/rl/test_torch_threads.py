"""Torch's thread count follows the processes running now, not a load average a minute old."""

from __future__ import annotations

import os
import subprocess
import sys
import time

import pytest

from metta_core.rl.distributed import busy_cores, torch_threads

pytestmark = pytest.mark.skipif(not os.path.exists("/proc/loadavg"), reason="counts runnable tasks in /proc")


def _spinners(count: int) -> list[subprocess.Popen]:
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(count)]


def test_processes_spinning_on_the_other_cores_leave_torch_one_thread():
    cores = os.cpu_count() or 1
    spinners = _spinners(max(1, cores // 2))
    try:
        time.sleep(0.5)  # far too soon for the 1-minute load average to show them
        assert busy_cores() >= max(1, cores // 2)
        assert torch_threads(0, world_size=1) == 1
    finally:
        for spinner in spinners:
            spinner.kill()
            spinner.wait()


def test_a_run_started_right_after_another_gets_its_share_of_the_cores():
    spinners = _spinners(1)
    time.sleep(0.5)
    for spinner in spinners:
        spinner.kill()
        spinner.wait()
    assert busy_cores() == 0
    assert torch_threads(0, world_size=1) == (os.cpu_count() or 1)


def test_an_explicit_request_wins():
    assert torch_threads(3, world_size=2) == 3
