"""Environment throughput: agent-steps/s of arena and navigation, single-threaded and on 2 threads.

Run: `.venv/bin/python benchmarks/bench_env.py [--seconds 10]`. Prints one `name=value` line per
figure (`<env>.threads<T>.agent_steps_per_s=...`) and the ratio to the issue's targets. Random
valid actions, observations written every step; each figure is the median of 5 timed windows
(the slowest and fastest are printed too): timings on a shared machine are noisy.
"""

from __future__ import annotations

import argparse

from metta_core.bench.env import bench_env

TARGETS = {"arena": 1_500_000, "navigation": 2_000_000}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--threads", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()
    for env_name, target in TARGETS.items():
        for threads in args.threads:
            result = bench_env(env_name, seconds=args.seconds, threads=threads)
            prefix = f"{env_name}.threads{threads}"
            print(f"{prefix}.num_envs={result.num_envs}")
            print(f"{prefix}.agent_steps_per_s={result.agent_steps_per_s:.0f}")
            print(f"{prefix}.agent_steps_per_s_min={result.agent_steps_per_s_min:.0f}")
            print(f"{prefix}.agent_steps_per_s_max={result.agent_steps_per_s_max:.0f}")
            print(f"{prefix}.ratio_to_target={result.agent_steps_per_s / target:.3f}")


if __name__ == "__main__":
    main()
