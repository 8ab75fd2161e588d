"""`build_training(settings, device, seed)`: the objects one PPO run steps, built from settings.

Env, network, optimizer, sampling generator, rollout buffer, the rollout's carried state and a
kickstarting teacher if one is named, in
the one order that makes a seed reproduce a run. `metta train`, `metta bench train` and
`metta autotune` all build through here, so what a benchmark times is what training runs. Files,
tracking and processes are not its business (`trainer.py`, `session.py`).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import torch

from metta_core.policy.network import MettaPolicy, PolicySpec
from metta_core.rl.buffer import RolloutBuffer, rollout_horizon
from metta_core.rl.curriculum import Curriculum
from metta_core.rl.kickstart import Teacher
from metta_core.rl.rollout import RolloutCarry
from metta_core.rl.settings import TrainSettings

if TYPE_CHECKING:
    from metta_core.env.vecenv import VecEnv


@dataclass
class TrainingParts:
    """What the PPO loop reads and writes each epoch."""

    env: VecEnv
    spec: PolicySpec
    policy: MettaPolicy
    #: The module the update differentiates: `policy`, or DDP around it under torchrun.
    model: torch.nn.Module
    optimizer: torch.optim.Optimizer
    generator: torch.Generator
    buffer: RolloutBuffer
    carry: RolloutCarry
    #: Flat action index -> the env's (action, argument) pair.
    action_pairs: np.ndarray
    #: The tasks (maps, rules variants) episodes are drawn from, when the trainer has a curriculum.
    curriculum: Curriculum | None = None
    #: The kickstarting teacher, when `trainer.kickstart.teacher_uri` names one.
    teacher: Teacher | None = None


def build_training(settings: TrainSettings, device: torch.device, seed: int) -> TrainingParts:
    """Every part of a run, seeded by `seed` (weights, env maps and episodes, action sampling)."""
    from metta_core.env.vecenv import VecEnv

    config = settings.trainer
    torch.manual_seed(seed)
    curriculum = Curriculum(config.curriculum, settings.env, seed) if config.curriculum else None
    env = VecEnv(
        settings.env,
        num_envs=config.num_envs,
        seed=seed,
        threads=config.env_threads,
        tasks=curriculum.maps if curriculum else None,
        choose_task=curriculum.draw if curriculum else None,
        task_games=curriculum.games if curriculum else None,
    )
    spec = PolicySpec.from_env(env)
    policy = MettaPolicy(spec, settings.agent).to(device)
    optimizer = torch.optim.Adam(
        policy.parameters(),
        lr=config.learning_rate,
        betas=(config.adam_beta1, config.adam_beta2),
        eps=config.adam_eps,
        weight_decay=config.weight_decay,
    )
    generator = torch.Generator(device=device)
    generator.manual_seed(seed)
    buffer = RolloutBuffer(
        env.total_agents,
        rollout_horizon(config.batch_size, env.total_agents, config.bptt_horizon),
        config.bptt_horizon,
        spec.obs_shape,
        spec.num_global_features,
        settings.agent.lstm_size,
        device,
    )
    carry = RolloutCarry.begin(env, policy, device, seed=seed)
    teacher = None
    if config.kickstart.teacher_uri is not None:
        teacher = Teacher(config.kickstart, env, spec, device, seed)
        buffer.add_teacher_targets(len(spec.action_pairs()), values=teacher.gives_values)
    return TrainingParts(
        env=env,
        spec=spec,
        policy=policy,
        model=policy,
        optimizer=optimizer,
        generator=generator,
        buffer=buffer,
        carry=carry,
        action_pairs=spec.action_pairs(),
        curriculum=curriculum,
        teacher=teacher,
    )
