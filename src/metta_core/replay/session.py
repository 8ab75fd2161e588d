"""What the replay server serves: a finished replay, or a live play session.

`record_episode` runs a policy for one episode and returns its replay (what `metta replay`
serves). `PlaySession` is `metta play`: a human chooses agent 0's action with each message, the
policy the others', the env steps once per message and every frame is recorded. Messages come from
a browser and are untrusted: every field is checked and a bad message gets an error reply, never
an exception. Neither class knows about HTTP or WebSockets (that is `server`).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from metta_core.render.driver import EpisodeDriver
from metta_core.replay.recorder import ReplayRecorder

#: The largest play message accepted; real ones are ~50 bytes.
MAX_MESSAGE_BYTES = 1024


def record_episode(driver: EpisodeDriver, steps: int, env_name: str | None = None) -> dict[str, Any]:
    """Run `driver` (already reset) for `steps` steps or to the episode's end; return the replay."""
    recorder = ReplayRecorder(driver.env, 0, env_name)
    recorder.capture()
    for _ in range(steps):
        # The step that ends an episode resets the env inside it: its snapshot is the next
        # episode's first frame, so it is not recorded.
        if driver.step().done:
            break
        recorder.capture()
    return recorder.replay()


class MessageError(ValueError):
    """A play message that cannot be acted on; the text is sent back to the browser."""


class PlaySession:
    """One human-controlled episode: `handle(message)` steps the env and returns the reply."""

    def __init__(self, driver: EpisodeDriver, steps: int, env_name: str | None = None, human_agent: int = 0):
        self.driver = driver
        self.env = driver.env
        self.max_frames = steps
        self.human_agent = human_agent
        self.recorder = ReplayRecorder(self.env, 0, env_name)
        self.recorder.capture()
        self.done = False
        self.action_ids = {name: i for i, name in enumerate(self.env.action_names)}
        self.max_args = [int(arg) for arg in self.env.action_max_args]

    def init_message(self) -> dict[str, Any]:
        """What a newly connected browser receives: the replay so far, and which agent it plays."""
        return {
            "type": "init",
            "human_agent": self.human_agent,
            "done": self.done,
            "replay": self.recorder.replay(),
        }

    def parse(self, message: str | bytes) -> tuple[int, int]:
        """The (action id, argument) a message asks for, or MessageError saying what is wrong."""
        if len(message) > MAX_MESSAGE_BYTES:
            raise MessageError(f"message of {len(message)} bytes is over the {MAX_MESSAGE_BYTES}-byte limit")
        try:
            data = json.loads(message)
        except (UnicodeDecodeError, json.JSONDecodeError):
            raise MessageError("message is not JSON") from None
        if not isinstance(data, dict) or data.get("type") != "action":
            raise MessageError('expected {"type": "action", "action": <name>, "arg": <int>}')
        action, arg = data.get("action"), data.get("arg", 0)
        if isinstance(action, str):
            if action not in self.action_ids:
                raise MessageError(f"unknown action {action!r} (this env has {', '.join(self.action_ids)})")
            action = self.action_ids[action]
        if not isinstance(action, int) or isinstance(action, bool) or not 0 <= action < len(self.max_args):
            raise MessageError(f"action must be a name or an id 0..{len(self.max_args) - 1}")
        if not isinstance(arg, int) or isinstance(arg, bool) or not 0 <= arg <= self.max_args[action]:
            raise MessageError(
                f"arg of {self.env.action_names[action]} must be an integer 0..{self.max_args[action]}"
            )
        return action, arg

    def handle(self, message: str | bytes) -> dict[str, Any]:
        """Apply one message: a `frame` reply (the step's delta) or an `error` reply."""
        try:
            action = self.parse(message)
        except MessageError as err:
            return {"type": "error", "message": str(err)}
        if self.done:
            return {"type": "error", "message": "the episode is over; the replay has been saved"}
        outcome = self.driver.step({self.human_agent: action})
        if outcome.done:
            self.done = True
            return {
                "type": "frame",
                "delta": None,
                "done": True,
                "reward": float(outcome.rewards[self.human_agent]),
            }
        delta = self.recorder.capture()
        self.done = self.recorder.num_frames > self.max_frames
        return {
            "type": "frame",
            "delta": delta,
            "done": self.done,
            "reward": float(outcome.rewards[self.human_agent]),
        }

    def save(self, path: Path | str) -> Path | str:
        return self.recorder.save(path)
