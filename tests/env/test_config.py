"""Presets load, list and build; bad configuration fails with a clear MettaError before stepping."""

from __future__ import annotations

import numpy as np
import pytest

from metta_core.env.config import EnvConfig, list_env_presets, load_env_config
from metta_core.env.vecenv import VecEnv
from metta_core.errors import MapError, MettaError

PRESETS = [
    "navigation",
    "memory",
    "object_use",
    "arena",
    "arena_combat",
    "arena_advanced",
    "multiagent",
    "ants",
]


def test_every_preset_of_the_spec_is_listed_with_agents_size_and_description():
    rows = {row.name: row for row in list_env_presets()}
    assert set(PRESETS) <= set(rows)
    assert rows["arena"].agents == 24 and (rows["arena"].width, rows["arena"].height) == (50, 50)
    assert rows["multiagent"].agents == 32 and rows["ants"].agents == 36 and rows["navigation"].agents == 4
    assert all(row.description for row in rows.values())


@pytest.mark.parametrize("name", PRESETS)
def test_preset_builds_and_steps(name):
    env = VecEnv(load_env_config(name), num_envs=2, seed=1)
    actions = np.zeros((env.total_agents, 2), dtype=np.int32)
    obs, global_obs, rewards, _, _ = env.step(actions)
    assert obs.shape == (env.total_agents, *env.obs_shape) and obs.any()
    assert env.snapshot(1).agents[0]["agent_id"] == 0


def test_navigation_puts_one_agent_in_each_room_with_prefilled_altars():
    env = VecEnv(load_env_config("navigation"), seed=2)
    snap = env.snapshot()
    altars = [o for o in snap.objects if o["type_name"] == "altar"]
    assert len(snap.agents) == 4 and len(altars) == 20
    assert all(a["inventory"][6] == 1 for a in altars)
    quadrants = {(a["row"] > snap.height // 2, a["col"] > snap.width // 2) for a in snap.agents}
    assert len(quadrants) == 4


def test_overrides_change_any_field():
    config = load_env_config("arena", ["game.max_steps=50", "game.objects.altar.cooldown=3", "map.width=30"])
    assert config.game.max_steps == 50 and config.map.width == 30
    recipe = config.game.objects.recipes()["altar"]
    assert recipe.cooldown == 3 and recipe.input == {"battery_red": 3}  # the rest stays the spec's


def test_navigation_evaluation_shape_is_reachable_with_overrides():
    config = load_env_config(
        "navigation", ["game.num_agents=1", "map.rows=1", "map.columns=1", "map.width=15"]
    )
    env = VecEnv(config)
    assert env.total_agents == 1


def test_load_env_config_accepts_a_yaml_path(tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(
        "game: {num_agents: 1, max_steps: 9}\nmap: {builder: ascii, map: ['###', '#@#', '###']}\n"
    )
    config = load_env_config(str(path))
    assert config.game.max_steps == 9 and config.name == "mine"


@pytest.mark.parametrize(
    ("overrides", "field"),
    [
        (["game.obs_width=10"], "obs_width"),
        (["game.objects.altar.input={unobtainium: 1}"], "unknown item 'unobtainium'"),
        (["game.inventory_limits={heart: -1}"], "inventory_limits"),
        (["game.rewards={gold: 1}"], "unknown item 'gold'"),
        (["game.max_steps=-5"], "game.max_steps"),
        (["game.num_agents=5"], "num_agents"),
        (["game.attack.freeze_duration=-1"], "freeze_duration"),
        (["game.objects.mine_red.cooldown=-1"], "cooldown"),
        (["game.colour=1"], "unknown key"),
    ],
)
def test_bad_configuration_names_the_field(overrides, field):
    with pytest.raises(MettaError, match=field):
        load_env_config("navigation", overrides)


def test_unknown_preset_is_a_config_error():
    with pytest.raises(MettaError, match="no such preset"):
        load_env_config("no_such_env")


def test_map_with_the_wrong_number_of_agents_fails_before_stepping():
    config = EnvConfig(game={"num_agents": 3}, map={"builder": "ascii", "map": ["#####", "#@@_#", "#####"]})
    with pytest.raises(MapError, match="places 2 agents but game.num_agents is 3"):
        VecEnv(config)


def test_more_agents_than_free_cells_fails_before_stepping():
    with pytest.raises(MettaError):
        VecEnv(load_env_config("arena", ["map.width=5", "map.height=5"]))


def test_unknown_map_character_is_a_map_error():
    config = EnvConfig(game={"num_agents": 1}, map={"builder": "ascii", "map": ["###", "#@Z", "###"]})
    with pytest.raises(MettaError):
        VecEnv(config)


def test_wrong_action_shape_is_refused():
    env = VecEnv(load_env_config("navigation"))
    with pytest.raises(MettaError, match="actions"):
        env.step(np.zeros((3, 2), dtype=np.int32))
