"""Advisory file locks (`fcntl.flock`) between metta processes: one live writer per run
directory, one merge at a time into a shared local stats database.

The lock file holds the holder's pid, so a refused second writer can say who has it. The kernel
drops a flock when its holder exits, however it exits (kill -9 included), so a stale lock file
never blocks anyone: only a live holder does.
"""

from __future__ import annotations

import fcntl
import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from metta_core.errors import StorageError


class LockHeld(StorageError):
    """Another live process holds the lock."""


def _holder(path: Path) -> str:
    try:
        text = path.read_text().strip()
    except OSError:
        return "another process"
    return f"process {text}" if text.isdigit() else "another process"


@contextmanager
def exclusive_lock(path: str | Path, what: str, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on `path` (created if missing) for the block. With `wait=False` a
    lock held elsewhere raises `LockHeld` naming `what` and the holder's pid."""
    path = Path(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o644)
    except OSError as err:
        raise StorageError(f"{path}: cannot create the lock file ({err.strerror})") from None
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            raise LockHeld(f"{what} is in use by {_holder(path)} (lock file {path})") from None
        os.ftruncate(fd, 0)
        os.write(fd, str(os.getpid()).encode())
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the descriptor releases the lock
