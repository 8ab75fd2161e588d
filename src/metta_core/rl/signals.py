"""Ctrl-C / SIGTERM / SIGHUP during training: finish the current step, save a checkpoint, exit cleanly.

The handler only raises a flag that the PPO loop polls. A second Ctrl-C restores the default
handler so an impatient user can still kill the process; a repeated SIGTERM or SIGHUP does not
(a supervisor that signals the whole process group and then the process itself must not turn a
clean stop into a kill: SIGKILL is there for that).
"""

from __future__ import annotations

import signal
import threading
from types import FrameType


class StopFlag:
    def __init__(self) -> None:
        self.requested = False
        self.signal_name: str | None = None
        self._previous: dict[int, object] = {}

    def __call__(self) -> bool:
        return self.requested

    def _handle(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True
        self.signal_name = signal.Signals(signum).name
        if signum == signal.SIGINT:
            signal.signal(signum, self._previous.get(signum, signal.SIG_DFL))

    def __enter__(self) -> StopFlag:
        # Signal handlers can only be installed from the main thread (tests may train elsewhere).
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
