"""One live writer per run directory, and no trace of a start that failed.

`run_lock` holds `<run_dir>/.lock` (an advisory lock with the holder's pid) for the whole
training: a second `metta train --run X` while X trains is refused with the holder's pid before it
reads or writes anything. A run directory this start created is removed again if the start fails
before training begins (an unusable stats DB, a bad checkpoint...), so failed starts leave no
half-made runs behind; an existing run is left as it was.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from metta_core.errors import StorageError
from metta_core.locks import exclusive_lock

LOCK_NAME = ".lock"


class RunStart:
    """Told by the trainer when the start has succeeded (from then on the run is kept)."""

    def __init__(self) -> None:
        self.done = False

    def succeeded(self) -> None:
        self.done = True


@contextmanager
def run_lock(run_dir: Path, run_name: str, is_writer: bool = True) -> Iterator[RunStart]:
    start = RunStart()
    if not is_writer:  # under torchrun only rank 0 writes the run directory
        yield start
        return
    fresh = not run_dir.exists()
    try:
        run_dir.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise StorageError(
            f"{run_dir}: cannot create the run directory ({err.strerror}); check --data-dir and --run"
        ) from None
    try:
        with exclusive_lock(run_dir / LOCK_NAME, f"run {run_name} ({run_dir})", wait=False):
            yield start
    except BaseException:
        if fresh and not start.done:
            shutil.rmtree(run_dir, ignore_errors=True)
        raise
