"""Continuing a run: find its latest checkpoint, check it fits these settings, restore from it.

A run continues whenever its directory holds a checkpoint (`--resume` only insists that it does).
`restore` puts back everything an uninterrupted run would still have: weights, optimizer moments,
the sampling generator's and torch's RNG states, and the session's counters and scores.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import torch

from metta_core.errors import ConfigError, PolicyError
from metta_core.policy.checkpoint import Checkpoint, load_checkpoint
from metta_core.policy.network import PolicySpec
from metta_core.rl.run_files import checkpoints_newest_first
from metta_core.rl.session import TrainingSession
from metta_core.rl.settings import TrainSettings


@dataclass
class ResumePoint:
    """The checkpoint a run continues from, and where it was read."""

    uri: str
    checkpoint: Checkpoint
    #: Newer checkpoints that could not be read, with why (the run continues from an older one).
    skipped: tuple[str, ...] = ()

    @property
    def epoch(self) -> int:
        return int(self.checkpoint.metadata.get("epoch", 0))


def find_resume_point(settings: TrainSettings, run_dir: Path) -> ResumePoint | None:
    """The run's newest readable checkpoint (damaged newer ones are skipped and named), refused
    when it was trained with another network."""
    paths = checkpoints_newest_first(run_dir)
    if not paths:
        if settings.resume:
            raise ConfigError(f"resume: run directory {run_dir} has no checkpoint to continue from")
        return None
    point, skipped = None, []
    for path in paths:
        try:
            point = ResumePoint(str(path), load_checkpoint(str(path)), tuple(skipped))
            break
        except PolicyError as err:
            skipped.append(str(err))
    if point is None:
        raise PolicyError(
            f"{run_dir}: no readable checkpoint ({len(paths)} damaged, newest: {skipped[0]}); delete the"
            " damaged files or train under another --run"
        )
    saved = point.checkpoint.agent.model_dump(exclude={"name"})
    wanted = settings.agent.model_dump(exclude={"name"})
    changed = [key for key in wanted if saved.get(key) != wanted[key]]
    if changed:
        key = changed[0]
        raise ConfigError(
            f"agent.{key}: the run's checkpoint {point.uri} was trained with {saved[key]!r}, not "
            f"{wanted[key]!r}; continue it with {_override(f'agent.{key}', saved[key])} (a preset may have "
            "changed since), or use another --run to train a different network"
        )
    return point


def _override(path: str, value: object) -> str:
    """`agent.last_action=true`: the override that sets `path` back to a checkpoint's `value`,
    quoted for the shell when it has spaces (`'agent.cnn_channels=[32, 32]'`)."""
    text = value if isinstance(value, str) else json.dumps(value)
    override = f"{path}={text}"
    return f"'{override}'" if " " in override else override


def check_layout(point: ResumePoint, spec: PolicySpec, env_name: str) -> None:
    """A PolicyError when the env built from these settings is not the one the run trained on."""
    if point.checkpoint.spec != spec:
        raise PolicyError(f"{point.uri}: trained on a different env layout than env={env_name}")


def restore(session: TrainingSession, point: ResumePoint) -> None:
    """Weights, optimizer, RNG states and counters of `point` into a freshly built session."""
    checkpoint, parts = point.checkpoint, session.parts
    check_layout(point, parts.spec, session.settings.env.name)
    parts.policy.load_state_dict(checkpoint.state_dict)
    if checkpoint.optimizer:
        parts.optimizer.load_state_dict(checkpoint.optimizer)
    # RNG streams are per rank; with another world size the saved ones do not map onto the ranks.
    same_world = session.dist.world_size == checkpoint.metadata.get("world_size", 1)
    if "generator" in checkpoint.rng and same_world:
        parts.generator.set_state(checkpoint.rng["generator"])
        torch.set_rng_state(checkpoint.rng["torch"])
    metadata = checkpoint.metadata
    session.epoch = point.epoch
    session.agent_steps = int(metadata.get("agent_steps", 0))
    session.wall_time = float(metadata.get("wall_time", 0.0))
    session.scores = dict(metadata.get("scores") or {})
    session.last_checkpoint, session.saved_epoch = point.uri, point.epoch
    session.outputs.log.write(f"resumed from {point.uri} at agent_steps {session.agent_steps}")
