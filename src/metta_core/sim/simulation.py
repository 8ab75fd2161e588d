"""`Simulation`: run one or more policies on one env config for K episodes, batched in a VecEnv.

Agents of each env are split into equal contiguous blocks, one per policy (the evaluated policy
first), so several policies can share an env. Every finished episode's per-agent rewards and
stats counters are kept and, when a `StatsDB` is given, written to it in one transaction. The
loop is the only Python per step; actors see all their agents of all envs at once.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from metta_core.sim.policies import PolicyHandle
from metta_core.sim.settings import SimulationConfig
from metta_core.statistics import ci95_half_width, sample_std

if TYPE_CHECKING:
    from metta_core.stats.db import StatsDB


@dataclass
class SimulationResult:
    """What one simulation produced for its evaluated policy (the first one)."""

    name: str
    env_name: str
    policy: str
    episodes: int
    agent_steps: int
    score: float  # mean reward per agent per episode of the evaluated policy
    score_std: float  # sample standard deviation over episodes (n - 1), as analyze and the stats views
    episode_scores: list[float]
    metrics: dict[str, float] = field(default_factory=dict)  # mean per agent per episode
    sim_id: str | None = None
    replay_path: Path | None = None

    @property
    def score_ci95(self) -> float:
        """Half-width of the 95% Student-t interval of `score` over the episodes."""
        return ci95_half_width(self.score_std, self.episodes)


def agent_blocks(num_agents: int, num_policies: int) -> np.ndarray:
    """Policy index of each agent of an env: equal contiguous blocks, the first policy first."""
    if num_policies > num_agents:
        raise ValueError(f"{num_policies} policies cannot share an env of {num_agents} agents")
    return (np.arange(num_agents) * num_policies) // num_agents


def _default_env_factory(env_config) -> Callable[[int, int], Any]:
    def make(num_envs: int, seed: int):
        from metta_core.env.vecenv import VecEnv

        return VecEnv(env_config, num_envs=num_envs, seed=seed)

    return make


class Simulation:
    """One simulation of a suite. `env_config` is an EnvConfig (or give `make_env(num_envs, seed)`)."""

    def __init__(
        self,
        config: SimulationConfig,
        policies: Sequence[PolicyHandle],
        env_config: Any = None,
        *,
        suite: str = "",
        device: str = "cpu",
        seed: int = 0,
        make_env: Callable[[int, int], Any] | None = None,
    ) -> None:
        if not policies:
            raise ValueError("a simulation needs at least one policy")
        if make_env is None and env_config is None:
            raise ValueError("give env_config or make_env")
        self.config = config
        self.policies = list(policies)
        self.suite = suite
        self.device = device
        self.seed = seed
        self.env_name = getattr(env_config, "name", None) or config.env
        self.make_env = make_env or _default_env_factory(env_config)

    def run(self, stats_db: StatsDB | None = None, replay_dir: Path | None = None) -> SimulationResult:
        config = self.config
        num_envs = min(config.num_envs, config.episodes)
        env = self.make_env(num_envs, config.seed)
        num_agents = int(env.num_agents)
        owner = agent_blocks(num_agents, len(self.policies))
        rows_of = [np.flatnonzero(np.tile(owner, num_envs) == p) for p in range(len(self.policies))]
        actors = []
        for p, policy in enumerate(self.policies):
            actor = policy.actor(env, self.device, self.seed + p)
            if hasattr(actor, "bind"):  # a full-information actor must know which agents it plays
                actor.bind(rows_of[p])
            actor.reset(len(rows_of[p]))
            actors.append(actor)
        recorder = None
        if replay_dir is not None:
            from metta_core.replay.recorder import ReplayRecorder

            recorder = ReplayRecorder(env, 0)
        replay_path: Path | None = None

        obs, global_obs = env.reset(seed=config.seed)
        if recorder is not None:
            recorder.capture()
        done = np.zeros(env.total_agents, dtype=bool)
        actions = np.zeros((env.total_agents, 2), dtype=np.int32)
        episodes: list[Any] = []
        agent_steps = 0
        while len(episodes) < config.episodes:
            for actor, rows in zip(actors, rows_of, strict=True):
                actions[rows] = actor.act(obs[rows], global_obs[rows], done[rows])
            obs, global_obs, _, terminals, truncations = env.step(actions)
            agent_steps += env.total_agents
            done = terminals | truncations
            if recorder is not None:
                if done[:num_agents].any():  # env 0 finished: its first episode is complete
                    replay_path = Path(recorder.save(self._replay_target(replay_dir)))
                    recorder = None
                else:
                    recorder.capture()
            finished = env.drain_episodes()
            episodes.extend(sorted(finished, key=lambda e: e.env_index))
        episodes = episodes[: config.episodes]
        return self._result(episodes, owner, agent_steps, stats_db, replay_path)

    def _replay_target(self, replay_dir: Path) -> Path:
        def safe(text: str) -> str:
            return "".join(c if c.isalnum() or c in "-_." else "_" for c in text)

        return (
            Path(replay_dir)
            / safe(self.policies[0].name)
            / f"{safe(self.suite or 'sim')}_{safe(self.config.name)}.json.z"
        )

    # -- results -------------------------------------------------------------------------
    def _result(
        self, episodes, owner: np.ndarray, agent_steps: int, stats_db, replay_path
    ) -> SimulationResult:
        mine = np.flatnonzero(owner == 0)
        episode_scores = [float(np.mean(np.asarray(e.rewards, dtype=np.float64)[mine])) for e in episodes]
        totals: dict[str, float] = {}
        for episode in episodes:
            for agent in mine:
                stats = episode.agent_stats[agent] if agent < len(episode.agent_stats) else {}
                for metric, value in stats.items():
                    totals[metric] = totals.get(metric, 0.0) + float(value)
        samples = max(1, len(episodes) * len(mine))
        metrics = {metric: total / samples for metric, total in sorted(totals.items())}
        policy = self.policies[0]
        result = SimulationResult(
            name=self.config.name,
            env_name=self.env_name,
            policy=policy.name,
            episodes=len(episodes),
            agent_steps=agent_steps,
            score=float(np.mean(episode_scores)) if episode_scores else 0.0,
            score_std=sample_std(episode_scores),
            episode_scores=episode_scores,
            metrics=metrics,
            replay_path=replay_path,
        )
        if stats_db is not None:
            result.sim_id = self._write(stats_db, episodes, owner)
        return result

    def _write(self, stats_db: StatsDB, episodes, owner: np.ndarray) -> str:
        names = [self.policies[int(p)].name for p in owner]
        metadata = {
            "episodes": self.config.episodes,
            "seed": self.config.seed,
            "num_envs": self.config.num_envs,
            "env_overrides": self.config.env_override_list(),
            "policies": [p.name for p in self.policies],
            "random_score": self.config.random_score,
            "reference_score": self.config.reference_score,
        }
        with stats_db.transaction():  # the simulation and its episodes land together or not at all
            sim_id = stats_db.add_simulation(
                self.config.name, self.suite, self.env_name, self.policies[0].uri, metadata
            )
            stats_db.add_episodes(sim_id, episodes, names)
            for policy in self.policies:
                stats_db.add_policy_metadata(policy.name, policy.metadata)
        return sim_id
