"""`train(settings)`: run PPO for the run the settings name, from a fresh start or its checkpoint.

This is the entry point of `metta train` and of Python users. It reads as the run's life: choose
the run, find the checkpoint to continue from, build the parts, open the run's outputs, restore,
learn, save the final state. It never parses a command line and prints only a warning when it
skips a damaged checkpoint: progress goes to `train.log` and to the optional `on_progress`
callback the CLI renders.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import torch

from metta_core.policy.network import MettaPolicy
from metta_core.rl import distributed, ppo
from metta_core.rl.build import build_training
from metta_core.rl.outputs import RunOutputs
from metta_core.rl.resume import check_layout, find_resume_point, restore
from metta_core.rl.run_files import resolve_run
from metta_core.rl.run_lock import run_lock
from metta_core.rl.session import ProgressCallback, TrainingSession
from metta_core.rl.settings import TrainSettings
from metta_core.rl.signals import StopFlag

#: Seed offsets: each rank, and each resumed segment of a run, sees other maps and episodes.
RANK_SEED_STRIDE = 1_000_003
EPOCH_SEED_STRIDE = 7919


@dataclass
class TrainResult:
    run_dir: Path
    checkpoint_uri: str | None
    agent_steps: int
    epochs: int
    wall_time_s: float
    final_metrics: dict[str, float] = field(default_factory=dict)
    stopped_by: str | None = None
    #: The trained network (this rank's copy; identical on every rank under DDP).
    policy: MettaPolicy | None = field(default=None, repr=False)


def train(settings: TrainSettings, on_progress: ProgressCallback | None = None) -> TrainResult:
    """Train (or continue) the run the settings name; see the module docstring."""
    dist, device = distributed.setup(settings.device)
    finished = False
    try:
        torch.set_num_threads(distributed.torch_threads(settings.trainer.torch_threads, dist.world_size))
        distributed.use_fast_cpu_math()
        run_name, run_dir = distributed.broadcast_object(
            resolve_run(settings.run, settings.run_dir, settings.data_dir, settings.env.name, settings.resume)
        )
        # One live writer per run directory, taken before anything is read or built.
        with run_lock(run_dir, run_name, dist.is_writer) as start:
            point = find_resume_point(settings, run_dir)
            start_epoch = point.epoch if point is not None else 0
            seed = settings.seed + RANK_SEED_STRIDE * dist.rank + EPOCH_SEED_STRIDE * start_epoch
            parts = build_training(settings, device, seed)
            if point is not None:
                check_layout(point, parts.spec, settings.env.name)  # before anything is written
            resume_epoch = start_epoch if point is not None else None
            outputs = (
                RunOutputs.open(settings, run_name, run_dir, resume_epoch)
                if dist.is_writer
                else RunOutputs.silent()
            )
            start.succeeded()
            result = _learn(settings, parts, point, run_name, run_dir, dist, device, outputs, on_progress)
            finished = True
            return result
    finally:
        distributed.teardown(every_rank_finished=finished)


def _learn(settings, parts, point, run_name, run_dir, dist, device, outputs, on_progress) -> TrainResult:
    """The started run's life: restore, learn, save the final state, say how it ended."""
    with outputs, StopFlag() as stop:
        session = TrainingSession(
            settings, parts, run_name, run_dir, dist, device, stop, outputs, on_progress
        )
        if point is not None:
            for problem in point.skipped:
                outputs.log.write(f"warning: skipped a damaged checkpoint: {problem}")
                if dist.is_writer:
                    # The one line train() prints: the user must learn that newer work was lost.
                    print(f"warning: skipped a damaged checkpoint: {problem}", file=sys.stderr)
            restore(session, point)
        else:
            parameters = sum(p.numel() for p in parts.policy.parameters())
            outputs.log.write(
                f"started run {run_name}: env {settings.env.name}, {parts.env.total_agents} agents, "
                f"{parameters} parameters, {torch.get_num_threads()} torch threads"
            )
        parts.model = distributed.wrap_model(parts.policy, device)
        metrics = ppo.learn(session)
        session.save_checkpoint()  # the final (or interrupted) state, unless this epoch's is saved
        if stop.requested:
            ending = f"stopped by {stop.signal_name} at"
        elif session.done_early:
            ending = "passed its suite at" if session.passed else "used its max_minutes at"
        else:
            ending = "finished at"
        outputs.log.write(f"{ending} agent_steps {session.agent_steps}")
    return TrainResult(
        run_dir=run_dir,
        checkpoint_uri=session.last_checkpoint,
        agent_steps=session.agent_steps,
        epochs=session.epoch,
        wall_time_s=session.wall_time,
        final_metrics=metrics,
        stopped_by=stop.signal_name,
        policy=parts.policy,
    )
