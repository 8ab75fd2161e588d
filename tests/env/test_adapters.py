"""The Gymnasium and PettingZoo views pass those libraries' own API checkers."""

from __future__ import annotations

import numpy as np
from gymnasium.utils.env_checker import check_env
from pettingzoo.test import parallel_api_test

from metta_core.env.adapters import MettaGymEnv, MettaParallelEnv, MettaVectorEnv
from metta_core.env.config import load_env_config
from metta_core.errors import ConfigError


def test_gymnasium_single_env_view_passes_the_env_checker():
    env = MettaGymEnv(load_env_config("object_use", ["game.max_steps=20"]))
    check_env(env, skip_render_check=True)


def test_gymnasium_single_env_view_refuses_several_agents():
    try:
        MettaGymEnv(load_env_config("navigation"))
    except ConfigError as err:
        assert "game.num_agents" in str(err)
    else:
        raise AssertionError("a 4-agent env was accepted")


def test_pettingzoo_parallel_view_passes_the_api_test():
    env = MettaParallelEnv(load_env_config("navigation", ["game.max_steps=30"]))
    parallel_api_test(env, num_cycles=40)


def test_gymnasium_vector_view_steps_every_agent_of_every_env():
    env = MettaVectorEnv(load_env_config("navigation", ["game.max_steps=5"]), num_envs=2)
    obs, _ = env.reset(seed=1)
    assert obs["grid"].shape == (8, *env.single_observation_space["grid"].shape)
    assert env.observation_space.contains(obs)
    for _ in range(5):
        obs, rewards, terminated, truncated, infos = env.step(env.action_space.sample())
    assert truncated.all() and not terminated.any()
    assert len(infos["episode_stats"]) == 2
    assert rewards.dtype == np.float32
