"""Fixtures for training tests: tiny settings that train for a second or two."""

from __future__ import annotations

from pathlib import Path

import pytest

from metta_core.config.loader import resolve
from metta_core.rl.settings import TrainSettings

#: A 4-agent navigation map, 8 agents per update step, 256 agent steps per epoch, a tiny network.
TINY = [
    "env.game.max_steps=24",
    "~env.map",
    "env.map={builder: random, width: 11, height: 11, agents: 4, walls: 4, objects: {altar: 4}}",
    "agent.cnn_channels=[4, 4]",
    "agent.hidden_size=16",
    "agent.lstm_size=8",
    "trainer.num_envs=2",
    "trainer.batch_size=256",
    "trainer.minibatch_size=128",
    "trainer.bptt_horizon=8",
    "trainer.update_epochs=1",
    "trainer.torch_threads=1",
    "trainer.checkpoint_interval=2",
]


def tiny_settings(data_dir: Path, *extra: str, run: str = "tiny", total: int = 1024) -> TrainSettings:
    return resolve(
        TrainSettings,
        overrides=[*TINY, f"trainer.total_agent_steps={total}", f"data_dir={data_dir}", f"run={run}", *extra],
        environ={},
    )


@pytest.fixture
def settings_for(tmp_path):
    def make(*extra: str, run: str = "tiny", total: int = 1024) -> TrainSettings:
        return tiny_settings(tmp_path / "runs", *extra, run=run, total=total)

    return make
