"""`TrainingSession`: the state of one training run while `ppo.learn` steps it.

It holds what `build_training` made (env, network, optimizer, buffer...), where the run reports
(`RunOutputs`), and the counters a checkpoint saves (epoch, agent steps, wall time, scores). Its
methods are the loop's four side jobs: episode metrics, progress reports, checkpoints and
evaluation of the network in memory. `trainer.py` builds a session; `ppo.py` runs one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import torch

from metta_core.policy.checkpoint import Checkpoint, save_checkpoint
from metta_core.rl.build import TrainingParts
from metta_core.rl.distributed import Distributed
from metta_core.rl.metta_metric_names import evaluation_names, training_names
from metta_core.rl.outputs import RunOutputs
from metta_core.rl.run_files import checkpoint_path
from metta_core.rl.settings import TrainSettings
from metta_core.rl.signals import StopFlag

ProgressCallback = Callable[[dict[str, Any]], None]
#: Episodes the reported reward and hearts are averaged over (stable when few end per epoch).
EPISODE_WINDOW = 200


@dataclass
class TrainingSession:
    """Everything the PPO loop touches, and the counters that a checkpoint carries."""

    settings: TrainSettings
    parts: TrainingParts
    run_name: str
    run_dir: Path
    dist: Distributed
    device: torch.device
    stop: StopFlag
    outputs: RunOutputs
    on_progress: ProgressCallback | None = None
    epoch: int = 0
    agent_steps: int = 0
    wall_time: float = 0.0
    scores: dict[str, float] = field(default_factory=dict)
    #: Whether the last evaluation passed its suite.
    passed: bool = False
    last_checkpoint: str | None = None
    saved_epoch: int = -1
    _episode_rewards: list[float] = field(default_factory=list)
    _episode_hearts: list[float] = field(default_factory=list)
    #: Every agent's counters of the episodes that ended this epoch (wandb's `env_agent/*`).
    _epoch_agent_stats: list[dict[str, float]] = field(default_factory=list)
    _last_report: float = 0.0

    @property
    def policy_key(self) -> str:
        return f"{self.run_name}:epoch_{self.epoch}"

    @property
    def finished(self) -> bool:
        return self.agent_steps >= self.settings.trainer.total_agent_steps

    @property
    def done_early(self) -> bool:
        """Passed its suite (with `stop_on_pass`) or out of `max_minutes`."""
        config = self.settings.trainer
        out_of_time = config.max_minutes is not None and self.wall_time >= 60 * config.max_minutes
        return out_of_time or (config.stop_on_pass and self.passed)

    def episode_metrics(self) -> dict[str, float]:
        """Mean reward and hearts per agent per episode over the last `EPISODE_WINDOW` episodes."""
        env, outputs = self.parts.env, self.outputs
        episodes = env.drain_episodes()
        self._epoch_agent_stats = [stats for episode in episodes for stats in episode.agent_stats]
        if outputs.stats_db is not None and episodes:
            outputs.stats_db.add_episodes(outputs.stats_sim_id, episodes, [self.policy_key] * env.num_agents)
        curriculum = self.parts.curriculum
        for episode in episodes:
            self._episode_rewards.append(float(np.mean(episode.rewards)))
            if curriculum is not None:
                curriculum.record(episode.task, self._episode_rewards[-1])
            self._episode_hearts.append(
                float(np.mean([s.get("heart.gained", 0.0) for s in episode.agent_stats]))
            )
        self._episode_rewards = self._episode_rewards[-EPISODE_WINDOW:]
        self._episode_hearts = self._episode_hearts[-EPISODE_WINDOW:]
        if not self._episode_rewards:
            return {}
        return {
            "episode_reward": float(np.mean(self._episode_rewards)),
            "episode_hearts": float(np.mean(self._episode_hearts)),
            "episodes": float(len(episodes)),
            **(curriculum.metrics() if curriculum is not None else {}),
        }

    def report(self, metrics: dict[str, float]) -> None:
        """One epoch's metrics to metrics.jsonl, wandb, train.log (every log_interval_s) and the CLI."""
        progress = {
            "epoch": self.epoch,
            "agent_steps": self.agent_steps,
            "total_agent_steps": self.settings.trainer.total_agent_steps,
            "wall_time_s": self.wall_time,
            **metrics,
        }
        if self.outputs.tracker is not None:
            named = training_names(
                metrics, self._epoch_agent_stats, self.agent_steps, self.epoch, self.wall_time
            )
            self.outputs.tracker.log(
                {**{f"train/{k}": v for k, v in metrics.items()}, **named}, self.agent_steps
            )
        self.outputs.log.metrics(progress)
        now = time.monotonic()
        if self.finished or now - self._last_report >= self.settings.trainer.log_interval_s:
            self._last_report = now
            self.outputs.log.write(format_progress(progress))
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

    def checkpoint(self) -> Checkpoint:
        """The run's whole state now: weights, optimizer, RNG states, counters and settings."""
        parts = self.parts
        return Checkpoint(
            spec=parts.policy.spec,
            agent=parts.policy.config,
            state_dict=parts.policy.state_dict(),
            metadata=self.metadata(),
            settings=self.settings.model_dump(mode="json"),
            optimizer=parts.optimizer.state_dict(),
            rng={"generator": parts.generator.get_state(), "torch": torch.get_rng_state()},
        )

    def save_checkpoint(self) -> str | None:
        """Write `checkpoints/epoch_N.pt` (rank 0 only); once per epoch."""
        if not self.dist.is_writer:
            return None
        if self.saved_epoch == self.epoch:
            return self.last_checkpoint
        path = checkpoint_path(self.run_dir, self.epoch)
        save_checkpoint(self.checkpoint(), str(path))
        self.last_checkpoint, self.saved_epoch = str(path), self.epoch
        outputs = self.outputs
        if outputs.stats_db is not None:
            outputs.stats_db.add_policy_metadata(self.policy_key, self.metadata())
        outputs.log.write(f"checkpoint {path} (epoch {self.epoch}, agent_steps {self.agent_steps})")
        if outputs.tracker is not None:
            outputs.tracker.log_checkpoint(path, self.run_name, self.metadata())
        return str(path)

    def evaluate(self) -> None:
        """Score the network as it is now on `evaluate_suite` (rank 0); the next checkpoint keeps
        the scores. The network is copied in memory, never written and read back."""
        if not self.dist.is_writer:
            return
        from metta_core.sim.policies import in_memory
        from metta_core.sim.suite import evaluate, suite_for_env

        suite = self.settings.trainer.evaluate_suite or suite_for_env(self.settings.env.name)
        if suite is None:
            self.outputs.log.write(f"evaluation skipped: env {self.settings.env.name} has no suite")
            return
        handle = in_memory(self.policy_key, self.parts.policy, self.metadata())
        result = evaluate(handle.uri, suite=suite, device=str(self.device), policy=handle)
        self.scores = {"score": float(result.score), **{k: float(v) for k, v in result.scores.items()}}
        self.passed = bool(result.passed)
        verdict = "passed" if result.passed else "not passed"
        self.outputs.log.write(f"evaluation on {suite}: score {result.score:.3f}, {verdict}")
        # The learning curve in suite scores: one line per evaluation beside the epochs' lines.
        self.outputs.log.metrics(
            {
                "epoch": self.epoch,
                "agent_steps": self.agent_steps,
                "wall_time_s": self.wall_time,
                "eval_suite": suite,
                "eval_score": float(result.score),
                "eval_passed": self.passed,
                **{f"eval/{k}": float(v) for k, v in result.normalized.items()},
            }
        )
        if self.outputs.tracker is not None:
            named = evaluation_names(suite, float(result.score), result.normalized, self.agent_steps)
            self.outputs.tracker.log(
                {**{f"eval/{k}": v for k, v in self.scores.items()}, **named}, self.agent_steps
            )


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
    tasks = [
        key.split("/")[1] for key in progress if key.startswith("task/") and key.endswith("/probability")
    ]
    if tasks:  # a curriculum: each task's recent reward and draw probability
        shown = [
            f"{name}:{progress.get(f'task/{name}/reward', float('nan')):.3g}(p={progress[f'task/{name}/probability']:.2f})"
            for name in tasks
        ]
        parts.append("tasks " + " ".join(shown))
    return " ".join(parts)
