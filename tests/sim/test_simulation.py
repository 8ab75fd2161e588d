"""Simulations and suites: batching, agent splits between policies, scores, stats written."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from metta_core.sim.policies import builtin
from metta_core.sim.settings import SimulationConfig, SuiteConfig
from metta_core.sim.simulation import Simulation, agent_blocks
from metta_core.sim.suite import SimulationSuite
from metta_core.stats.db import StatsDB


def test_agents_are_split_in_equal_blocks_with_the_evaluated_policy_first() -> None:
    assert agent_blocks(6, 2).tolist() == [0, 0, 0, 1, 1, 1]
    assert agent_blocks(5, 2).tolist() == [0, 0, 0, 1, 1]
    assert agent_blocks(4, 1).tolist() == [0, 0, 0, 0]
    with pytest.raises(ValueError):
        agent_blocks(1, 2)


def test_simulation_runs_k_episodes_batched_and_records_every_agent(
    tmp_path: Path, fake_env_factory, getter_policy
) -> None:
    config = SimulationConfig(name="fake", env="fake", episodes=6, num_envs=4)
    make_env = fake_env_factory(config, num_agents=2, max_steps=10)
    with StatsDB(tmp_path / "s.duckdb") as db:
        result = Simulation(config, [getter_policy], make_env=make_env, suite="tiny").run(db)
        _, rows = db.query(
            "SELECT policy_name, COUNT(DISTINCT episode), AVG(value) FROM agent_metrics "
            "WHERE metric = 'reward' GROUP BY 1"
        )
        _, meta = db.query("SELECT policy_name, epoch FROM policy_metadata")
    env = fake_env_factory.made[0]
    assert env.num_envs == 4 and env.step_calls == 20  # two rounds of 4 envs give >= 6 episodes
    assert result.episodes == 6 and result.score == 10.0
    assert result.metrics["heart.gained"] == 10.0
    assert rows == [("getter:epoch_3", 6, 10.0)]
    assert meta == [("getter:epoch_3", 3)]


def test_policies_sharing_an_env_are_scored_and_stored_separately(
    tmp_path: Path, fake_env_factory, getter_policy
) -> None:
    config = SimulationConfig(name="duel", env="fake", episodes=2, num_envs=2)
    make_env = fake_env_factory(config, num_agents=4, max_steps=40)
    with StatsDB(tmp_path / "s.duckdb") as db:
        result = Simulation(config, [getter_policy, builtin("random")], make_env=make_env, seed=1).run(db)
        _, rows = db.query(
            "SELECT policy_name, COUNT(*), AVG(value) FROM agent_metrics "
            "WHERE metric = 'reward' GROUP BY 1 ORDER BY 1"
        )
        _, agents = db.query("SELECT agent, policy_name FROM agent_policies ORDER BY episode, agent LIMIT 4")
    assert result.score == 40.0  # only the evaluated policy's agents count towards its score
    assert rows[0][0:2] == ("getter:epoch_3", 4) and rows[0][2] == 40.0
    assert rows[1][0:2] == ("random", 4) and 0 < rows[1][2] < 20
    assert [name for _, name in agents] == ["getter:epoch_3", "getter:epoch_3", "random", "random"]


def test_suite_normalizes_against_the_recorded_baseline_and_decides_pass(
    fake_env_factory, getter_policy
) -> None:
    suite = SuiteConfig(
        name="tiny",
        pass_score=0.5,
        simulations=[
            SimulationConfig(
                name="a", env="fake", episodes=2, num_envs=2, random_score=2.0, reference_score=12.0
            ),
            SimulationConfig(
                name="b", env="fake", episodes=2, num_envs=2, random_score=0.0, reference_score=40.0
            ),
        ],
    )
    result = SimulationSuite(suite, getter_policy, make_env_for=fake_env_factory).run()
    assert result.scores == {"tiny/a": 10.0, "tiny/b": 10.0}
    assert result.normalized == {"tiny/a": 0.8, "tiny/b": 0.25}
    assert result.score == pytest.approx(0.525)
    assert result.passed
    assert result.metrics()["reward_avg"] == 10.0


def test_random_policy_scores_near_its_expected_value(fake_env_factory) -> None:
    config = SimulationConfig(name="r", env="fake", episodes=8, num_envs=8)
    result = Simulation(config, [builtin("random")], make_env=fake_env_factory(config, 2, 200)).run()
    # get_items is one of 8 action types: 200 / 8 = 25 expected per agent per episode
    assert 20 < result.score < 30
    assert len(result.episode_scores) == 8 and np.std(result.episode_scores) > 0
