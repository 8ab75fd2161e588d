"""`train(settings)`: prepare a run (directory, env, policy, optimizer, resume) and run PPO.

This is the entry point of `metta train` and of Python users. It owns the run's lifecycle:
resolve the run name and directory, continue from the latest checkpoint when there is one, build
the VecEnv and the network, wire DDP, stats, wandb and signal handling, call `ppo.learn`, and
write the final checkpoint. It never parses a command line and never prints: progress goes to
`train.log` and to the optional `on_progress` callback the CLI renders.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from metta_core.config.train import TrainSettings
from metta_core.errors import ConfigError, PolicyError
from metta_core.policy.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from metta_core.policy.network import MettaPolicy, PolicySpec
from metta_core.rl import distributed, ppo
from metta_core.rl.buffer import RolloutBuffer
from metta_core.rl.rollout import RolloutCarry
from metta_core.rl.run_files import (
    TrainLog,
    checkpoint_path,
    default_run_name,
    latest_checkpoint,
    most_recent_run,
    write_config,
)
from metta_core.rl.signals import StopFlag
from metta_core.rl.tracking import Tracker

ProgressCallback = Callable[[dict[str, Any]], None]


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


def rollout_horizon(batch_size: int, total_agents: int, bptt_horizon: int) -> int:
    """Steps per rollout: enough for `batch_size` agent steps, a whole number of BPTT segments."""
    segments = -(-batch_size // (total_agents * bptt_horizon))
    return max(1, segments) * bptt_horizon


def torch_threads(requested: int, world_size: int) -> int:
    """Threads for torch's intra-op pool: the request, or this process's share of the cores.

    On a machine already busy with other work (load average at or above half the cores), one
    thread: on a shared 2-core machine, two OpenMP threads competing with other processes made
    updates 2-7x slower than one thread (`metta bench train`, docs/training.md).
    """
    if requested:
        return requested
    cores = os.cpu_count() or 1
    if hasattr(os, "getloadavg") and os.getloadavg()[0] >= cores / 2:
        return 1
    return max(1, cores // world_size)


def use_fast_cpu_math() -> None:
    """Flush denormal floats to zero in this process (a no-op where the CPU lacks the mode).

    Tiny gradients and Adam moments drift into the denormal range, where x86 arithmetic is many
    times slower; flushing them to zero made `metta bench train` ~7% faster (4.5-4.8k -> 4.9-5.1k
    on lstm256/arena) and changes nothing a policy can learn from (|x| < 1.2e-38).
    """
    torch.set_flush_denormal(True)


@dataclass
class TrainingSession:
    """Everything the PPO loop touches, prepared by `train`."""

    settings: TrainSettings
    run_name: str
    run_dir: Path
    dist: distributed.Distributed
    device: torch.device
    env: Any
    policy: MettaPolicy
    model: torch.nn.Module
    optimizer: torch.optim.Optimizer
    buffer: RolloutBuffer
    carry: RolloutCarry
    action_pairs: np.ndarray
    generator: torch.Generator
    stop: StopFlag
    log: TrainLog
    tracker: Tracker | None
    stats_db: Any
    stats_sim_id: str | None
    on_progress: ProgressCallback | None
    epoch: int = 0
    agent_steps: int = 0
    wall_time: float = 0.0
    scores: dict[str, float] = field(default_factory=dict)
    last_checkpoint: str | None = None
    saved_epoch: int = -1
    _episode_rewards: list[float] = field(default_factory=list)
    _episode_hearts: list[float] = field(default_factory=list)
    _last_report: float = 0.0

    @property
    def policy_key(self) -> str:
        return f"{self.run_name}:epoch_{self.epoch}"

    def episode_metrics(self) -> dict[str, float]:
        """Mean reward and hearts per agent per episode over the episodes finished this epoch."""
        episodes = self.env.drain_episodes()
        if self.stats_db is not None and episodes:
            self.stats_db.add_episodes(self.stats_sim_id, episodes, [self.policy_key] * self.env.num_agents)
        for episode in episodes:
            self._episode_rewards.append(float(np.mean(episode.rewards)))
            self._episode_hearts.append(
                float(np.mean([s.get("heart.gained", 0.0) for s in episode.agent_stats]))
            )
        # A moving window keeps the figure stable when few episodes end per epoch.
        self._episode_rewards = self._episode_rewards[-200:]
        self._episode_hearts = self._episode_hearts[-200:]
        if not self._episode_rewards:
            return {}
        return {
            "episode_reward": float(np.mean(self._episode_rewards)),
            "episode_hearts": float(np.mean(self._episode_hearts)),
            "episodes": float(len(episodes)),
        }

    def report(self, metrics: dict[str, float]) -> None:
        progress = {
            "epoch": self.epoch,
            "agent_steps": self.agent_steps,
            "total_agent_steps": self.settings.trainer.total_agent_steps,
            "wall_time_s": self.wall_time,
            **metrics,
        }
        if self.tracker is not None:
            self.tracker.log({f"train/{k}": v for k, v in metrics.items()}, self.agent_steps)
        self.log.metrics(progress)
        now = time.monotonic()
        finished = self.agent_steps >= self.settings.trainer.total_agent_steps
        if finished or now - self._last_report >= self.settings.trainer.log_interval_s:
            self._last_report = now
            self.log.write(format_progress(progress))
        if self.on_progress is not None:
            self.on_progress(progress)

    def metadata(self) -> dict[str, Any]:
        return {
            "name": self.policy_key,
            "run": self.run_name,
            "epoch": self.epoch,
            "agent_steps": self.agent_steps,
            "wall_time": self.wall_time,
            "scores": dict(self.scores),
            "env": self.settings.env.name,
            "world_size": self.dist.world_size,
        }

    def save_checkpoint(self) -> str | None:
        """Write `checkpoints/epoch_N.pt` (rank 0 only); idempotent within an epoch."""
        if not self.dist.is_writer:
            return None
        path = checkpoint_path(self.run_dir, self.epoch)
        checkpoint = Checkpoint(
            spec=self.policy.spec,
            agent=self.policy.config,
            state_dict=self.policy.state_dict(),
            metadata=self.metadata(),
            settings=self.settings.model_dump(mode="json"),
            optimizer=self.optimizer.state_dict(),
            rng={"generator": self.generator.get_state(), "torch": torch.get_rng_state()},
        )
        save_checkpoint(checkpoint, str(path))
        self.last_checkpoint, self.saved_epoch = str(path), self.epoch
        if self.stats_db is not None:
            self.stats_db.add_policy_metadata(self.policy_key, self.metadata())
        self.log.write(f"checkpoint {path} (epoch {self.epoch}, agent_steps {self.agent_steps})")
        if self.tracker is not None:
            self.tracker.log_checkpoint(path, self.run_name, self.metadata())
        return str(path)

    def evaluate(self) -> None:
        """Score the current policy on the configured suite; scores go into the checkpoint."""
        if not self.dist.is_writer:
            return
        from metta_core.sim.suite import evaluate

        uri = self.save_checkpoint() if self.saved_epoch != self.epoch else self.last_checkpoint
        result = evaluate(uri, suite=self.settings.trainer.evaluate_suite, device=str(self.device))
        self.scores = {"score": float(result.score), **{k: float(v) for k, v in result.scores.items()}}
        self.log.write(f"evaluation on {self.settings.trainer.evaluate_suite}: score {result.score:.3f}")
        if self.tracker is not None:
            self.tracker.log({f"eval/{k}": v for k, v in self.scores.items()}, self.agent_steps)
        self.saved_epoch = -1  # rewrite this epoch's checkpoint with the scores
        self.save_checkpoint()


def format_progress(progress: dict[str, Any]) -> str:
    """One plain line for logs and non-TTY output."""
    parts = [
        f"epoch {progress['epoch']}",
        f"agent_steps {progress['agent_steps']}/{progress['total_agent_steps']}",
        f"sps {progress.get('agent_steps_per_s', 0):.0f}",
    ]
    for key in ("episode_reward", "episode_hearts", "policy_loss", "value_loss", "entropy", "approx_kl"):
        if key in progress:
            parts.append(f"{key} {progress[key]:.4g}")
    return " ".join(parts)


def _resolve_run(settings: TrainSettings) -> tuple[str, Path]:
    if settings.run_dir is not None:
        return settings.run or settings.run_dir.name, settings.run_dir
    if settings.run is None and settings.resume:
        found = most_recent_run(settings.data_dir)
        if found is None:
            raise ConfigError(
                f"resume: no run with a checkpoint under {settings.data_dir} (name one with --run)"
            )
        return found.name, found
    name = settings.run or default_run_name(settings.env.name)
    return name, settings.data_dir / name


def _check_same_network(checkpoint: Checkpoint, settings: TrainSettings, uri: str) -> None:
    saved = checkpoint.agent.model_dump(exclude={"name"})
    wanted = settings.agent.model_dump(exclude={"name"})
    changed = [key for key in wanted if saved.get(key) != wanted[key]]
    if changed:
        raise ConfigError(
            f"agent.{changed[0]}: the run's checkpoint {uri} was trained with {saved[changed[0]]!r}, "
            f"not {wanted[changed[0]]!r}; use another --run to train a different network"
        )


def train(settings: TrainSettings, on_progress: ProgressCallback | None = None) -> TrainResult:
    """Train (or continue) the run the settings name; see the module docstring."""
    from metta_core.env.vecenv import VecEnv

    dist_info, device = distributed.setup(settings.device)
    try:
        torch.set_num_threads(torch_threads(settings.trainer.torch_threads, dist_info.world_size))
        use_fast_cpu_math()
        run_name, run_dir = distributed.broadcast_object(_resolve_run(settings))
        resume_from = latest_checkpoint(run_dir)
        if settings.resume and resume_from is None:
            raise ConfigError(f"resume: run directory {run_dir} has no checkpoint to continue from")
        checkpoint = load_checkpoint(str(resume_from)) if resume_from is not None else None
        if checkpoint is not None:
            _check_same_network(checkpoint, settings, str(resume_from))
        start_epoch = int(checkpoint.metadata.get("epoch", 0)) if checkpoint else 0

        rank_seed = settings.seed + 1_000_003 * dist_info.rank
        torch.manual_seed(rank_seed)
        env = VecEnv(
            settings.env,
            num_envs=settings.trainer.num_envs,
            seed=rank_seed + 7919 * start_epoch,
            threads=settings.trainer.env_threads,
        )
        spec = PolicySpec.from_env(env)
        policy = MettaPolicy(spec, settings.agent).to(device)
        optimizer = torch.optim.Adam(policy.parameters(), lr=settings.trainer.learning_rate, eps=1e-5)
        generator = torch.Generator(device=device)
        generator.manual_seed(rank_seed)
        if checkpoint is not None:
            if checkpoint.spec != spec:
                raise PolicyError(
                    f"{resume_from}: trained on a different env layout than env={settings.env.name}"
                )
            policy.load_state_dict(checkpoint.state_dict)
            if checkpoint.optimizer:
                optimizer.load_state_dict(checkpoint.optimizer)
            if "generator" in checkpoint.rng and dist_info.world_size == checkpoint.metadata.get(
                "world_size", 1
            ):
                generator.set_state(checkpoint.rng["generator"])
                torch.set_rng_state(checkpoint.rng["torch"])
        model: torch.nn.Module = policy
        if dist_info.enabled:
            from torch.nn.parallel import DistributedDataParallel

            ids = [device.index] if device.type == "cuda" else None
            model = DistributedDataParallel(policy, device_ids=ids)

        horizon = rollout_horizon(
            settings.trainer.batch_size, env.total_agents, settings.trainer.bptt_horizon
        )
        buffer = RolloutBuffer(
            env.total_agents,
            horizon,
            settings.trainer.bptt_horizon,
            spec.obs_shape,
            spec.num_global_features,
            settings.agent.lstm_size,
            device,
        )
        carry = RolloutCarry.begin(env, policy, device, seed=rank_seed + 7919 * start_epoch)

        settings_data = settings.model_dump(mode="json")
        settings_data.update(run=run_name, run_dir=str(run_dir))
        log, tracker, stats_db, sim_id = TrainLog(None, None), None, None, None
        if dist_info.is_writer:
            run_dir.mkdir(parents=True, exist_ok=True)
            write_config(run_dir, settings_data)
            log = TrainLog(run_dir / "train.log", run_dir / "metrics.jsonl")
            tracker = Tracker(settings.wandb, run_name, run_dir, settings_data)
            stats_db, sim_id = _open_stats(settings, run_dir, run_name)

        with StopFlag() as stop:
            session = TrainingSession(
                settings=settings,
                run_name=run_name,
                run_dir=run_dir,
                dist=dist_info,
                device=device,
                env=env,
                policy=policy,
                model=model,
                optimizer=optimizer,
                buffer=buffer,
                carry=carry,
                action_pairs=spec.action_pairs(),
                generator=generator,
                stop=stop,
                log=log,
                tracker=tracker,
                stats_db=stats_db,
                stats_sim_id=sim_id,
                on_progress=on_progress,
            )
            if checkpoint is not None:
                session.epoch = start_epoch
                session.agent_steps = int(checkpoint.metadata.get("agent_steps", 0))
                session.wall_time = float(checkpoint.metadata.get("wall_time", 0.0))
                session.scores = dict(checkpoint.metadata.get("scores") or {})
                session.last_checkpoint, session.saved_epoch = str(resume_from), start_epoch
                log.write(f"resumed from {resume_from} at agent_steps {session.agent_steps}")
            else:
                log.write(
                    f"started run {run_name}: env {settings.env.name}, {env.total_agents} agents, "
                    f"{sum(p.numel() for p in policy.parameters())} parameters"
                )
            try:
                metrics = ppo.learn(session)
                # The final (or interrupted) state is always saved, unless this epoch already was.
                if session.saved_epoch != session.epoch:
                    session.save_checkpoint()
                if stop.requested:
                    log.write(f"stopped by {stop.signal_name} at agent_steps {session.agent_steps}")
                else:
                    log.write(f"finished at agent_steps {session.agent_steps}")
            finally:
                log.close()
                if tracker is not None:
                    tracker.finish()
                if stats_db is not None:
                    stats_db.close()
            return TrainResult(
                run_dir=run_dir,
                checkpoint_uri=session.last_checkpoint,
                agent_steps=session.agent_steps,
                epochs=session.epoch,
                wall_time_s=session.wall_time,
                final_metrics=metrics,
                stopped_by=stop.signal_name,
                policy=policy,
            )
    finally:
        distributed.teardown()


def _open_stats(settings: TrainSettings, run_dir: Path, run_name: str):
    """The run's DuckDB stats file and the id of its training 'simulation' row."""
    from metta_core.stats.db import StatsDB

    path = settings.stats.db_uri or str(run_dir / "stats.duckdb")
    database = StatsDB(path)
    sim_id = database.add_simulation(
        name="train",
        suite="train",
        env_name=settings.env.name,
        policy_uri=str(run_dir),
        metadata={"run": run_name},
    )
    return database, sim_id
