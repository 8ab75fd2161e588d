"""Replay benchmark: `python -m metta_core.replay.bench [--env arena] [--policy simple] [--steps 1000]`.

Records one episode and prints one `name=value` line per figure: the compressed and raw size of
the replay, bytes per frame, and how fast frames are recorded (env steps and the policy included,
so it is the rate `metta replay` and `metta sim --replay-dir` see). It measures; it asserts nothing.
"""

from __future__ import annotations

import argparse
import json
import time

from metta_core.env.config import load_env_config
from metta_core.render.driver import open_driver
from metta_core.replay.format import encode_replay
from metta_core.replay.session import record_episode


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--env", default="arena")
    parser.add_argument("--policy", default="simple")
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    config = load_env_config(args.env)
    # A throwaway step first: it compiles the env kernel when numba's cache is cold (not timed),
    # and leaves the measured driver's seeds untouched, so its replay is the one `metta replay` writes.
    open_driver(config, "random", args.seed).step()
    driver = open_driver(config, args.policy, args.seed)
    start = time.perf_counter()
    replay = record_episode(driver, args.steps, config.name)
    seconds = time.perf_counter() - start
    started = time.perf_counter()
    data = encode_replay(replay)
    encode_seconds = time.perf_counter() - started
    raw = len(json.dumps(replay, separators=(",", ":")))
    frames = replay["num_frames"]
    print(f"env={config.name}")
    print(f"policy={args.policy}")
    print(f"agents={replay['num_agents']}")
    print(f"frames={frames}")
    print(f"replay_bytes={len(data)}")
    print(f"replay_json_bytes={raw}")
    print(f"bytes_per_frame={len(data) / frames:.1f}")
    print(f"record_frames_per_s={frames / seconds:.1f}")
    print(f"encode_seconds={encode_seconds:.3f}")


if __name__ == "__main__":
    main()
