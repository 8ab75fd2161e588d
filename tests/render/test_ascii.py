"""ASCII frames: the map in the game's characters, agent status lines, the same frames per seed."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from metta_core.render.ascii import FROZEN_CHAR, ascii_frame, ascii_frames
from metta_core.render.driver import open_driver


def test_first_frame_shows_the_map_as_written(tiny_env_config, tiny_map) -> None:
    driver = open_driver(tiny_env_config, "random", seed=0)
    frame = next(ascii_frames(driver, steps=0))
    lines = frame.splitlines()
    assert lines[0].startswith("step 0  agents 2")
    assert lines[1 : 1 + len(tiny_map)] == tiny_map
    assert lines[1 + len(tiny_map)].startswith("agent  0 @ (2,2)     up    noop(0)")
    assert lines[2 + len(tiny_map)].startswith("agent  1 @ (4,6)     up")


def test_frames_are_the_same_for_the_same_seed(tiny_env_config) -> None:
    first = list(ascii_frames(open_driver(tiny_env_config, "random", seed=7), steps=25))
    second = list(ascii_frames(open_driver(tiny_env_config, "random", seed=7), steps=25))
    assert len(first) == 26
    assert first == second
    # The agents did something: not every frame's map is the first one's.
    assert len({frame.split("\n", 1)[1] for frame in first}) > 1


def test_frames_stop_when_the_episode_ends(tiny_env_config) -> None:
    frames = list(ascii_frames(open_driver(tiny_env_config, "simple", seed=1), steps=1000))
    # max_steps 40: the reset frame and 39 steps; the 40th step starts the next map.
    assert len(frames) == 40


def test_frozen_teams_and_inventories_are_shown() -> None:
    agent = {
        "agent_id": 3, "row": 1, "col": 2, "orientation": 3, "inventory": [0, 0, 0, 0, 0, 0, 2, 0, 1, 0],
        "frozen": 4, "team": 2, "last_action": 1, "last_arg": 0, "last_action_success": False,
        "last_reward": 0.0, "total_reward": 2.0,
    }  # fmt: skip
    teammate = {**agent, "agent_id": 4, "col": 3, "frozen": 0, "inventory": [0] * 10}
    snapshot = SimpleNamespace(
        height=3, width=5, step=9, objects=[{"type_id": 1, "row": 0, "col": c} for c in range(5)],
        agents=[agent, teammate],
    )  # fmt: skip
    items = ["ore_red", "ore_blue", "ore_green", "battery_red", "battery_blue", "battery_green", "heart",
             "armor", "laser", "blueprint"]  # fmt: skip
    frame = ascii_frame(snapshot, ["noop", "move"], items).splitlines()
    assert frame[1:4] == ["#####", f"..{FROZEN_CHAR}2.", "....."]
    assert "right move(0) failed" in frame[4] and "frozen=4" in frame[4] and "heart=2 laser=1" in frame[4]
    assert frame[5].endswith("-")


@pytest.mark.slow
def test_render_command_prints_the_same_frames_for_a_fixed_seed(metta_cli, tiny_env_file) -> None:
    args = ("render", "--env", str(tiny_env_file), "--renderer", "ascii", "--policy", "random",
            "--steps", "5", "--sleep", "0", "--seed", "11")  # fmt: skip
    first, second = metta_cli(*args), metta_cli(*args)
    assert first.returncode == 0, first.stderr
    assert first.stdout == second.stdout
    assert first.stdout.count("step ") == 6
    assert "\x1b[" not in first.stdout  # a pipe gets plain frames, no screen clearing
