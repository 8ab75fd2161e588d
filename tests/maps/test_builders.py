"""Every builder: shape, dtype, border and agents; the same seed gives the same map."""

from __future__ import annotations

import numpy as np
import pytest

from metta_core.env.table import CHAR_TO_OBJECT
from metta_core.errors import MapError
from metta_core.maps.build import build_map
from metta_core.maps.config import MapConfigModel
from metta_core.maps.grid import count_agents

BUILDERS = (
    "random",
    "maze",
    "maze_prim",
    "rooms",
    "cylinders",
    "terrain",
    "template",
    "wfc",
    "convchain",
    "scene",
)


@pytest.mark.parametrize("name", BUILDERS)
def test_builder_makes_a_walled_grid_of_canonical_characters(name, small_configs, build):
    config = small_configs[name]
    grid = build(config, seed=1)
    assert grid.dtype == np.dtype("<U1") and grid.ndim == 2
    if "width" in config:
        assert grid.shape == (config["height"], config["width"])
    edges = np.concatenate([grid[0], grid[-1], grid[:, 0], grid[:, -1]])
    assert (edges == "#").all()
    assert set(np.unique(grid)) <= set(CHAR_TO_OBJECT) - {" "}


@pytest.mark.parametrize("name", BUILDERS)
def test_same_seed_gives_the_same_map_and_another_seed_another(name, small_configs, build):
    config = small_configs[name]
    first, again = build(config, seed=7), build(config, seed=7)
    assert (first == again).all()
    others = [build(config, seed=s) for s in (8, 9, 10)]
    assert any(other.shape != first.shape or (other != first).any() for other in others)


def test_config_seed_fixes_the_map_whatever_the_callers_generator(small_configs, build):
    config = small_configs["random"] | {"seed": 123}
    assert (build(config, seed=1) == build(config, seed=2)).all()


def test_agents_by_team_are_written_with_team_digits(build):
    grid = build(
        {
            "builder": "random",
            "width": 12,
            "height": 12,
            "objects": {"altar": 1},
            "agents": {"team_1": 2, "team_3": 3},
        }
    )
    assert (grid == "1").sum() == 2 and (grid == "3").sum() == 3 and count_agents(grid) == 5


def test_random_walls_count_is_exact(build):
    grid = build(
        {"builder": "random", "width": 10, "height": 10, "walls": 7, "objects": {"altar": 1}, "agents": 0}
    )
    assert (grid[1:-1, 1:-1] == "#").sum() == 7


def test_more_walls_than_cells_is_a_map_error(build):
    with pytest.raises(MapError, match="80 walls do not fit"):
        build({"builder": "random", "width": 8, "height": 8, "walls": 80, "objects": {"altar": 1}})


def test_too_many_objects_for_the_room_is_a_map_error(build):
    with pytest.raises(MapError, match="do not fit"):
        build({"builder": "random", "width": 4, "height": 4, "objects": {"altar": 5}})


@pytest.mark.parametrize("algorithm", ["kruskal", "prim"])
def test_maze_is_perfect_one_path_between_cells(algorithm, build):
    """A perfect maze on an r x c lattice opens exactly r*c cells plus r*c - 1 passages."""
    grid = build(
        {
            "builder": "maze",
            "algorithm": algorithm,
            "width": 21,
            "height": 15,
            "agents": 0,
            "objects": {},
            "validate_reachability": False,
        }
    )
    rows, cols = (13 + 1) // 2, (19 + 1) // 2
    assert (grid != "#").sum() == rows * cols + rows * cols - 1


def test_maze_corridor_width_and_wall_thickness_shape_the_lattice(build):
    """5x5 cells of 2x2 open squares; each of the 24 passages opens 2 (corridor) x 2 (wall) cells."""
    config = {"builder": "maze", "width": 23, "height": 23, "corridor_width": 2, "wall_thickness": 2}
    grid = build(config | {"agents": 0, "objects": {}, "validate_reachability": False})
    assert (grid != "#").sum() == 25 * 4 + 24 * 4


def test_rooms_without_doors_seal_each_room_with_its_own_agent_and_altar(build):
    grid = build(
        {
            "builder": "rooms",
            "width": 21,
            "height": 21,
            "rows": 2,
            "columns": 2,
            "doors": False,
            "room_objects": {"altar": 1},
            "room_agents": 1,
            "objects": {},
        }
    )
    from metta_core.maps.grid import open_regions

    _, regions = open_regions(grid)
    assert regions == 4 and count_agents(grid) == 4 and (grid == "_").sum() == 4


def test_template_keeps_its_objects_but_moves_them(small_configs, build):
    config = small_configs["template"]
    grids = [build(config, seed=s) for s in range(6)]
    for grid in grids:
        assert sorted(grid[grid != "#"].tolist()) == sorted("@_mn" + "." * 11)
    assert len({grid.tobytes() for grid in grids}) > 1


def test_non_square_template_keeps_its_shape_when_rotated(build):
    config = {"builder": "template", "map": ["#######", "#@..._#", "#######"], "rotate": True, "mirror": True}
    assert {build(config, seed=s).shape for s in range(12)} == {(3, 7)}


def test_template_swaps_replace_objects_with_candidates(build):
    config = {
        "builder": "template",
        "map": ["#####", "#@m_#", "#####"],
        "swaps": {"mine_red": ["empty"]},
        "rotate": False,
        "mirror": False,
    }
    assert "".join(build(config)[1]) == "#@._#"


def test_wfc_output_uses_only_the_examples_characters(small_configs, build):
    grid = build(small_configs["wfc"] | {"objects": {}, "agents": 0, "validate_reachability": False})
    assert set(np.unique(grid)) <= {"#", "."}


def test_wfc_reports_contradictions_after_bounded_retries():
    # One 3x3 window that does not overlap itself consistently: no output can be tiled with it.
    config = {
        "builder": "wfc",
        "width": 12,
        "height": 12,
        "pattern": ["#.#", "...", "#.."],
        "pattern_size": 3,
        "periodic_input": False,
        "symmetry": 1,
        "max_retries": 2,
    }
    with pytest.raises(MapError, match="2 attempts ran into a contradiction"):
        build_map(config, np.random.default_rng(0))


def test_unknown_builder_and_object_are_config_errors():
    from pydantic import ValidationError

    with pytest.raises(ValidationError):
        MapConfigModel.model_validate({"builder": "hexes"})
    with pytest.raises(ValidationError, match="unknown object 'gold'"):
        MapConfigModel.model_validate({"builder": "random", "objects": {"gold": 1}})


def test_wfc_ground_pins_the_examples_bottom_row_to_the_maps_bottom():
    pattern = ["..#...", "......", "......", "######"]
    config = {
        "builder": "wfc",
        "width": 20,
        "height": 10,
        "pattern": pattern,
        "ground": True,
        "symmetry": 1,
        "periodic_input": True,
    }
    config |= {
        "border_width": 0,
        "keep_largest_region": False,
        "objects": {},
        "agents": 0,
        "validate_reachability": False,
    }
    from metta_core.maps.build import generate

    grid = generate(MapConfigModel.model_validate(config).root, np.random.default_rng(0)).grid
    assert (grid[-1] == "#").all() and (grid[:3] == ".").mean() > 0.5


def test_wfc_and_convchain_build_64x64_maps():
    for name, pattern in (
        ("wfc", ["#......#", "#.......", "###.####", "#......."]),
        ("convchain", [".#...#..", "...#...#", "####.###"]),
    ):
        grid = build_map(
            {
                "builder": name,
                "width": 64,
                "height": 64,
                "pattern": pattern,
                "objects": {"altar": 2},
                "agents": 2,
            },
            np.random.default_rng(0),
        )
        assert grid.shape == (64, 64) and count_agents(grid) == 2


def test_every_shipped_map_config_and_scene_builds_a_valid_map():
    from metta_core.config.presets import PRESETS_DIR, preset_names
    from metta_core.maps.loading import load_map_config, scene_map_config

    names = preset_names("maps")
    assert {
        "random",
        "maze_kruskal",
        "maze_prim",
        "rooms",
        "cylinders",
        "terrain",
        "ascii",
        "template",
    } <= set(names)
    assert {"wfc_dungeon", "convchain_maze", "scene_rooms_with_mazes"} <= set(names)
    for name in names:
        config = load_map_config(str(PRESETS_DIR / "maps" / f"{name}.yaml"))
        assert build_map(config, np.random.default_rng(0)).ndim == 2, name
    for name in preset_names("scenes"):
        grid = build_map(scene_map_config(name, 40, 30), np.random.default_rng(0))
        assert grid.shape == (30, 40), name
