"""Train from Python instead of the CLI: the same settings, presets and run directory.

    .venv/bin/python examples/train_from_python.py

Resolves `TrainSettings` with overrides (exactly what `metta train ... key=value` does), trains a
short run, then loads the latest checkpoint through the PolicyStore and plays one step with it.
"""

from __future__ import annotations

import numpy as np

from metta_core.config.loader import resolve
from metta_core.env.vecenv import VecEnv
from metta_core.policy.store import PolicyStore
from metta_core.rl.settings import TrainSettings
from metta_core.rl.trainer import train


def main() -> None:
    settings = resolve(
        TrainSettings,
        overrides=[
            "env=navigation",
            "run=python-example",
            "trainer.total_agent_steps=65536",
            "trainer.num_envs=8",
        ],
    )
    result = train(
        settings, on_progress=lambda p: print(f"epoch {p['epoch']}: {p['agent_steps']} agent steps")
    )
    print(
        f"trained {result.agent_steps} agent steps in {result.wall_time_s:.0f} s -> {result.checkpoint_uri}"
    )

    record = PolicyStore().records(str(result.run_dir))[0]
    env = VecEnv(settings.env, num_envs=1, seed=7)
    actor = record.actor(env)
    obs, global_obs = env.reset(seed=7)
    actor.reset(env.total_agents)
    actions = actor.act(obs, global_obs, np.zeros(env.total_agents, dtype=bool))
    print(f"{record.name} chose (action, argument) pairs {actions.tolist()}")


if __name__ == "__main__":
    main()
