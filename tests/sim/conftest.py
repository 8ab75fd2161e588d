"""A small stand-in VecEnv with the contract's API, for tests of the simulation bookkeeping.

Its rule: an agent earns 1 reward each step it chooses `get_items`, so a policy that always
picks it scores `max_steps` and a random policy about `max_steps / 8`. Episodes all end at
`max_steps`, as in the real game.
"""

from __future__ import annotations

import numpy as np
import pytest

from metta_core.env.table import ACTION_TYPES
from metta_testing import FakeEpisode


class FakeVecEnv:
    feature_names = ("agent", "agent:orientation", "wall")
    global_feature_names = ("progress",)

    def __init__(self, num_envs: int = 1, seed: int = 0, num_agents: int = 2, max_steps: int = 10) -> None:
        self.num_envs, self.num_agents, self.max_steps = num_envs, num_agents, max_steps
        self.total_agents = num_envs * num_agents
        self.obs_shape = (3, 5, 5)
        self.num_global_features = 1
        self.action_names = [a.name for a in ACTION_TYPES]
        self.action_max_args = np.array([a.max_arg for a in ACTION_TYPES], dtype=np.int32)
        self.agent_teams = np.zeros(self.total_agents, dtype=np.int32)
        self.seed = seed
        self._get = self.action_names.index("get_items")
        self._finished: list[FakeEpisode] = []
        self._episode = 0
        self.step_calls = 0

    def reset(self, seed: int | None = None):
        self.step_count = 0
        self.returns = np.zeros(self.total_agents)
        self.gets = np.zeros(self.total_agents)
        return self._obs()

    def _obs(self):
        return np.zeros((self.total_agents, *self.obs_shape), np.uint8), np.zeros(
            (self.total_agents, 1), np.float32
        )

    def step(self, actions):
        self.step_calls += 1
        rewards = (np.asarray(actions)[:, 0] == self._get).astype(np.float32)
        self.returns += rewards
        self.gets += rewards
        self.step_count += 1
        done = np.full(self.total_agents, self.step_count >= self.max_steps)
        if done.all():
            for e in range(self.num_envs):
                rows = slice(e * self.num_agents, (e + 1) * self.num_agents)
                self._finished.append(
                    FakeEpisode(
                        env_index=e,
                        episode_seed=self.seed * 1000 + self._episode,
                        length=self.max_steps,
                        rewards=self.returns[rows].tolist(),
                        raw_rewards=self.returns[rows].tolist(),
                        agent_stats=[
                            {"action.get_items.success": g, "heart.gained": g}
                            for g in self.gets[rows].tolist()
                        ],
                        agent_teams=[0] * self.num_agents,
                    )
                )
                self._episode += 1
            self.reset()
        obs, global_obs = self._obs()
        return obs, global_obs, rewards, np.zeros(self.total_agents, bool), done

    def drain_episodes(self):
        finished, self._finished = self._finished, []
        return finished


class AlwaysGetActor:
    """Always `get_items`: the fake env's best policy."""

    def __init__(self, env) -> None:
        self.get = list(env.action_names).index("get_items")

    def reset(self, num_agents: int) -> None:
        self.num_agents = num_agents

    def act(self, obs, global_obs, done_mask):
        return np.tile(np.array([[self.get, 0]], np.int32), (obs.shape[0], 1))


@pytest.fixture
def getter_policy():
    """A policy handle whose actor always picks get_items (scores max_steps in the fake env)."""
    from metta_core.sim.policies import PolicyHandle

    class GetterHandle(PolicyHandle):
        def actor(self, env, device="cpu", seed=0):
            return AlwaysGetActor(env)

    return GetterHandle(name="getter:epoch_3", uri="runs/getter", metadata={"epoch": 3, "uri": "runs/getter"})


@pytest.fixture
def fake_env_factory():
    """make_env_for(sim_config) -> make_env(num_envs, seed), building FakeVecEnvs."""
    made: list[FakeVecEnv] = []

    def make_env_for(sim_config, num_agents: int = 2, max_steps: int = 10):
        def make(num_envs: int, seed: int) -> FakeVecEnv:
            env = FakeVecEnv(num_envs, seed, num_agents=num_agents, max_steps=max_steps)
            made.append(env)
            return env

        return make

    make_env_for.made = made
    return make_env_for


TINY_SUITE = """
name: tiny
description: two small simulations for tests
pass_score: 0.5
simulations:
  - name: open
    env: navigation
    env_overrides: [game.num_agents=1, game.max_steps=24]
    map: {builder: random, width: 9, height: 9, agents: 1, objects: {altar: 3}}
    episodes: 3
    num_envs: 2
    seed: 7
    random_score: 0.0
    reference_score: 2.0
  - name: duel
    env: navigation
    env_overrides: [game.num_agents=2, game.max_steps=24]
    map: {builder: random, width: 9, height: 9, agents: 2, objects: {altar: 3}}
    opponents: [random]
    episodes: 2
    num_envs: 2
    seed: 8
"""


@pytest.fixture
def tiny_suite(tmp_path):
    """A suite YAML of two small navigation simulations (one with a random opponent)."""
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_SUITE)
    return path


@pytest.fixture
def checkpoint_run(tmp_path, tiny_suite):
    """A run directory with untrained checkpoints at epochs 1-3 (metadata scores 0.5, 0.9, 0.7)
    whose network fits the tiny suite's navigation env."""
    from metta_core.env.vecenv import VecEnv
    from metta_core.policy.checkpoint import Checkpoint, save_checkpoint
    from metta_core.policy.config import AgentConfig
    from metta_core.policy.network import MettaPolicy, PolicySpec
    from metta_core.sim.suite import default_env_config, load_suite

    open_sim = load_suite(str(tiny_suite)).simulations[0]
    env = VecEnv(default_env_config(open_sim), num_envs=1)
    spec = PolicySpec.from_env(env)
    agent = AgentConfig(cnn_channels=(4, 4), hidden_size=16, lstm_size=8)
    directory = tmp_path / "navrun"
    for epoch, score in ((1, 0.5), (2, 0.9), (3, 0.7)):
        checkpoint = Checkpoint(
            spec=spec,
            agent=agent,
            state_dict=MettaPolicy(spec, agent).state_dict(),
            metadata={
                "name": f"navrun:epoch_{epoch}",
                "epoch": epoch,
                "agent_steps": 1000 * epoch,
                "scores": {"score": score},
                "env": "navigation",
            },
        )
        save_checkpoint(checkpoint, str(directory / "checkpoints" / f"epoch_{epoch:06d}.pt"))
    return directory
