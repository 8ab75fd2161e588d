"""Training throughput benchmark: end-to-end agent steps/s (rollout + PPO update), no files written.

Prints one `name=value` line per figure for two set-ups: the benchmark network (`lstm256`, ~0.87M
parameters) on `arena` (24 agents x 16 envs), and the default policy (`fast`) on `navigation`.
Run: `.venv/bin/python benchmarks/bench_train.py [--epochs N] [--threads N]`. The same figures come
from `metta bench train --env arena --agent lstm256`.
"""

from __future__ import annotations

import argparse

from metta_core.bench.train import benchmark_training
from metta_core.config.loader import resolve
from metta_core.rl.settings import TrainSettings

SETUPS = (("arena_lstm256", "arena", "lstm256"), ("navigation_fast", "navigation", "fast"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3, help="timed epochs after one warm-up epoch")
    parser.add_argument("--threads", type=int, default=0, help="torch threads (0: automatic)")
    args = parser.parse_args()
    for label, env, agent in SETUPS:
        settings = resolve(
            TrainSettings,
            overrides=[f"env={env}", f"agent={agent}", f"trainer.torch_threads={args.threads}"],
            environ={},
        )
        figures = benchmark_training(settings, epochs=args.epochs)
        for name in (
            "agent_steps_per_s",
            "rollout_agent_steps_per_s",
            "update_s_per_epoch",
            "parameters",
            "torch_threads",
        ):
            print(
                f"{label}.{name}={figures[name]:.3f}"
                if name == "update_s_per_epoch"
                else f"{label}.{name}={figures[name]:.0f}"
            )


if __name__ == "__main__":
    main()
