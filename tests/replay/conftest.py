"""Fixtures of the replay tests: a tiny fixed-map env, a hand-written replay, the CLI runner.

(Helpers are fixtures, not imports: under `--import-mode=importlib` a conftest is not importable.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from metta_testing import run_metta

#: Agent 0 starts at (2, 2) facing up with an empty cell above it; agent 1 at (4, 6).
TINY_ENV_YAML = """\
name: tiny
description: a fixed 7x9 map for viewer tests
game:
  num_agents: 2
  max_steps: 40
map:
  builder: ascii
  agents: 2
  map: |
    #########
    #...m...#
    #.@.....#
    #...._..#
    #.....@.#
    #.n.....#
    #########
"""


@pytest.fixture
def tiny_env_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_ENV_YAML)
    return path


@pytest.fixture
def tiny_env_config(tiny_env_file: Path):
    from metta_core.env.config import load_env_config

    return load_env_config(str(tiny_env_file))


@pytest.fixture(scope="session")
def warm_env_kernel(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Step a throwaway env once in the main thread, so the env kernel's (numba) compilation is
    done before a server thread steps an env under a client's receive timeout."""
    import numpy as np

    from metta_core.env.config import load_env_config
    from metta_core.env.vecenv import VecEnv

    path = tmp_path_factory.mktemp("warm") / "tiny.yaml"
    path.write_text(TINY_ENV_YAML)
    env = VecEnv(load_env_config(str(path)), num_envs=1, seed=0)
    env.reset(seed=0)
    env.step(np.zeros((env.total_agents, 2), dtype=np.int32))


def hand_state(agent_row: int, altar_ready: bool = True) -> dict:
    """A 5x6 room: a wall row on top, an altar, one agent in column 1 at `agent_row`."""
    objects = {str(col): {"id": col, "type_id": 1, "row": 0, "col": col} for col in range(6)}
    objects["50"] = {"id": 50, "type_id": 8, "row": 2, "col": 4, "ready": altar_ready}
    agent = {
        "agent_id": 0,
        "object_id": 99,
        "team": 1,
        "row": agent_row,
        "col": 1,
        "orientation": 0,
        "inventory": [0] * 10,
        "frozen": 0,
        "color": 0,
        "action": [1, 0],
        "action_success": True,
        "reward": 0.0,
        "total_reward": 0.0,
    }
    return {"objects": objects, "agents": {"0": agent}}


HAND_HEADER = {
    "env_name": "hand",
    "map_size": [5, 6],
    "object_types": ["agent", "wall", "mine_red", "mine_blue", "mine_green", "generator_red", "generator_blue",
                     "generator_green", "altar"],
    "item_names": ["ore_red", "ore_blue", "ore_green", "battery_red", "battery_blue", "battery_green", "heart",
                   "armor", "laser", "blueprint"],
    "action_names": ["noop", "move", "rotate"],
    "action_max_args": [0, 1, 3],
    "orientations": ["up", "down", "left", "right"],
    "num_agents": 1,
    "max_steps": 10,
}  # fmt: skip


@pytest.fixture
def make_hand_state():
    """`make_hand_state(agent_row, altar_ready=True)`: one frame of the hand-written room."""
    return hand_state


@pytest.fixture
def hand_header() -> dict:
    return dict(HAND_HEADER)


@pytest.fixture
def hand_replay() -> dict:
    """Three frames: the agent walks up from row 3 to row 1; the altar empties on the last one."""
    from metta_core.replay.format import build_replay

    return build_replay(HAND_HEADER, [hand_state(3), hand_state(2), hand_state(1, altar_ready=False)])


@pytest.fixture
def metta_cli():
    """`metta_cli(*args, cwd=..., timeout=...)`: the real `metta` in a subprocess."""
    return run_metta
