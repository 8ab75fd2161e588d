"""SIGTERM and SIGHUP end a command the way Ctrl-C does.

A service manager's `kill`, a closed terminal or a cluster's pre-emption sends SIGTERM or SIGHUP,
not SIGINT. `termination_like_ctrl_c()` (around every CLI command) makes both raise
`Interrupted`, a `KeyboardInterrupt`, in the main thread, so every command's Ctrl-C path runs
for them too: `play` saves its session, `sweep run` stops its child and fails the trial, servers
close. Training installs its own, gentler handler (`rl/signals.StopFlag`: finish the step, save).
"""

from __future__ import annotations

import signal
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType

TERMINATION_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """A termination signal, delivered as Ctrl-C is."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


@contextmanager
def termination_like_ctrl_c() -> Iterator[None]:
    """For the block, SIGTERM and SIGHUP raise `Interrupted`; the previous handlers come back after."""
    if threading.current_thread() is not threading.main_thread():
        yield  # signal handlers belong to the main thread
        return
    previous = {signum: signal.signal(signum, _raise_interrupted) for signum in TERMINATION_SIGNALS}
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
