"""PettingZoo + SuperSuit + Stable-Baselines3: every agent of 4-agent navigation as one SB3 env.

    python examples/trainers/supersuit_sb3.py --steps 100000

`metta_v0.parallel_env` is the PettingZoo `ParallelEnv`; SuperSuit turns its agents into a vector
env and concatenates copies; SB3's PPO trains one shared policy. Prints `name=value` lines.
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import supersuit
import torch
from stable_baselines3 import PPO
from stable_baselines3.common.vec_env import VecMonitor

from metta_core.env import metta_v0


def main(steps: int, copies: int = 4) -> dict[str, float]:
    torch.set_num_threads(2)
    parallel = metta_v0.parallel_env("navigation", obs_dtype="float32")
    vec = supersuit.pettingzoo_env_to_vec_env_v1(parallel)
    vec = VecMonitor(supersuit.concat_vec_envs_v1(vec, copies, num_cpus=0, base_class="stable_baselines3"))
    model = PPO("MultiInputPolicy", vec, n_steps=128, batch_size=512, n_epochs=4, device="cpu")
    start = time.perf_counter()
    model.learn(steps)
    seconds = time.perf_counter() - start
    returns = [episode["r"] for episode in model.ep_info_buffer]
    figures = {
        "supersuit_sb3_steps_per_second": steps / seconds,
        "supersuit_sb3_mean_return_last_episodes": float(np.mean(returns)) if returns else float("nan"),
    }
    for name, value in figures.items():
        print(f"{name}={value:.3f}")
    return figures


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100_000)
    main(parser.parse_args().steps)
