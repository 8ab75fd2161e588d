"""Settings of the watching commands: presets, --agents, and every bad field reported at once."""

from __future__ import annotations

import pytest

from metta_core.config.loader import resolve
from metta_core.errors import ConfigError
from metta_core.render.settings import RenderSettings
from metta_core.replay.settings import PlaySettings, ReplaySettings


def test_defaults_watch_the_simple_policy_on_arena_for_one_episode() -> None:
    settings = resolve(RenderSettings, environ={})
    assert settings.env.name == "arena" and settings.policy == "simple" and settings.renderer == "ascii"
    assert settings.num_steps() == settings.env.game.max_steps


def test_agents_option_sets_both_agent_counts() -> None:
    settings = resolve(
        RenderSettings, cli_options={"env": ("arena", "--env"), "agents": (6, "--agents")}, environ={}
    )
    assert settings.env.game.num_agents == 6
    assert settings.env.map.agents == 6


def test_agents_option_on_a_map_that_places_its_own_agents_is_a_clear_error() -> None:
    # navigation seals one agent in each of its rooms: the count comes from the rooms.
    with pytest.raises(
        ConfigError, match=r"--agents 2: the rooms map of env navigation places agents its own way"
    ):
        resolve(
            RenderSettings,
            cli_options={"env": ("navigation", "--env"), "agents": (2, "--agents")},
            environ={},
        )


def test_invalid_fields_are_reported_together_with_their_source() -> None:
    with pytest.raises(ConfigError) as err:
        resolve(
            RenderSettings,
            cli_options={"renderer": ("curses", "--renderer"), "sleep": (-1, "--sleep")},
            overrides=["steps=0"],
            environ={},
        )
    text = "\n".join(err.value.problems)
    assert "renderer" in text and "option --renderer" in text
    assert "sleep" in text and "steps" in text and "override 'steps=0'" in text


def test_replays_default_to_a_file_named_after_the_env() -> None:
    assert resolve(ReplaySettings, environ={}).output_uri() == "replays/arena.json.gz"
    assert resolve(PlaySettings, environ={}).output_uri() == "replays/play_arena.json.gz"
    assert resolve(PlaySettings, environ={}).host == "127.0.0.1"


def test_metta_environment_variables_reach_the_settings() -> None:
    settings = resolve(ReplaySettings, environ={"METTA_PORT": "8123", "METTA_POLICY": "random"})
    assert settings.port == 8123 and settings.policy == "random"
