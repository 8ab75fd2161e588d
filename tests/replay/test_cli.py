"""`metta replay`, `metta replay view` and `metta play` as a user runs them (real subprocesses)."""

from __future__ import annotations

from metta_core.replay.format import expand_frames
from metta_core.replay.recorder import load_replay


def test_replay_records_writes_and_serves_on_localhost(metta_cli, tiny_env_file, tmp_path) -> None:
    output = tmp_path / "out" / "tiny.json.gz"
    result = metta_cli(
        "replay", "--env", str(tiny_env_file), "--policy", "random", "--steps", "5",
        "--output", str(output), "--no-open", "--exit-after", "0.5", cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert f"replay: {output} (6 frames)" in result.stdout
    assert "viewer at http://127.0.0.1:" in result.stdout
    assert len(expand_frames(load_replay(output))) == 6


def test_replay_view_serves_an_existing_file(metta_cli, tmp_path, hand_replay) -> None:
    from metta_core.replay.format import write_replay

    path = tmp_path / "hand.json.gz"
    write_replay(hand_replay, path)
    result = metta_cli("replay", "view", str(path), "--no-open", "--exit-after", "0.5", "--port", "0")
    assert result.returncode == 0, result.stderr
    assert "viewer at http://127.0.0.1:" in result.stdout


def test_replay_view_of_a_missing_file_is_one_clear_error(metta_cli, tmp_path) -> None:
    result = metta_cli("replay", "view", str(tmp_path / "nope.json.gz"), "--no-open", "--exit-after", "0.5")
    assert result.returncode == 2
    assert "nope.json.gz" in result.stderr and "no such file" in result.stderr
    assert "Traceback" not in result.stderr


def test_play_saves_the_session_when_the_server_stops(metta_cli, tiny_env_file, tmp_path) -> None:
    output = tmp_path / "play.json.gz"
    result = metta_cli(
        "play", "--env", str(tiny_env_file), "--output", str(output), "--no-open", "--exit-after", "0.5"
    )
    assert result.returncode == 0, result.stderr
    assert f"replay saved: {output}" in result.stdout
    replay = load_replay(output)
    assert replay["num_frames"] == 1 and replay["env_name"] == "tiny"


def test_bad_port_is_a_settings_error(metta_cli, tiny_env_file) -> None:
    result = metta_cli("play", "--env", str(tiny_env_file), "--port", "70000", "--no-open")
    assert result.returncode == 2
    assert "port" in result.stderr and "Traceback" not in result.stderr
