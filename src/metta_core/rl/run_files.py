"""The files of a run directory: `config.yaml`, `checkpoints/epoch_NNNNNN.pt`, `train.log`,
`metrics.jsonl`.

Knows names and layout only; what goes into a checkpoint is `metta_core.policy.checkpoint`'s job.
"""

from __future__ import annotations

import json
import time
from datetime import UTC, datetime
from pathlib import Path

import yaml

from metta_core import storage
from metta_core.errors import ConfigError

CHECKPOINT_DIR = "checkpoints"


def default_run_name(env_name: str) -> str:
    return f"{env_name}-{datetime.now(UTC).strftime('%Y%m%d-%H%M%S')}"


def checkpoint_path(run_dir: Path, epoch: int) -> Path:
    return run_dir / CHECKPOINT_DIR / f"epoch_{epoch:06d}.pt"


def checkpoints_newest_first(run_dir: Path) -> list[Path]:
    """A run's checkpoints, highest epoch first; temp files of interrupted writes are ignored."""
    directory = run_dir / CHECKPOINT_DIR
    if not directory.is_dir():
        return []
    return sorted((p for p in directory.glob("epoch_*.pt") if p.is_file()), reverse=True)


def latest_checkpoint(run_dir: Path) -> Path | None:
    """The highest-epoch checkpoint of a run."""
    found = checkpoints_newest_first(run_dir)
    return found[0] if found else None


def prune_metrics(path: Path, last_epoch: int) -> int:
    """Drop the `metrics.jsonl` lines of epochs after `last_epoch` (work a resumed run redoes, so
    the curve has each epoch once) and any partial line a kill left; returns how many went."""
    if not path.exists():
        return 0
    kept, dropped = [], 0
    for line in path.read_text(errors="replace").splitlines():
        try:
            epoch = int(json.loads(line).get("epoch", 0))
        except (ValueError, AttributeError, TypeError):
            dropped += 1
            continue
        if epoch > last_epoch:
            dropped += 1
        else:
            kept.append(line + "\n")
    if dropped:
        storage.write_bytes(path, "".join(kept).encode())
    return dropped


def most_recent_run(data_dir: Path) -> Path | None:
    """The run directory under `data_dir` whose latest checkpoint is newest (for a bare --resume)."""
    if not data_dir.is_dir():
        return None
    runs = [(latest_checkpoint(d), d) for d in data_dir.iterdir() if d.is_dir()]
    runs = [(c.stat().st_mtime, d) for c, d in runs if c is not None]
    return max(runs)[1] if runs else None


def resolve_run(
    run: str | None, run_dir: Path | None, data_dir: Path, env_name: str, resume: bool
) -> tuple[str, Path]:
    """The run's name and directory: as given, the newest run for a bare `--resume`, or a new name."""
    if run_dir is not None:
        return run or run_dir.name, run_dir
    if run is None and resume:
        found = most_recent_run(data_dir)
        if found is None:
            raise ConfigError(f"resume: no run with a checkpoint under {data_dir} (name one with --run)")
        return found.name, found
    name = run or default_run_name(env_name)
    return name, data_dir / name


def write_config(run_dir: Path, settings_data: dict) -> Path:
    path = run_dir / "config.yaml"
    storage.write_bytes(path, yaml.safe_dump(settings_data, sort_keys=False).encode())
    return path


class TrainLog:
    """Plain text lines appended to `train.log`, and one JSON object per epoch to `metrics.jsonl`
    (the learning curve). Both are line-buffered, so a kill loses at most the line being written."""

    def __init__(self, path: Path | None, metrics_path: Path | None = None):
        self.file = open(path, "a", buffering=1) if path is not None else None  # noqa: SIM115
        self.metrics_file = open(metrics_path, "a", buffering=1) if metrics_path is not None else None  # noqa: SIM115

    def write(self, message: str) -> None:
        if self.file is not None:
            self.file.write(f"{time.strftime('%Y-%m-%d %H:%M:%S')} {message}\n")

    def metrics(self, values: dict) -> None:
        if self.metrics_file is not None:
            self.metrics_file.write(json.dumps(values) + "\n")

    def close(self) -> None:
        for handle in (self.file, self.metrics_file):
            if handle is not None:
                handle.close()
        self.file = self.metrics_file = None
