"""Validation: border, agent count, reachability; bounded retries end in one clear MapError."""

from __future__ import annotations

import numpy as np
import pytest

from metta_core.errors import MapError
from metta_core.maps.build import build_map
from metta_core.maps.mapfile import parse_grid
from metta_core.maps.validate import map_problem

WALLED_OFF = ["#######", "#@#..._#", "#######"]


def test_agent_walled_off_from_every_altar_fails_and_names_its_cell():
    grid = parse_grid(["#######", "#@#.._#", "#######"])
    assert map_problem(grid, 1, True) == "1 agents cannot reach a reward source (first at row 1, column 1)"
    with pytest.raises(MapError, match="ascii map failed validation: 1 agents cannot reach"):
        build_map({"builder": "ascii", "map": ["#######", "#@#.._#", "#######"]})


def test_reachability_check_can_be_switched_off():
    grid = build_map(
        {"builder": "ascii", "map": ["#######", "#@#.._#", "#######"], "validate_reachability": False}
    )
    assert grid[1, 1] == "@"


def test_an_agent_next_to_an_altar_reaches_it_even_boxed_in():
    assert map_problem(parse_grid(["#####", "#@_##", "#####"]), 1, True) is None


def test_agents_reach_through_other_agents_and_swappable_blocks():
    assert map_problem(parse_grid(["#######", "#@1s._#", "#######"]), 2, True) is None


def test_map_without_reward_source_fails_reachability():
    assert "no reward source" in map_problem(parse_grid(["#####", "#@..#", "#####"]), 1, True)


def test_hole_in_the_border_fails():
    assert (
        map_problem(parse_grid(["#####", "#@._.", "#####"]), 1, False)
        == "the border has 1 cells that are not walls"
    )


def test_agent_count_must_match_the_request():
    with pytest.raises(MapError, match="1 agents placed, 2 requested"):
        build_map({"builder": "ascii", "map": ["#####", "#@._#", "#####"], "agents": 2})


def test_random_map_that_never_validates_fails_after_max_attempts():
    # Walls on 85% of cells strand agents almost surely; three attempts, then a clear error.
    config = {
        "builder": "random",
        "width": 30,
        "height": 30,
        "wall_density": 0.85,
        "objects": {"altar": 1},
        "agents": 8,
        "max_attempts": 3,
    }
    with pytest.raises(
        MapError, match=r"random map failed validation after 3 attempts: \d+ agents cannot reach"
    ):
        build_map(config, np.random.default_rng(0))


def test_retries_recover_from_an_unlucky_draw():
    """At 40% walls some draws strand an agent; retrying finds a valid one."""
    config = {
        "builder": "random",
        "width": 16,
        "height": 16,
        "wall_density": 0.4,
        "objects": {"altar": 2},
        "agents": 4,
        "max_attempts": 50,
    }
    for seed in range(5):
        grid = build_map(config, np.random.default_rng(seed))
        assert map_problem(grid, 4, True) is None
