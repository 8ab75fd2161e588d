"""The ending episode's last observation: kept aside on ending steps, exposed with a mask."""

from __future__ import annotations

import numpy as np

from metta_core.env.config import EnvConfig
from metta_core.env.vecenv import VecEnv

ROOM = ["#######", "#.....#", "#..@..#", "#.....#", "#######"]


def _env(max_steps: int = 3, num_envs: int = 2) -> VecEnv:
    config = EnvConfig(
        name="room",
        game={"num_agents": 1, "max_steps": max_steps},
        map={"builder": "ascii", "map": ROOM, "validate_reachability": False},
    )
    return VecEnv(config, num_envs=num_envs, seed=0)


def _move_up(env: VecEnv):
    return env.step(
        np.tile(np.array([[env.action_names.index("move"), 0]], dtype=np.int32), (env.num_envs, 1))
    )


def test_on_the_ending_step_final_obs_is_the_ending_episode_and_obs_the_next():
    env = _env()
    env.reset()
    progress = env.global_feature_names.index("episode_progress")
    agent = env.feature_names.index("agent")
    for _ in range(2):
        _move_up(env)
        assert not env.final_mask.any()
    obs, global_obs, _, _, truncations = _move_up(env)
    assert truncations.all() and env.final_mask.all()
    # The agent walked up to the wall (row 1) and the episode's clock ran out...
    assert np.allclose(env.final_global_obs[:, progress], 1.0)
    assert (env.final_obs[:, agent, 5 - 1, 5] == 0).all() and (env.final_obs[:, agent, 5, 5] == 1).all()
    wall = env.feature_names.index("wall")
    assert (env.final_obs[:, wall, 4, 5] == 1).all()  # the border right above it
    # ...while the step returned the next episode's first observation: back in the middle.
    assert np.allclose(global_obs[:, progress], 0.0)
    assert (obs[:, wall, 4, 5] == 0).all()


def test_final_observations_equal_what_an_env_without_the_time_limit_observes():
    ending, longer = _env(max_steps=5, num_envs=3), _env(max_steps=50, num_envs=3)
    ending.reset()
    longer.reset()
    rng = np.random.default_rng(0)
    for _ in range(5):
        kinds = rng.integers(0, len(ending.action_names), ending.total_agents)
        args = (rng.random(ending.total_agents) * (ending.action_max_args[kinds] + 1)).astype(np.int32)
        actions = np.stack([kinds, args], axis=1).astype(np.int32)
        ending.step(actions)
        obs, global_obs, *_ = longer.step(actions)
    assert ending.final_mask.all() and not longer.final_mask.any()
    assert np.array_equal(ending.final_obs, obs)  # every layer of every window, cell for cell
    assert np.array_equal(ending.final_global_obs[:, 1:], global_obs[:, 1:])  # all but the clock
