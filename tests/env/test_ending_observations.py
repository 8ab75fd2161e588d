"""The observation handed over on an episode's last step belongs to that episode, in the native
API and in every adapter. The reference is the same seed and actions in an env whose episodes last
longer: its grid after step `MAX_STEPS` is what the ending episode's last grid must be, and the
ending episode's progress feature reads 1.0 (the next episode's first one reads 0.0)."""

from __future__ import annotations

import numpy as np
import pytest

from metta_core.env.adapters import MettaGymEnv, MettaParallelEnv, MettaVectorEnv
from metta_core.env.config import load_env_config
from metta_core.env.vecenv import VecEnv

MAX_STEPS = 7
SEED = 3
PROGRESS = 0  # index of `episode_progress` among the global features


def _actions(env: VecEnv, steps: int) -> list[np.ndarray]:
    rng = np.random.default_rng(0)
    kinds = rng.integers(0, len(env.action_names), (steps, env.total_agents))
    args = rng.integers(0, int(env.action_max_args.max()) + 1, (steps, env.total_agents))
    return [np.stack([k, a], axis=1).astype(np.int32) for k, a in zip(kinds, args, strict=True)]


def _reference_last_grids(preset: str, num_envs: int) -> np.ndarray:
    """Grids after step MAX_STEPS of the same episodes, in an env that does not end them there."""
    env = VecEnv(load_env_config(preset, [f"game.max_steps={MAX_STEPS + 5}"]), num_envs=num_envs, seed=SEED)
    env.reset(seed=SEED)
    for actions in _actions(env, MAX_STEPS):
        env.step(actions)
    return env.obs.copy()


def _config(preset: str):
    return load_env_config(preset, [f"game.max_steps={MAX_STEPS}"])


def test_native_vecenv_keeps_the_ending_episodes_last_observation_aside():
    env = VecEnv(_config("navigation"), num_envs=2, seed=SEED)
    env.reset(seed=SEED)
    for actions in _actions(env, MAX_STEPS):
        obs, global_obs, *_ = env.step(actions)
    assert env.final_mask.all()
    np.testing.assert_array_equal(env.final_obs, _reference_last_grids("navigation", 2))
    assert (env.final_global_obs[:, PROGRESS] == 1.0).all()
    assert (global_obs[:, PROGRESS] == 0.0).all()  # the step already returns the next episode


def test_gym_env_returns_the_ending_episodes_last_observation():
    env = MettaGymEnv(_config("object_use"), seed=SEED)
    env.reset(seed=SEED)
    for step, actions in enumerate(_actions(env.env, MAX_STEPS), start=1):
        obs, _, terminated, truncated, _ = env.step(actions[0])
        assert (terminated or truncated) == (step == MAX_STEPS)
    np.testing.assert_array_equal(obs["grid"], _reference_last_grids("object_use", 1)[0])
    assert obs["global"][PROGRESS] == 1.0
    first, _ = env.reset()
    assert first["global"][PROGRESS] == 0.0


def test_vector_env_gives_final_obs_and_the_next_episodes_first_observation():
    env = MettaVectorEnv(_config("navigation"), num_envs=2, seed=SEED)
    env.reset(seed=SEED)
    for actions in _actions(env.env, MAX_STEPS):
        obs, _, terminated, truncated, infos = env.step(actions)
    assert (terminated | truncated).all()
    assert infos["_final_obs"].all()
    reference = _reference_last_grids("navigation", 2)
    for row, final in enumerate(infos["final_obs"]):
        np.testing.assert_array_equal(final["grid"], reference[row])
        assert final["global"][PROGRESS] == 1.0
    assert (obs["global"][:, PROGRESS] == 0.0).all()


def test_parallel_env_returns_the_ending_episodes_last_observations():
    env = MettaParallelEnv(_config("navigation"), seed=SEED)
    env.reset(seed=SEED)
    names = env.possible_agents
    for actions in _actions(env.env, MAX_STEPS):
        observations, _, terminated, truncated, _ = env.step(dict(zip(names, actions, strict=True)))
    assert all(truncated.values()) and env.agents == []
    reference = _reference_last_grids("navigation", 1)
    for i, name in enumerate(names):
        np.testing.assert_array_equal(observations[name]["grid"], reference[i])
        assert observations[name]["global"][PROGRESS] == 1.0
    first, _ = env.reset()
    assert all(o["global"][PROGRESS] == 0.0 for o in first.values())


@pytest.mark.parametrize("view", ["gym", "parallel"])
def test_reset_after_an_ending_step_continues_the_engines_next_episode(view):
    """The engine already started the next episode in the ending step; a seedless reset() hands it
    over instead of drawing yet another one (so episode k of a seed is the same in every view)."""
    preset = "object_use" if view == "gym" else "navigation"
    native = VecEnv(_config(preset), num_envs=1, seed=SEED)
    native.reset(seed=SEED)
    adapter = (
        MettaGymEnv(_config(preset), seed=SEED)
        if view == "gym"
        else MettaParallelEnv(_config(preset), seed=SEED)
    )
    adapter.reset(seed=SEED)
    for actions in _actions(native, MAX_STEPS):
        native.step(actions)
        adapter.step(
            actions[0] if view == "gym" else dict(zip(adapter.possible_agents, actions, strict=True))
        )
    first, _ = adapter.reset()
    grid = first["grid"] if view == "gym" else first["agent_0"]["grid"]
    np.testing.assert_array_equal(grid, native.obs[0])
