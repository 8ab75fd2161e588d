"""The environment benchmark: agent-steps per second with random valid actions.

Actions are drawn up front in a few batches (uniform over enabled actions, then uniform over each
action's valid arguments) so that drawing them does not dominate; observations are written every
step as in training. The measured time is cut into `windows` equal windows and the rate reported
is their median (with the slowest and fastest): on a shared machine a burst of load in one window
then moves the figure less than it would move a single average. Used by `metta bench env` and
`benchmarks/bench_env.py`; prints nothing.
"""

from __future__ import annotations

import statistics
import time
from dataclasses import dataclass

from metta_core.env.config import load_env_config
from metta_core.env.random_actions import random_valid_actions
from metta_core.env.vecenv import VecEnv

ACTION_BATCHES = 64
DEFAULT_AGENTS_PER_CALL = 192


@dataclass(frozen=True)
class EnvBenchResult:
    env: str
    num_envs: int
    num_agents: int
    threads: int
    seconds: float
    agent_steps: int
    episodes: int
    agent_steps_per_s: float  # median over the windows
    agent_steps_per_s_min: float
    agent_steps_per_s_max: float
    windows: int
    map_pool_build_s: float

    def figures(self) -> dict[str, object]:
        """The figures as `name -> value`, in print order."""
        return {
            "env": self.env,
            "num_envs": self.num_envs,
            "agents_per_env": self.num_agents,
            "threads": self.threads,
            "seconds": round(self.seconds, 3),
            "agent_steps": self.agent_steps,
            "episodes": self.episodes,
            "agent_steps_per_s": round(self.agent_steps_per_s),
            "agent_steps_per_s_min": round(self.agent_steps_per_s_min),
            "agent_steps_per_s_max": round(self.agent_steps_per_s_max),
            "windows": self.windows,
            "map_pool_build_s": round(self.map_pool_build_s, 3),
        }


def bench_env(
    env_name: str = "arena",
    seconds: float = 10.0,
    num_envs: int | None = None,
    threads: int = 1,
    overrides: list[str] | tuple[str, ...] = (),
    seed: int = 0,
    windows: int = 5,
) -> EnvBenchResult:
    """Step `env_name` with random valid actions for about `seconds` seconds of wall time, in
    `windows` equal windows."""
    config = load_env_config(env_name, list(overrides))
    if num_envs is None:
        # Enough agents per call that the per-call overhead is small, few enough that the state
        # and observation buffers stay in this machine's L2 cache (measured: 8 arena envs run
        # ~2x faster per agent than 42).
        num_envs = max(threads, DEFAULT_AGENTS_PER_CALL * threads // config.game.num_agents)
    env = VecEnv(config, num_envs=num_envs, seed=seed, threads=threads)
    actions = random_valid_actions(env, ACTION_BATCHES, seed)
    start = time.perf_counter()
    env.fill_map_pool()  # a one-time cost, reported apart from the steady-state rate
    map_pool_build_s = time.perf_counter() - start
    env.reset()
    env.step(actions[0])  # warm up (and compile, if this process has no cached kernel)
    env.drain_episodes()
    steps = 0
    episodes = 0
    rates = []
    elapsed = 0.0
    windows = max(1, windows)
    for _ in range(windows):
        window_steps = 0
        start = time.perf_counter()
        deadline = start + seconds / windows
        while True:
            for batch in actions:
                env.step(batch)
            window_steps += len(actions)
            episodes += len(env.drain_episodes())
            now = time.perf_counter()
            if now >= deadline:
                break
        elapsed += now - start
        steps += window_steps
        rates.append(window_steps * env.total_agents / (now - start))
    return EnvBenchResult(
        env=config.name,
        num_envs=num_envs,
        num_agents=env.num_agents,
        threads=threads,
        seconds=elapsed,
        agent_steps=steps * env.total_agents,
        episodes=episodes,
        agent_steps_per_s=statistics.median(rates),
        agent_steps_per_s_min=min(rates),
        agent_steps_per_s_max=max(rates),
        windows=len(rates),
        map_pool_build_s=map_pool_build_s,
    )
