"""A policy trained on a preset plays that preset's suite: same observations, globals and actions."""

from __future__ import annotations

import pytest

from metta_core.config.presets import preset_names
from metta_core.env.config import load_env_config
from metta_core.env.vecenv import VecEnv
from metta_core.policy.network import PolicySpec
from metta_core.sim.suite import default_env_config, load_suite, suite_for_env, suite_simulations


def _spec(config) -> PolicySpec:
    return PolicySpec.from_env(VecEnv(config, num_envs=1, seed=0))


def test_every_preset_has_a_suite():
    assert [p for p in preset_names("env") if suite_for_env(p) is None] == []


@pytest.mark.parametrize("preset", sorted(preset_names("env")))
def test_every_simulation_of_a_presets_suite_speaks_the_presets_layout(preset):
    suite = suite_for_env(preset)
    trained = _spec(load_env_config(preset))
    for sim in suite_simulations(load_suite(suite)):
        spec = _spec(default_env_config(sim.config))
        assert spec.obs_shape == trained.obs_shape, sim.key
        assert spec.num_global_features == trained.num_global_features, sim.key
        assert (spec.action_names, spec.action_max_args) == (trained.action_names, trained.action_max_args), (
            sim.key
        )


def test_the_presets_with_suites():
    assert {
        p: suite_for_env(p)
        for p in ("navigation", "memory", "object_use", "arena", "arena_combat", "multiagent", "ants")
    } == {
        "navigation": "navigation",
        "memory": "memory",
        "object_use": "object_use",
        "arena": "arena",
        "arena_combat": "arena",
        "multiagent": "multiagent",
        "ants": "ants",
    }
