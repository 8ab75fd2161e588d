"""Ctrl-C / SIGTERM during training: finish the current step, save a checkpoint, exit cleanly.

The handler only raises a flag that the PPO loop polls; a second signal restores the default
handler so an impatient user can still kill the process.
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
        signal.signal(signum, self._previous.get(signum, signal.SIG_DFL))

    def __enter__(self) -> StopFlag:
        # Signal handlers can only be installed from the main thread (tests may train elsewhere).
        if threading.current_thread() is threading.main_thread():
            for signum in (signal.SIGINT, signal.SIGTERM):
                self._previous[signum] = signal.signal(signum, self._handle)
        return self

    def __exit__(self, *exc: object) -> None:
        for signum, handler in self._previous.items():
            signal.signal(signum, handler)
        self._previous.clear()
