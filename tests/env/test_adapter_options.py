"""render_mode and the observation layouts (`obs_dtype`, `flatten`) of every adapter."""

from __future__ import annotations

import numpy as np
import pytest

from metta_core.env.adapters import MettaGymEnv, MettaParallelEnv, MettaVectorEnv
from metta_core.env.config import load_env_config


def _make(view: str, **kwargs):
    if view == "gym":
        return MettaGymEnv(load_env_config("object_use", ["game.max_steps=4"]), **kwargs)
    if view == "vector":
        return MettaVectorEnv(load_env_config("navigation", ["game.max_steps=4"]), num_envs=2, **kwargs)
    return MettaParallelEnv(load_env_config("navigation", ["game.max_steps=4"]), **kwargs)


def _first(view: str, obs):
    if view == "vector":
        return obs["grid"][0] if isinstance(obs, dict) else obs[0]
    if view == "parallel":
        obs = obs["agent_0"]
    return obs["grid"] if isinstance(obs, dict) else obs


VIEWS = ["gym", "vector", "parallel"]


@pytest.mark.parametrize("view", VIEWS)
def test_ansi_render_draws_the_map_and_the_agents(view):
    env = _make(view, render_mode="ansi")
    env.reset(seed=0)
    frame = env.render()
    frame = frame[0] if view == "vector" else frame
    lines = frame.splitlines()
    assert lines[0].startswith("step 0") and lines[1].startswith("#")
    assert sum(line.startswith("agent") for line in lines) == env.env.num_agents


@pytest.mark.parametrize("view", VIEWS)
def test_rgb_array_render_is_an_image_of_the_map(view):
    env = _make(view, render_mode="rgb_array")
    env.reset(seed=0)
    frames = env.render()
    frames = frames if view == "vector" else (frames,)
    assert len(frames) == env.env.num_envs
    snapshot = env.env.snapshot(0)
    assert frames[0].shape == (snapshot.height * 8, snapshot.width * 8, 3) and frames[0].dtype == np.uint8
    assert len(np.unique(frames[0].reshape(-1, 3), axis=0)) >= 3  # floor, walls, agents at least


@pytest.mark.parametrize("view", VIEWS)
def test_no_render_mode_renders_nothing(view):
    env = _make(view)
    env.reset(seed=0)
    assert env.render() is None


@pytest.mark.parametrize("view", VIEWS)
def test_float_and_flat_observations_carry_the_same_values(view):
    plain, _ = _make(view).reset(seed=1)
    floats, _ = _make(view, obs_dtype="float32").reset(seed=1)
    flat, _ = _make(view, obs_dtype="float32", flatten=True).reset(seed=1)
    grid = _first(view, plain)
    assert _first(view, floats).dtype == np.float32
    np.testing.assert_array_equal(_first(view, floats), grid)
    assert _first(view, flat).ndim == 1
    np.testing.assert_array_equal(_first(view, flat)[: grid.size], grid.ravel())


@pytest.mark.parametrize("view", VIEWS)
def test_every_layout_stays_inside_its_space(view):
    for kwargs in ({}, {"obs_dtype": "float32"}, {"obs_dtype": "float32", "flatten": True}):
        env = _make(view, **kwargs)
        obs, _ = env.reset(seed=0)
        if view == "parallel":
            assert all(env.observation_space(a).contains(o) for a, o in obs.items())
        else:
            assert env.observation_space.contains(obs)
        for _ in range(4):  # through an episode end (its final observation too)
            if view == "parallel":
                obs, *_ = env.step({a: env.action_space(a).sample() for a in env.agents})
                assert all(env.observation_space(a).contains(o) for a, o in obs.items())
            else:
                obs, _, _, _, infos = env.step(env.action_space.sample())
                assert env.observation_space.contains(obs)
        if view == "vector":
            assert all(env.single_observation_space.contains(o) for o in infos["final_obs"])
