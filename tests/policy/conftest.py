"""Fixtures for policy tests: a network spec shaped like the game's, and small checkpoints."""

from __future__ import annotations

import pytest

from metta_core.policy.checkpoint import Checkpoint, save_checkpoint
from metta_core.policy.config import AgentConfig
from metta_core.policy.network import MettaPolicy, PolicySpec

ACTIONS = ("noop", "move", "rotate", "put_items", "get_items", "attack", "swap", "change_color")
MAX_ARGS = (0, 1, 3, 0, 0, 8, 0, 3)
TINY_AGENT = AgentConfig(cnn_channels=(4, 4), hidden_size=16, lstm_size=8)


@pytest.fixture
def spec() -> PolicySpec:
    return PolicySpec((19, 11, 11), 4, ACTIONS, MAX_ARGS)


def make_checkpoint(
    spec: PolicySpec, epoch: int, scores: dict | None = None, run: str = "navrun"
) -> Checkpoint:
    policy = MettaPolicy(spec, TINY_AGENT)
    return Checkpoint(
        spec=spec,
        agent=TINY_AGENT,
        state_dict=policy.state_dict(),
        metadata={
            "name": f"{run}:epoch_{epoch}",
            "epoch": epoch,
            "agent_steps": epoch * 1000,
            "wall_time": float(epoch),
            "scores": scores or {},
            "env": "navigation",
        },
    )


@pytest.fixture
def run_dir(tmp_path, spec):
    """A run directory with checkpoints at epochs 1, 2 and 3 scoring 0.5, 0.9 and 0.7."""
    directory = tmp_path / "navrun"
    for epoch, score in ((1, 0.5), (2, 0.9), (3, 0.7)):
        save_checkpoint(
            make_checkpoint(spec, epoch, {"score": score}),
            str(directory / "checkpoints" / f"epoch_{epoch:06d}.pt"),
        )
    return directory
