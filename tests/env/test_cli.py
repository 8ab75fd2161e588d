"""`metta env list|show` and `metta bench env` through the real command line."""

from __future__ import annotations

from metta_testing import run_metta


def test_env_list_shows_every_preset_with_agents_and_map_size():
    result = run_metta("env", "list")
    assert result.returncode == 0, result.stderr
    assert "navigation" in result.stdout and "29x29" in result.stdout
    assert "ants" in result.stdout and "36" in result.stdout


def test_env_show_applies_overrides_and_bad_ones_exit_2():
    result = run_metta("env", "show", "navigation", "game.max_steps=77")
    assert result.returncode == 0, result.stderr
    assert "max_steps: 77" in result.stdout and "# observation layers: agent," in result.stdout
    bad = run_metta("env", "show", "navigation", "game.obs_width=8")
    assert bad.returncode == 2 and "obs_width" in bad.stderr and "Traceback" not in bad.stderr


def test_bench_env_prints_agent_steps_per_s_as_name_value_lines():
    result = run_metta("bench", "env", "--env", "navigation", "--seconds", "0.3", "--num-envs", "4")
    assert result.returncode == 0, result.stderr
    figures = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert figures["env"] == "navigation" and figures["num_envs"] == "4" and figures["threads"] == "1"
    assert int(figures["agent_steps_per_s"]) > 0 and figures["windows"] == "5"
    # The figure is the median window: it lies between the slowest and the fastest one.
    low, high = int(figures["agent_steps_per_s_min"]), int(figures["agent_steps_per_s_max"])
    assert low <= int(figures["agent_steps_per_s"]) <= high
    steps, seconds = int(figures["agent_steps"]), float(figures["seconds"])
    assert low * 0.99 <= steps / seconds <= high * 1.01
