"""Replay benchmark, for `metta bench replay`: size and recording speed of one episode's replay.

Figures: the compressed and raw size of the replay, bytes per frame, and how fast frames are
recorded (env steps and the policy included, so it is the rate `metta replay` and `metta sim
--replay-dir` see). It measures and prints nothing.
"""

from __future__ import annotations

import json
import time

from metta_core.env.config import load_env_config
from metta_core.render.driver import open_driver
from metta_core.replay.format import encode_replay
from metta_core.replay.session import record_episode


def bench_replay(
    env: str = "arena", policy: str = "simple", steps: int = 1000, seed: int = 0
) -> dict[str, object]:
    """Record `steps` steps of `policy` on `env` and encode them; the figures, in print order."""
    config = load_env_config(env)
    # A throwaway step first: it compiles the env kernel when numba's cache is cold (not timed),
    # and leaves the measured driver's seeds untouched, so its replay is the one `metta replay` writes.
    open_driver(config, "random", seed).step()
    driver = open_driver(config, policy, seed)
    start = time.perf_counter()
    replay = record_episode(driver, steps, config.name)
    seconds = time.perf_counter() - start
    started = time.perf_counter()
    data = encode_replay(replay)
    encode_seconds = time.perf_counter() - started
    raw = len(json.dumps(replay, separators=(",", ":")))
    frames = replay["num_frames"]
    return {
        "env": config.name,
        "policy": policy,
        "agents": replay["num_agents"],
        "frames": frames,
        "replay_bytes": len(data),
        "replay_json_bytes": raw,
        "bytes_per_frame": round(len(data) / frames, 1),
        "record_frames_per_s": round(frames / seconds, 1),
        "encode_seconds": round(encode_seconds, 3),
    }
