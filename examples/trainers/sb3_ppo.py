"""Stable-Baselines3 PPO on one-agent navigation through `gymnasium.make`.

    python examples/trainers/sb3_ppo.py --steps 50000

`obs_dtype="float32"` keeps SB3 from reading the uint8 `(19, 11, 11)` grid as a channels-last image;
`MultiInputPolicy` then flattens the grid and the global features. Prints `name=value` lines.
"""

from __future__ import annotations

import argparse
import time

import gymnasium
import numpy as np
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.monitor import Monitor

import metta_core.env  # noqa: F401  (registers metta/<Preset>-v0)


def main(steps: int) -> dict[str, float]:
    torch.set_num_threads(2)
    env = Monitor(gymnasium.make("metta/NavigationSingle-v0", obs_dtype="float32"))
    model = PPO("MultiInputPolicy", env, n_steps=1024, batch_size=256, n_epochs=4, device="cpu", seed=0)
    start = time.perf_counter()
    model.learn(steps)
    seconds = time.perf_counter() - start
    returns = [episode["r"] for episode in model.ep_info_buffer]
    figures = {
        "sb3_gym_steps_per_second": steps / seconds,
        "sb3_gym_mean_return_last_episodes": float(np.mean(returns)) if returns else float("nan"),
    }
    for name, value in figures.items():
        print(f"{name}={value:.3f}")
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=50_000)
    main(parser.parse_args().steps)
