"""Learning check: does a `metta train` run beat the random policy 5x within 10 minutes?

Measures the random policy's mean hearts per agent per episode on the run's env, reads the run's
learning curve (`runs/<run>/metrics.jsonl`, one line per epoch), prints `name=value` figures and
saves the curve as a PNG. Usage, after `metta train --env navigation --run nav`:

    .venv/bin/python examples/learning_check.py runs/nav --out docs/learning_curve.png
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import numpy as np


def random_hearts(env_config, episodes: int = 64, seed: int = 123) -> float:
    """Mean hearts per agent per episode of the random policy on `env_config`."""
    from metta_core.env.vecenv import VecEnv
    from metta_core.sim.actors import make_actor

    env = VecEnv(env_config, num_envs=16, seed=seed)
    actor = make_actor("random", env, seed=seed)
    obs, global_obs = env.reset(seed=seed)
    actor.reset(env.total_agents)
    done = np.zeros(env.total_agents, dtype=bool)
    finished = []
    while len(finished) < episodes:
        obs, global_obs, _, terminals, truncations = env.step(actor.act(obs, global_obs, done))
        done = terminals | truncations
        finished += env.drain_episodes()
    return float(np.mean([np.mean([s.get("heart.gained", 0.0) for s in e.agent_stats]) for e in finished]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("run_dir", type=Path)
    parser.add_argument(
        "--out", type=Path, default=None, help="PNG path (default <run_dir>/learning_curve.png)"
    )
    parser.add_argument("--minutes", type=float, default=10.0, help="the time budget to judge")
    args = parser.parse_args()

    import yaml

    from metta_core.config.loader import validate_mapping
    from metta_core.rl.settings import TrainSettings

    settings_data = yaml.safe_load((args.run_dir / "config.yaml").read_text())
    settings = validate_mapping(TrainSettings, settings_data, str(args.run_dir / "config.yaml"))
    rows = [
        json.loads(line) for line in (args.run_dir / "metrics.jsonl").read_text().splitlines() if line.strip()
    ]
    rows = [r for r in rows if "episode_hearts" in r]
    minutes = np.array([r["wall_time_s"] / 60 for r in rows])
    hearts = np.array([r["episode_hearts"] for r in rows])
    steps = np.array([r["agent_steps"] for r in rows])
    baseline = random_hearts(settings.env)
    within = hearts[minutes <= args.minutes]
    reached = np.nonzero(hearts >= 5 * baseline)[0]
    print(f"random_hearts_per_episode={baseline:.3f}")
    print(f"best_hearts_within_{args.minutes:g}_min={within.max() if len(within) else float('nan'):.3f}")
    print(
        f"ratio_to_random_within_{args.minutes:g}_min={(within.max() / baseline) if len(within) else float('nan'):.2f}"
    )
    if len(reached):
        print(f"minutes_to_5x_random={minutes[reached[0]]:.2f}")
        print(f"agent_steps_to_5x_random={steps[reached[0]]}")
    else:
        print("minutes_to_5x_random=not_reached")

    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4))
    axis.plot(minutes, hearts, label=f"metta train ({settings.agent.name} agent)")
    axis.axhline(baseline, color="grey", linestyle=":", label=f"random policy ({baseline:.2f})")
    axis.axhline(5 * baseline, color="red", linestyle="--", label=f"5x random ({5 * baseline:.2f})")
    axis.axvline(args.minutes, color="black", linewidth=0.5)
    axis.set_xlabel("wall-clock minutes (training time)")
    axis.set_ylabel("hearts per agent per episode")
    axis.set_title(f"{settings.env.name}: run {args.run_dir.name}")
    axis.legend(loc="lower right")
    figure.tight_layout()
    out = args.out or args.run_dir / "learning_curve.png"
    out.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out, dpi=100)
    print(f"curve={out}")


if __name__ == "__main__":
    main()
