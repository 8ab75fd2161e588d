"""End-to-end training throughput: agent steps per second of rollout + PPO update, no files.

The parts come from `build_training`, as in `metta train`, and each epoch runs the same pieces as
`ppo.learn` (collect_rollout, fill_advantages, optimise), timed over whole epochs after a warm-up
epoch (numba compilation, allocator warm-up). Used by `metta bench train` and
`benchmarks/bench_train.py`; never by tests.
"""

from __future__ import annotations

import os
import time

import torch

from metta_core.policy.network import count_parameters
from metta_core.rl.advantage import fill_advantages
from metta_core.rl.build import build_training
from metta_core.rl.distributed import resolve_device, use_fast_cpu_math
from metta_core.rl.rollout import bootstrap_value, collect_rollout
from metta_core.rl.settings import TrainSettings
from metta_core.rl.update import optimise


def benchmark_training(settings: TrainSettings, epochs: int = 3, warmup_epochs: int = 1) -> dict[str, float]:
    """Figures: agent_steps_per_s (end to end), rollout_agent_steps_per_s, update_s_per_epoch, ..."""
    config = settings.trainer
    # Every core unless asked otherwise: the training heuristic that drops to one thread on a busy
    # machine would make figures from different runs incomparable.
    torch.set_num_threads(config.torch_threads or os.cpu_count() or 1)
    use_fast_cpu_math()
    device = resolve_device(settings.device, local_rank=0)
    parts = build_training(settings, device, settings.seed)
    policy, buffer = parts.policy, parts.buffer
    rollout_s = update_s = 0.0
    epoch_rates = []
    for epoch in range(warmup_epochs + epochs):
        start = time.perf_counter()
        policy.eval()
        gamma = config.gamma if config.bootstrap_truncations else 0.0
        loop = (parts.env, policy, buffer, parts.carry, parts.action_pairs, parts.generator)
        collect_rollout(*loop, bootstrap_gamma=gamma, teacher=parts.teacher)
        next_value = bootstrap_value(policy, parts.carry, device)
        fill_advantages(buffer, next_value, config.gamma, config.gae_lambda)
        middle = time.perf_counter()
        policy.train()
        optimise(policy, parts.optimizer, buffer, config, parts.generator, 1.0 if parts.teacher else 0.0)
        parts.env.drain_episodes()
        end = time.perf_counter()
        if epoch >= warmup_epochs:
            rollout_s += middle - start
            update_s += end - middle
            epoch_rates.append(buffer.size / (end - start))
    steps = buffer.size * epochs
    return {
        "agent_steps_per_s": steps / (rollout_s + update_s),
        # The slowest and fastest timed epoch: on a shared machine their spread shows the noise.
        "agent_steps_per_s_min": min(epoch_rates),
        "agent_steps_per_s_max": max(epoch_rates),
        "rollout_agent_steps_per_s": steps / rollout_s,
        "update_s_per_epoch": update_s / epochs,
        "rollout_s_per_epoch": rollout_s / epochs,
        "agent_steps_per_epoch": float(buffer.size),
        "total_agents": float(parts.env.total_agents),
        "parameters": float(count_parameters(policy)),
        "torch_threads": float(torch.get_num_threads()),
    }
