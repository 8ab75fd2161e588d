"""Workers sharing a SQLite sweep never take the same waiting trial (SQLite has no row locks)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import optuna

from metta_core.sweep.study import open_storage

# Each worker takes waiting trials as fast as it can and prints the numbers it got.
CLAIMER = """
import json, sys
import optuna
from metta_core.sweep.study import ask, open_storage
study = optuna.load_study(study_name="race", storage=open_storage(sys.argv[1]))
taken = []
for _ in range(int(sys.argv[2])):
    trial = ask(study)
    taken.append(trial.number)
print(json.dumps(taken))
"""


def test_concurrent_workers_each_take_a_different_waiting_trial(tmp_path: Path):
    url = f"sqlite:///{tmp_path / 'optuna.db'}"
    study = optuna.create_study(study_name="race", storage=open_storage(url))
    workers, per_worker = 4, 10
    for index in range(workers * per_worker):
        study.enqueue_trial({"x": float(index)})
    script = tmp_path / "claim.py"
    script.write_text(CLAIMER)
    command = [sys.executable, str(script), url, str(per_worker)]
    procs = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        for _ in range(workers)
    ]
    results = [proc.communicate(timeout=120) for proc in procs]
    assert [proc.returncode for proc in procs] == [0] * workers, [err for _, err in results]
    taken = [number for out, _ in results for number in json.loads(out)]
    assert sorted(taken) == list(range(workers * per_worker)), "a waiting trial was taken twice"
