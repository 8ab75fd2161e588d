"""Every preset is reachable by name through gymnasium.make / make_vec and metta_v0, and bad
arguments get one clear error naming them."""

from __future__ import annotations

import gymnasium
import numpy as np
import pytest
from gymnasium.utils.env_checker import check_env

import metta_core.env  # noqa: F401  (registers metta/<Preset>-v0)
from metta_core.config.presets import preset_names
from metta_core.env import metta_v0
from metta_core.env.adapters import MettaGymEnv, MettaParallelEnv, MettaVectorEnv
from metta_core.env.registration import gym_id
from metta_core.errors import ConfigError

ONE_AGENT = ["memory", "navigation_single", "object_use"]


def test_every_preset_is_registered():
    assert {gym_id(p) for p in preset_names("env")} <= set(gymnasium.registry)
    assert gym_id("object_use") == "metta/ObjectUse-v0"


@pytest.mark.parametrize("preset", ONE_AGENT)
def test_one_agent_presets_make_a_checked_gymnasium_env(preset):
    env = gymnasium.make(gym_id(preset), seed=4, overrides=["game.max_steps=20"])
    assert isinstance(env.unwrapped, MettaGymEnv)
    assert env.unwrapped.env.max_steps == 20
    check_env(env.unwrapped, skip_render_check=True)


def test_make_vec_gives_one_sub_env_per_agent_of_num_envs_environments():
    env = gymnasium.make_vec("metta/Navigation-v0", num_envs=3, seed=1, overrides={"game.max_steps": 9})
    assert isinstance(env, MettaVectorEnv) and env.num_envs == 12 and env.env.max_steps == 9
    obs, _ = env.reset(seed=1)
    assert env.observation_space.contains(obs)


@pytest.mark.parametrize("preset", preset_names("env"))
def test_make_vec_serves_every_preset(preset):
    env = gymnasium.make_vec(gym_id(preset), num_envs=1, seed=0)
    obs, _ = env.reset(seed=0)
    obs, rewards, *_ = env.step(env.action_space.sample())
    assert env.observation_space.contains(obs) and rewards.shape == (env.num_envs,)


def test_same_seed_same_episode_through_make():
    def first_grid(seed):
        return gymnasium.make("metta/NavigationSingle-v0", seed=seed).reset()[0]["grid"]

    assert np.array_equal(first_grid(5), first_grid(5))
    assert not np.array_equal(first_grid(5), first_grid(6))


def test_pettingzoo_module_functions():
    parallel = metta_v0.parallel_env("arena", seed=2)
    assert isinstance(parallel, MettaParallelEnv) and len(parallel.possible_agents) == 24
    aec = metta_v0.env("navigation")
    aec.reset(seed=0)
    assert aec.agent_selection == "agent_0"


def test_a_multi_agent_preset_is_refused_by_make_with_the_way_out():
    with pytest.raises(
        ConfigError, match=r"metta/Navigation-v0: .* 4 agents.*make_vec.*metta/NavigationSingle-v0"
    ):
        gymnasium.make("metta/Navigation-v0")


@pytest.mark.parametrize(
    ("call", "error", "names"),
    [
        (lambda: gymnasium.make("metta/Nowhere-v0"), gymnasium.error.Error, "Nowhere"),
        (lambda: gymnasium.make("metta/ObjectUse-v0", colour=3), TypeError, "colour"),
        (lambda: gymnasium.make("metta/ObjectUse-v0", obs_dtype="int8"), ConfigError, "obs_dtype"),
        (lambda: gymnasium.make("metta/ObjectUse-v0", flatten=True), ConfigError, "flatten"),
        (
            lambda: gymnasium.make("metta/ObjectUse-v0", overrides="game.max_steps=5"),
            ConfigError,
            "overrides",
        ),
        (
            lambda: gymnasium.make("metta/ObjectUse-v0", overrides=["game.max_stepz=5"]),
            ConfigError,
            "max_stepz",
        ),
        (lambda: gymnasium.make_vec("metta/Arena-v0", num_envs=0), ConfigError, "num_envs"),
        (lambda: metta_v0.parallel_env("nowhere"), ConfigError, "nowhere"),
        (lambda: metta_v0.parallel_env("arena", render_mode="human"), ConfigError, "render_mode"),
    ],
)
def test_bad_arguments_get_one_error_naming_them(call, error, names):
    with pytest.raises(error, match=names):
        call()


def test_gymnasiums_own_sync_vectoriser_gets_the_ending_observation_too():
    env = gymnasium.make_vec(
        "metta/ObjectUse-v0",
        num_envs=2,
        vectorization_mode="sync",
        vector_kwargs={"autoreset_mode": gymnasium.vector.AutoresetMode.SAME_STEP},
        overrides=["game.max_steps=5"],
    )
    env.reset(seed=0)
    for _ in range(5):
        obs, _, _, truncated, infos = env.step(env.action_space.sample())
    assert truncated.all() and infos["_final_obs"].all()
    assert all(final["global"][0] == 1.0 for final in infos["final_obs"])
    assert (obs["global"][:, 0] == 0.0).all()
    assert infos["final_info"]["_stats"].all()
