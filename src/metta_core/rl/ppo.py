"""The PPO loop, top to bottom: collect rollout -> advantages -> optimise -> log / checkpoint.

`learn(session)` is the whole algorithm; everything it calls lives in a neighbouring module named
after what it does (`rollout`, `advantage`, `update`, `losses`), and the side jobs (metrics,
reports, checkpoints, evaluation) are methods of the `TrainingSession` that `trainer.py` built.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

import numpy as np

from metta_core.rl import distributed, schedule
from metta_core.rl.advantage import fill_advantages
from metta_core.rl.kickstart import kickstart_weight
from metta_core.rl.rollout import bootstrap_value, collect_rollout
from metta_core.rl.update import optimise

if TYPE_CHECKING:
    from metta_core.rl.session import TrainingSession


def learn(session: TrainingSession) -> dict[str, float]:
    """Train until `total_agent_steps` or a stop signal; returns the last epoch's metrics."""
    config, parts = session.settings.trainer, session.parts
    policy, buffer, device = parts.policy, parts.buffer, session.device
    steps_per_epoch = buffer.size * session.dist.world_size
    metrics: dict[str, float] = {}
    while session.agent_steps < config.total_agent_steps:
        epoch_start = time.perf_counter()

        # 1. Scheduled hyperparameters (functions of agent steps, so a resumed run follows the
        #    values an uninterrupted one would): the learning rate and the entropy bonus.
        for group in parts.optimizer.param_groups:
            group["lr"] = schedule.learning_rate(config, session.agent_steps)
        ent_coef = schedule.entropy_weight(config, session.agent_steps)

        # 2. Collect a rollout with every agent acting in one batched forward pass per step (and a
        #    kickstarting teacher labelling the steps while its weight lasts).
        teacher_weight = kickstart_weight(config.kickstart, session.agent_steps)
        teacher = parts.teacher if teacher_weight > 0 else None
        policy.eval()
        single_process_stop = session.stop if not session.dist.enabled else (lambda: False)
        completed = collect_rollout(
            parts.env,
            policy,
            buffer,
            parts.carry,
            parts.action_pairs,
            parts.generator,
            single_process_stop,
            config.gamma if config.bootstrap_truncations else 0.0,
            teacher,
        )
        if not completed:
            break
        rollout_s = time.perf_counter() - epoch_start

        # 3. Advantages (GAE) and returns.
        next_value = bootstrap_value(policy, parts.carry, device)
        fill_advantages(buffer, next_value, config.gamma, config.gae_lambda)

        # 4. Optimise: epochs of minibatches over BPTT segments (gradients all-reduced under DDP).
        policy.train()
        update_start = time.perf_counter()
        losses = optimise(
            parts.model, parts.optimizer, buffer, config, parts.generator, teacher_weight, ent_coef
        )
        update_s = time.perf_counter() - update_start

        # 5. Log, evaluate (the network in memory), checkpoint (every evaluated epoch too, so its
        #    scores are kept with the weights they belong to).
        session.epoch += 1
        session.agent_steps += steps_per_epoch
        epoch_s = time.perf_counter() - epoch_start
        session.wall_time += epoch_s
        metrics = {
            **losses,
            **session.episode_metrics(),
            "learning_rate": parts.optimizer.param_groups[0]["lr"],
            **({"ent_coef": ent_coef} if config.ent_coef_final is not None else {}),
            **({"kickstart_weight": teacher_weight} if parts.teacher is not None else {}),
            "agent_steps_per_s": steps_per_epoch / epoch_s,
            "rollout_s": rollout_s,
            "update_s": update_s,
            # The env's reward only: the truncation bootstraps in `rewards` are estimates.
            "reward_per_step": (float(buffer.rewards.sum()) - buffer.bootstrapped) / buffer.size,
        }
        session.report(metrics)
        evaluated = bool(config.evaluate_interval) and session.epoch % config.evaluate_interval == 0
        if evaluated:
            session.evaluate()
        if evaluated or session.epoch % config.checkpoint_interval == 0:
            session.save_checkpoint()
        if distributed.any_rank(session.stop() or session.done_early, device):
            break
    return {k: float(v) for k, v in metrics.items() if np.isfinite(v)}
