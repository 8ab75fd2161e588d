"""The shipped suites: valid, every map builds, baselines recorded, and `random` reproduces them."""

from __future__ import annotations

import pytest

from metta_core.config.presets import preset_names
from metta_core.sim.policies import builtin
from metta_core.sim.suite import SimulationSuite, default_env_config, load_suite, suite_simulations

SUITES = ("navigation", "memory", "object_use", "arena", "multiagent", "ants", "all")


def test_every_suite_is_shipped_and_all_includes_the_others() -> None:
    assert set(SUITES) <= set(preset_names("sim"))
    everything = {s.key for s in suite_simulations(load_suite("all"))}
    parts = {s.key for name in SUITES[:-1] for s in suite_simulations(load_suite(name))}
    assert everything == parts and len(everything) >= 12


@pytest.mark.parametrize(
    ("suite", "at_least"),
    [("navigation", 20), ("memory", 10), ("object_use", 8), ("arena", 5), ("multiagent", 5), ("ants", 5)],
)
def test_each_suite_has_the_breadth_of_the_reference_in_distinct_maps(suite: str, at_least: int) -> None:
    simulations = load_suite(suite).simulations
    assert len(simulations) >= at_least
    maps = [
        repr(sorted(sim.model_dump(include={"env", "map", "env_overrides", "opponents"}).items()))
        for sim in simulations
    ]
    assert len(set(maps)) == len(maps)  # every simulation is its own kind of map


@pytest.mark.parametrize("suite", SUITES[:-1])
def test_every_simulation_has_a_baseline_and_its_map_builds(suite: str) -> None:
    from metta_core.env.vecenv import VecEnv

    config = load_suite(suite)
    assert config.pass_score is not None
    for sim in suite_simulations(config):
        assert sim.config.random_score is not None and sim.config.reference_score is not None, sim.key
        env = VecEnv(default_env_config(sim.config), num_envs=1, seed=sim.config.seed)
        env.reset(seed=sim.config.seed)
        assert env.num_agents >= 1


def test_navigation_evaluates_one_agent_per_map() -> None:
    for sim in suite_simulations(load_suite("navigation")):
        assert default_env_config(sim.config).game.num_agents == 1, sim.key


@pytest.mark.slow
def test_random_policy_reproduces_the_recorded_navigation_baseline() -> None:
    # If the game changes, re-measure with `metta sim --policy random --suite navigation --json`
    # and update random_score in presets/sim/navigation.yaml.
    result = SimulationSuite(load_suite("navigation"), builtin("random")).run()
    assert result.normalized == pytest.approx(dict.fromkeys(result.normalized, 0.0), abs=1e-9)
    assert not result.passed
