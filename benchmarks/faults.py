"""Fault figures: do concurrent exports, kill -9 during training and kill -9 during an export lose
anything? Real processes, real signals, a real S3 API (moto_server) when it is installed.

Run: `.venv/bin/python benchmarks/faults.py [--writers 4 --rounds 3 --kills 5]`. Prints
`name=value` lines; every ratio's target is 1.0:

- `exports.<local|s3>.rows_kept_ratio`: episodes in the shared DB / episodes exported, for
  `writers` processes exporting at once, `rounds` times;
- `train_kill9.resumed_ratio`: trainings killed with SIGKILL after a few checkpoints whose rerun
  resumes from a whole checkpoint and finishes;
- `export_kill9.intact_ratio`: exports killed with SIGKILL part way whose target still opens with
  either its old rows or old plus new (never fewer, never damaged);
- `test_suite.fault_probes`: tests in the suite's fault modules (full disk, races, signals, bad input).
"""

from __future__ import annotations

import argparse
import contextlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPORT = "import sys; from metta_core.stats.merge import export_database; export_database(sys.argv[1], sys.argv[2])"
TINY_TRAIN = [
    "--env", "navigation", "trainer.num_envs=2", "trainer.batch_size=256", "trainer.minibatch_size=128",
    "trainer.bptt_horizon=8", "trainer.update_epochs=1", "agent.hidden_size=16", "agent.lstm_size=8",
    "trainer.checkpoint_interval=1",
]  # fmt: skip
FAULT_TESTS = [
    "tests/storage/test_local_writes.py",
    "tests/stats/test_shared_writes.py",
    "tests/rl/test_run_integrity.py",
    "tests/cli/test_termination_signals.py",
    "tests/cli/test_bad_input_one_line.py",
    "tests/sweep/test_dead_workers.py",
    "tests/sweep/test_postgres_storage.py",
    "tests/env/test_ending_observations.py",
]


def _episodes_db(path: Path, count: int, seed: int) -> None:
    sys.path.insert(0, str(ROOT / "tests"))
    from metta_core.stats.db import StatsDB
    from metta_testing import FakeEpisode

    episodes = [
        FakeEpisode(env_index=0, episode_seed=seed + k, length=10, rewards=[1.0], raw_rewards=[1.0],
                    agent_stats=[{"heart.gained": 1.0}], agent_teams=[0])
        for k in range(count)
    ]  # fmt: skip
    with StatsDB(path) as db:
        sim = db.add_simulation("faults", "faults", "navigation", f"p{seed}")
        db.add_episodes(sim, episodes, [f"p{seed}"])


def _count(uri: str) -> int:
    from metta_core import storage
    from metta_core.stats.db import open_stats_db

    with storage.local_copy(uri) as local, open_stats_db(local) as db:
        return db.count("episodes")


def concurrent_exports(target: str, work: Path, writers: int, rounds: int, per_db: int = 3) -> float:
    work.mkdir(parents=True, exist_ok=True)
    written = 0
    for r in range(rounds):
        sources = []
        for w in range(writers):
            source = work / f"export_{r}_{w}.duckdb"
            _episodes_db(source, per_db, seed=10_000 * (r + 1) + 100 * w)
            sources.append(source)
        processes = [subprocess.Popen([sys.executable, "-c", EXPORT, str(s), target]) for s in sources]
        written += sum(per_db for p in processes if p.wait() == 0)
    return _count(target) / (writers * rounds * per_db) if written else 0.0


def train_kill9(work: Path, kills: int) -> float:
    from metta_core.policy.checkpoint import load_checkpoint

    resumed = 0
    for k in range(kills):
        run = f"k{k}"
        args = [
            sys.executable,
            "-m",
            "metta_cli",
            "train",
            "--run",
            run,
            "--data-dir",
            str(work / "runs"),
            *TINY_TRAIN,
        ]
        process = subprocess.Popen(
            [*args, "--total-steps", "100000000"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        checkpoints = work / "runs" / run / "checkpoints"
        wanted = random.randint(2, 4)
        deadline = time.time() + 300
        while time.time() < deadline and len(list(checkpoints.glob("epoch_*.pt"))) < wanted:
            time.sleep(0.05)
        time.sleep(random.uniform(0, 0.5))  # anywhere inside an epoch, a checkpoint write included
        process.send_signal(signal.SIGKILL)
        process.wait()
        try:
            for path in checkpoints.glob("epoch_*.pt"):
                load_checkpoint(str(path))
        except Exception:
            continue
        steps = (wanted + 3) * 256
        done = subprocess.run(
            [*args, "--total-steps", str(steps)], capture_output=True, text=True, check=False
        )
        if done.returncode == 0 and "resumed from" in (work / "runs" / run / "train.log").read_text():
            resumed += 1
    return resumed / kills


def export_kill9(work: Path, kills: int) -> tuple[float, int]:
    """(intact ratio, how many kills landed before the export finished)."""
    from metta_core.errors import StorageError

    intact = before_end = 0
    for k in range(kills):
        target = work / f"target_{k}.duckdb"
        _episodes_db(target, 50, seed=1)
        source = work / f"big_{k}.duckdb"
        _episodes_db(source, 20000, seed=100_000 * (k + 1))
        process = subprocess.Popen([sys.executable, "-c", EXPORT, str(source), str(target)])
        deadline = time.time() + 60  # kill while the merge writes its temp file: mid-export
        while time.time() < deadline and process.poll() is None and not list(work.glob(f".{target.name}.*")):
            time.sleep(0.001)
        time.sleep(random.uniform(0, 0.05))
        process.send_signal(signal.SIGKILL)
        process.wait()
        with contextlib.suppress(StorageError):
            rows = _count(str(target))
            intact += rows in (50, 20050)
            before_end += rows == 50
    return intact / kills, before_end


def _moto() -> tuple[subprocess.Popen, str] | None:
    executable = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    if not Path(executable).exists():
        return None
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    server = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    os.environ.update(
        AWS_ENDPOINT_URL=endpoint,
        AWS_ACCESS_KEY_ID="x",
        AWS_SECRET_ACCESS_KEY="x",
        AWS_DEFAULT_REGION="us-east-1",
    )
    import boto3

    boto3.client("s3", endpoint_url=endpoint).create_bucket(Bucket="faults")
    return server, endpoint


def fault_probes() -> int:
    done = subprocess.run(
        [sys.executable, "-m", "pytest", "--collect-only", "-q", *FAULT_TESTS],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    return sum(1 for line in done.stdout.splitlines() if "::" in line)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--writers", type=int, default=4)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--kills", type=int, default=5)
    args = parser.parse_args()
    random.seed(0)
    with tempfile.TemporaryDirectory(prefix="metta-faults-") as tmp:
        work = Path(tmp)
        ratio = concurrent_exports(str(work / "shared.duckdb"), work / "local", args.writers, args.rounds)
        print(f"exports.local.writers={args.writers}\nexports.local.rounds={args.rounds}")
        print(f"exports.local.rows_kept_ratio={ratio:.3f}")
        moto = _moto()
        if moto is not None:
            ratio = concurrent_exports("s3://faults/shared.duckdb", work / "s3", args.writers, args.rounds)
            print(f"exports.s3.rows_kept_ratio={ratio:.3f}")
            moto[0].terminate()
        print(
            f"train_kill9.trials={args.kills}\ntrain_kill9.resumed_ratio={train_kill9(work, args.kills):.3f}"
        )
        intact, before_end = export_kill9(work, args.kills)
        print(f"export_kill9.trials={args.kills}\nexport_kill9.intact_ratio={intact:.3f}")
        print(f"export_kill9.killed_before_it_finished={before_end}")
    print(f"test_suite.fault_probes={fault_probes()}")


if __name__ == "__main__":
    main()
