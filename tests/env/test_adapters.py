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
    assert infos["_final_info"].all() and infos["final_info"]["_episode"].all()
    assert (infos["final_info"]["episode"]["l"] == 5).all()
    assert rewards.dtype == np.float32


def test_vector_view_reports_episodes_as_record_episode_statistics_does():
    """final_info.episode.r is the sum of the rewards each sub-env got; stats hold the counters."""
    env = MettaVectorEnv(load_env_config("object_use", ["game.max_steps=40"]), num_envs=3, seed=2)
    env.reset(seed=2)
    env.action_space.seed(0)
    returns = np.zeros(env.num_envs)
    for _ in range(40):
        _, rewards, _, _, infos = env.step(env.action_space.sample())
        returns += rewards
    final = infos["final_info"]
    np.testing.assert_allclose(final["episode"]["r"], returns, rtol=1e-5)
    assert (final["episode"]["t"] > 0).all() and final["episode"]["_r"].all()
    moves = final["stats"]["action.move.success"] + final["stats"]["action.move.failed"]
    assert (moves > 0).all() and final["stats"]["_action.move.success"].all()


def test_one_agent_views_report_the_episodes_counters_on_its_last_step():
    env = MettaGymEnv(load_env_config("object_use", ["game.max_steps=3"]))
    env.reset(seed=0)
    infos = [env.step(np.array([1, 0]))[4] for _ in range(3)]  # move forward
    assert infos[:2] == [{}, {}]
    assert infos[2]["stats"]["action.move.success"] + infos[2]["stats"]["action.move.failed"] == 3
    parallel = MettaParallelEnv(load_env_config("navigation", ["game.max_steps=2"]))
    parallel.reset(seed=0)
    parallel.step({})
    *_, infos = parallel.step({})
    assert set(infos) == set(parallel.possible_agents)
    assert all(info["stats"]["action.noop.success"] == 2 for info in infos.values())
