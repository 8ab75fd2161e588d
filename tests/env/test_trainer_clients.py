"""The libraries people train with, run for real on the adapters: Stable-Baselines3 (on the Gym
env and on a SuperSuit vector env of the PettingZoo env), a CleanRL-style PyTorch loop on the
vector env under Gymnasium's own wrappers, and PettingZoo's API and seed tests."""

from __future__ import annotations

import functools

import gymnasium
import numpy as np
import torch
from gymnasium.wrappers.vector import DictInfoToList, RecordEpisodeStatistics
from pettingzoo.test import api_test, parallel_api_test, parallel_seed_test, seed_test

import metta_core.env  # noqa: F401  (registers metta/<Preset>-v0)
from metta_core.env import metta_v0

SHORT = ["game.max_steps=25"]
PROGRESS = 0  # `episode_progress`, the first global feature


def test_pettingzoo_parallel_api_test():
    parallel_api_test(metta_v0.parallel_env("navigation", overrides=SHORT), num_cycles=60)


def test_pettingzoo_api_test_on_the_aec_view():
    api_test(metta_v0.env("navigation", overrides=SHORT), num_cycles=60)


def test_pettingzoo_seed_tests():
    seed_test(functools.partial(metta_v0.env, "navigation", overrides=SHORT), num_cycles=40)
    parallel_seed_test(functools.partial(metta_v0.parallel_env, "navigation", overrides=SHORT), num_cycles=40)


def test_cleanrl_style_loop_under_record_episode_statistics_and_dict_info_to_list():
    """A CleanRL-style rollout: values of the next observations, truncations bootstrapped from
    `final_obs`, episode returns read from the wrapper, and our own episode record agrees."""
    envs = RecordEpisodeStatistics(
        gymnasium.make_vec(
            "metta/ObjectUse-v0", num_envs=4, seed=1, obs_dtype="float32", flatten=True, overrides=SHORT
        )
    )
    size = envs.single_observation_space.shape[0]
    value = torch.nn.Linear(size, 1)
    obs, _ = envs.reset(seed=1)
    envs.action_space.seed(1)
    episodes = 0
    for _ in range(60):
        obs, rewards, terminations, truncations, infos = envs.step(envs.action_space.sample())
        next_value = value(torch.as_tensor(obs)).squeeze(-1).detach()
        if "final_obs" in infos:
            rows = np.flatnonzero(infos["_final_obs"])
            final = torch.as_tensor(np.stack(infos["final_obs"][rows]))
            next_value[rows] = value(final).squeeze(-1).detach()
            assert (final[:, size - 4 + PROGRESS] == 1.0).all()  # the ending episode's progress
        if "episode" in infos:
            done = infos["_episode"]
            np.testing.assert_allclose(
                infos["episode"]["r"][done], infos["final_info"]["episode"]["r"][done], rtol=1e-5
            )
            np.testing.assert_array_equal(
                infos["episode"]["l"][done], infos["final_info"]["episode"]["l"][done]
            )
            episodes += int(done.sum())
        assert next_value.shape == (4,) and not (terminations & truncations).any()
    assert episodes == 8  # 60 steps of 4 sub-envs whose episodes last 25

    listed = DictInfoToList(gymnasium.make_vec("metta/Navigation-v0", num_envs=1, overrides=SHORT))
    listed.reset(seed=0)
    for _ in range(25):
        *_, infos = listed.step(listed.action_space.sample())
    assert len(infos) == 4
    assert all(info["final_info"]["episode"]["l"] == 25 and "final_obs" in info for info in infos)


def test_stable_baselines3_ppo_trains_on_the_gym_env():
    from stable_baselines3 import PPO
    from stable_baselines3.common.monitor import Monitor

    torch.set_num_threads(1)
    env = Monitor(gymnasium.make("metta/NavigationSingle-v0", obs_dtype="float32", overrides=SHORT))
    model = PPO("MultiInputPolicy", env, n_steps=256, batch_size=64, n_epochs=1, seed=0, device="cpu")
    model.learn(1024)
    assert model.num_timesteps == 1024
    assert [episode["l"] for episode in model.ep_info_buffer] == [25] * 40
    action, _ = model.predict(env.reset(seed=0)[0])
    assert env.action_space.contains(action)


def test_stable_baselines3_terminal_observation_belongs_to_the_ending_episode():
    from stable_baselines3.common.vec_env import DummyVecEnv

    vec = DummyVecEnv([lambda: gymnasium.make("metta/ObjectUse-v0", overrides=SHORT)])
    vec.reset()
    for _ in range(25):
        obs, _, dones, infos = vec.step(np.array([[0, 0]]))
    assert dones[0] and infos[0]["TimeLimit.truncated"]
    assert infos[0]["terminal_observation"]["global"][PROGRESS] == 1.0  # what SB3 bootstraps from
    assert obs["global"][0, PROGRESS] == 0.0  # the next episode starts


def test_stable_baselines3_ppo_trains_on_a_supersuit_vec_env_of_the_parallel_env():
    import supersuit
    from stable_baselines3 import PPO

    torch.set_num_threads(1)
    parallel = metta_v0.parallel_env("navigation", obs_dtype="float32", overrides=SHORT)
    vec = supersuit.pettingzoo_env_to_vec_env_v1(parallel)
    vec = supersuit.concat_vec_envs_v1(vec, 2, num_cpus=0, base_class="stable_baselines3")
    assert vec.num_envs == 8
    # No `seed=`: SB3 would call vec.seed(), which SuperSuit's ConcatVecEnv lacks.
    model = PPO("MultiInputPolicy", vec, n_steps=64, batch_size=128, n_epochs=1, device="cpu")
    model.learn(1024)
    assert model.num_timesteps == 1024
    vec.reset()
    for _ in range(25):
        _, _, dones, infos = vec.step(np.zeros((8, 2), dtype=np.int64))
    assert dones.all()
    assert all(info["terminal_observation"]["global"][PROGRESS] == 1.0 for info in infos)
