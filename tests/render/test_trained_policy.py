"""Trained-policy checkpoints in the viewers: one made for this env plays; one made for another
action space is refused with a message naming the checkpoint, before any step."""

from __future__ import annotations

from dataclasses import replace

import pytest

from metta_core.errors import PolicyError
from metta_core.render.ascii import ascii_frames
from metta_core.render.driver import open_driver

# Importing torch and building a network takes seconds on a 2-core machine.
pytestmark = pytest.mark.slow


def _save_untrained_checkpoint(env, path, action_names=None, action_max_args=None) -> str:
    from metta_core.policy.checkpoint import Checkpoint, save_checkpoint
    from metta_core.policy.config import AgentConfig
    from metta_core.policy.network import MettaPolicy, PolicySpec

    spec = PolicySpec.from_env(env)
    if action_names is not None:
        spec = replace(spec, action_names=tuple(action_names), action_max_args=tuple(action_max_args))
    policy = MettaPolicy(spec, AgentConfig())
    checkpoint = Checkpoint(
        spec=spec, agent=AgentConfig(), state_dict=policy.state_dict(), metadata={"epoch": 1}
    )
    save_checkpoint(checkpoint, str(path))
    return str(path)


def test_a_checkpoint_for_this_env_plays_in_the_ascii_renderer(tiny_env_config, tmp_path) -> None:
    env = open_driver(tiny_env_config, "random").env
    uri = _save_untrained_checkpoint(env, tmp_path / "policy.pt")
    frames = list(ascii_frames(open_driver(tiny_env_config, uri, seed=0), steps=5))
    assert len(frames) == 6


def test_a_checkpoint_for_another_action_space_is_refused(tiny_env_config, tmp_path) -> None:
    env = open_driver(tiny_env_config, "random").env
    uri = _save_untrained_checkpoint(env, tmp_path / "other.pt", ["noop", "move"], [0, 1])
    with pytest.raises(PolicyError, match=r"trained on actions \['noop', 'move'\]"):
        open_driver(tiny_env_config, uri, seed=0)
