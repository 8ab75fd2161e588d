"""Same seed + same actions -> the same observations and rewards, bit for bit, in any process."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import numpy as np
import pytest

from metta_core.env.config import load_env_config
from metta_core.env.vecenv import VecEnv

TRAJECTORY = """
import hashlib, sys
import numpy as np
from metta_core.env.config import load_env_config
from metta_core.env.vecenv import VecEnv
from metta_core.env.random_actions import random_valid_actions
env = VecEnv(load_env_config(sys.argv[1], ["game.max_steps=40"]), num_envs=3, seed=int(sys.argv[2]),
             threads=int(sys.argv[3]))
actions = random_valid_actions(env, 100, seed=5)
digest = hashlib.sha256(env.obs.tobytes())
for batch in actions:
    obs, global_obs, rewards, terminals, truncations = env.step(batch)
    for array in (obs, global_obs, rewards, terminals, truncations):
        digest.update(array.tobytes())
print(digest.hexdigest(), sum(len(e.agent_stats) for e in env.drain_episodes()))
"""


def _trajectory(env_name: str, seed: int, threads: int = 1) -> str:
    result = subprocess.run(
        [sys.executable, "-c", TRAJECTORY, env_name, str(seed), str(threads)],
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    return result.stdout.strip()


def test_same_seed_and_actions_give_identical_trajectories_across_processes():
    first = _trajectory("arena_combat", 7)
    assert first == _trajectory("arena_combat", 7)
    assert first != _trajectory("arena_combat", 8)


@pytest.mark.slow
def test_parallel_kernel_gives_the_same_trajectory_as_the_serial_one():
    assert _trajectory("navigation", 3, threads=2) == _trajectory("navigation", 3, threads=1)


def test_reset_with_a_seed_replays_the_same_episode():
    env = VecEnv(load_env_config("navigation"), num_envs=2, seed=0)
    actions = np.random.default_rng(0).integers(0, 3, (30, env.total_agents, 2)).astype(np.int32)

    def run() -> str:
        digest = hashlib.sha256(env.reset(seed=11)[0].tobytes())
        for batch in actions:
            digest.update(env.step(batch)[0].tobytes())
        return digest.hexdigest()

    assert run() == run()


def test_each_env_gets_its_own_map_and_each_episode_a_new_one():
    env = VecEnv(load_env_config("navigation", ["game.max_steps=2"]), num_envs=2, seed=0)
    first = env.snapshot(0), env.snapshot(1)
    assert [a["row"] for a in first[0].agents] != [a["row"] for a in first[1].agents] or [
        o["row"] for o in first[0].objects
    ] != [o["row"] for o in first[1].objects]
    noop = np.zeros((env.total_agents, 2), dtype=np.int32)
    env.step(noop)
    env.step(noop)
    seeds = {e.episode_seed for e in env.drain_episodes()}
    assert len(seeds) == 2
    later = env.snapshot(0)
    assert [o["row"] for o in later.objects] != [o["row"] for o in first[0].objects]


def test_without_a_map_pool_every_episode_builds_a_fresh_map():
    env = VecEnv(load_env_config("arena", ["game.max_steps=1", "map_pool_size=0"]), seed=4)
    maps = []
    for _ in range(3):
        maps.append(sorted((o["row"], o["col"]) for o in env.snapshot().objects if o["type_name"] == "altar"))
        env.step(np.zeros((env.total_agents, 2), dtype=np.int32))
    assert maps[0] != maps[1] != maps[2]


def test_map_pool_limits_distinct_maps_and_fill_map_pool_builds_them():
    env = VecEnv(load_env_config("navigation", ["game.max_steps=1", "map_pool_size=2"]), num_envs=4, seed=4)
    assert env.fill_map_pool() == 2
    layouts = set()
    for _ in range(6):
        layouts.add(
            tuple(sorted((o["row"], o["col"]) for o in env.snapshot().objects if o["type_name"] == "altar"))
        )
        env.step(np.zeros((env.total_agents, 2), dtype=np.int32))
    assert len(layouts) == 2
