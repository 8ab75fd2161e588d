"""Observations are updated in place (only changed cells of agents that did not move): after every
step they must equal windows written whole from the grid."""

from __future__ import annotations

import numpy as np
import pytest

from metta_core.config.presets import preset_names
from metta_core.env.config import load_env_config
from metta_core.env.kernel import AG_OBS_ROW
from metta_core.env.random_actions import random_valid_actions
from metta_core.env.vecenv import VecEnv


@pytest.mark.parametrize("name", preset_names("env"))
def test_updated_windows_equal_windows_written_whole(name):
    # Short episodes so that resets happen; random valid actions move, rotate, use converters,
    # attack and swap where the preset enables them.
    overrides = ["game.max_steps=45"]
    updated = VecEnv(load_env_config(name, overrides), num_envs=2, seed=3)
    whole = VecEnv(load_env_config(name, overrides), num_envs=2, seed=3)
    actions = random_valid_actions(updated, 120, seed=9)
    for t, batch in enumerate(actions):
        whole.state.agents[:, :, AG_OBS_ROW] = -1  # forget every window: each is written whole
        updated.step(batch)
        whole.step(batch)
        assert np.array_equal(updated.obs, whole.obs), f"{name}: windows differ after step {t}"
        assert np.array_equal(updated.global_obs, whole.global_obs)
    assert whole.drain_episodes(), "no episode ended: the test did not cover resets"
