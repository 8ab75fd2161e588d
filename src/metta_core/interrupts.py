"""SIGTERM and SIGHUP end a command the way Ctrl-C does.

A service manager's `kill`, a closed terminal or a cluster's pre-emption sends SIGTERM or SIGHUP,
not SIGINT. `handle_termination_like_ctrl_c()` (called once by the CLI) makes both raise
`Interrupted`, a `KeyboardInterrupt`, in the main thread, so every command's Ctrl-C path runs
for them too: `play` saves its session, `sweep run` stops its child and fails the trial, servers
close. Training installs its own, gentler handler (`rl/signals.StopFlag`: finish the step, save).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType

TERMINATION_SIGNALS = (signal.SIGTERM, signal.SIGHUP)


class Interrupted(KeyboardInterrupt):
    """A termination signal, delivered as Ctrl-C is."""

    def __init__(self, signum: int):
        self.signum = signum
        super().__init__(signal.Signals(signum).name)


def _raise_interrupted(signum: int, frame: FrameType | None) -> None:
    raise Interrupted(signum)


def handle_termination_like_ctrl_c() -> None:
    if threading.current_thread() is threading.main_thread():
        for signum in TERMINATION_SIGNALS:
            signal.signal(signum, _raise_interrupted)
