"""ReplayRecorder against the real env: every frame matches the env's snapshot, files are small."""

from __future__ import annotations

import numpy as np
import pytest

from metta_core.env.vecenv import VecEnv
from metta_core.render.driver import open_driver
from metta_core.replay.format import encode_replay, expand_frames
from metta_core.replay.recorder import ReplayRecorder, load_replay
from metta_core.replay.session import record_episode


def _agent_view(snapshot) -> list[tuple]:
    return [
        (
            a["row"],
            a["col"],
            a["orientation"],
            list(a["inventory"]),
            a["frozen"],
            a["last_action"],
            a["last_arg"],
        )
        for a in snapshot.agents
    ]


def _replay_view(state: dict) -> list[tuple]:
    agents = [state["agents"][key] for key in sorted(state["agents"], key=int)]
    return [
        (a["row"], a["col"], a["orientation"], a["inventory"], a["frozen"], a["action"][0], a["action"][1])
        for a in agents
    ]


def test_every_recorded_frame_matches_the_env_snapshot(tiny_env_config, tmp_path) -> None:
    env = VecEnv(tiny_env_config, num_envs=1, seed=3)
    env.reset(seed=3)
    recorder = ReplayRecorder(env)
    recorder.capture()
    expected = [_agent_view(env.snapshot(0))]
    rng = np.random.default_rng(0)
    for _ in range(15):
        kinds = rng.integers(0, len(env.action_names), size=env.total_agents)
        args = np.minimum(rng.integers(0, 4, size=env.total_agents), np.asarray(env.action_max_args)[kinds])
        env.step(np.stack([kinds, args], axis=1).astype(np.int32))
        recorder.capture()
        expected.append(_agent_view(env.snapshot(0)))
    saved = recorder.save(tmp_path / "tiny.json.gz")
    replay = load_replay(saved)
    assert replay["map_size"] == [7, 9]
    assert replay["action_names"] == list(env.action_names)
    assert [_replay_view(state) for state in expand_frames(replay)] == expected


def test_walls_are_written_once_not_every_frame(tiny_env_config) -> None:
    driver = open_driver(tiny_env_config, "random", seed=1)
    replay = record_episode(driver, 20, "tiny")
    wall = replay["object_types"].index("wall")
    assert sum(o["type_id"] == wall for o in replay["initial"]["objects"].values()) == 2 * 9 + 2 * 5
    for delta in replay["deltas"]:
        assert all(o.get("type_id") != wall for o in delta.get("objects", {}).values())


def test_recording_stops_before_the_env_resets_itself(tiny_env_config) -> None:
    driver = open_driver(tiny_env_config, "random", seed=2)
    replay = record_episode(driver, 500, "tiny")
    # max_steps is 40: the reset frame plus 39 steps; the 40th step's snapshot is the next map.
    assert replay["num_frames"] == 40
    assert len(replay["deltas"]) == 39


@pytest.mark.slow
def test_a_1000_step_arena_replay_is_well_under_5_mb() -> None:
    from metta_core.env.config import load_env_config

    config = load_env_config("arena")
    assert config.game.num_agents == 24
    driver = open_driver(config, "simple", seed=0)
    replay = record_episode(driver, 1000, "arena")
    size = len(encode_replay(replay))
    assert replay["num_frames"] == 1000
    assert size < 1_000_000, f"arena replay is {size} bytes"
