"""The episode driver: policies' actions are checked against the env's action space."""

from __future__ import annotations

import numpy as np
import pytest

from metta_core.errors import PolicyError
from metta_core.render.driver import EpisodeDriver, check_actions, open_driver


class FixedActor:
    """Always returns the same actions: a stand-in for a policy trained on another env."""

    def __init__(self, actions) -> None:
        self.actions = np.asarray(actions)

    def reset(self, num_agents: int) -> None:
        self.num_agents = num_agents

    def act(self, obs, global_obs, done_mask):
        return self.actions


@pytest.fixture
def env(tiny_env_config):
    return open_driver(tiny_env_config, "random").env


def test_valid_actions_pass_as_int32(env) -> None:
    actions = check_actions(np.array([[0, 0], [1, 1]], dtype=np.int64), env, "p")
    assert actions.dtype == np.int32 and actions.tolist() == [[0, 0], [1, 1]]


@pytest.mark.parametrize(
    ("actions", "message"),
    [
        (np.zeros((3, 2), dtype=np.int32), r"shape \(3, 2\), the env needs \(2, 2\)"),
        (np.zeros((2,), dtype=np.int32), r"shape \(2,\)"),
        (np.zeros((2, 2), dtype=np.float32), "dtype float32"),
        (np.array([[0, 0], [42, 0]]), r"agent 1 chose action 42, but this env has 8 actions .*another env"),
        (np.array([[-1, 0], [0, 0]]), "agent 0 chose action -1"),
        (np.array([[0, 0], [2, 9]]), r"agent 1 chose rotate with argument 9, outside 0..3"),
    ],
)
def test_actions_outside_the_action_space_are_a_policy_error(env, actions, message: str) -> None:
    with pytest.raises(PolicyError, match=message):
        check_actions(actions, env, "file://runs/other/model.pt")


def test_driver_refuses_a_mismatched_policy_before_stepping(env) -> None:
    driver = EpisodeDriver(env, FixedActor([[0, 0], [99, 0]]), "runs/other/model.pt")
    driver.reset()
    before = env.snapshot(0).step
    with pytest.raises(PolicyError, match="runs/other/model.pt: agent 1 chose action 99"):
        driver.step()
    assert env.snapshot(0).step == before


def test_human_actions_replace_the_policy_for_their_agents(env) -> None:
    move = list(env.action_names).index("move")
    driver = EpisodeDriver(env, FixedActor([[0, 0], [0, 0]]), "noop")
    driver.reset()
    driver.step({0: (move, 0)})
    agents = env.snapshot(0).agents
    assert (agents[0]["row"], agents[0]["last_action"]) == (1, move)
    assert (agents[1]["row"], agents[1]["last_action"]) == (4, 0)


def test_unknown_policy_is_one_clear_error_on_the_command_line(metta_cli, tiny_env_file, tmp_path) -> None:
    missing = tmp_path / "no_such_policy.pt"
    result = metta_cli("render", "--env", str(tiny_env_file), "--policy", str(missing), "--steps", "1")
    assert result.returncode == 2
    assert "no_such_policy.pt" in result.stderr and "Traceback" not in result.stderr
