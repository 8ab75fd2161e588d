"""Scene trees: pieces from each selector, children drawn in their areas, seeds flowing down."""

from __future__ import annotations

import numpy as np
import pytest

from metta_core.errors import ConfigError, MapError
from metta_core.maps.build import build_map
from metta_core.maps.config import SceneArea
from metta_core.maps.scene import load_scene, scene_pieces


@pytest.mark.parametrize(
    ("where", "pieces"),
    [
        ({"rows": 3}, [(0, 0, 4, 10), (4, 0, 3, 10), (7, 0, 3, 10)]),
        ({"columns": 2}, [(0, 0, 10, 5), (0, 5, 10, 5)]),
        ({"inset": 2}, [(2, 2, 6, 6)]),
        ({"border": 1}, [(0, 0, 1, 10), (9, 0, 1, 10), (1, 0, 8, 1), (1, 9, 8, 1)]),
        ({"region": [-4, 1, 3, 20]}, [(6, 1, 3, 9)]),
        ({"area": "room_1_*"}, [(5, 0, 5, 5), (5, 5, 5, 5)]),
    ],
)
def test_selectors_cut_the_expected_pieces(where, pieces):
    areas = {"room_0_0": (0, 0, 5, 5), "room_1_0": (5, 0, 5, 5), "room_1_1": (5, 5, 5, 5)}
    assert scene_pieces(SceneArea(**where), 10, 10, areas) == pieces


def test_selector_needs_exactly_one_kind():
    with pytest.raises(ValueError, match="exactly one"):
        SceneArea(rows=2, columns=2)


def _scene(children: list[dict], **fields) -> dict:
    return {"builder": "scene", "width": 20, "height": 12, "scene": {"children": children, **fields}}


def test_children_draw_only_inside_their_pieces():
    config = _scene(
        [
            {
                "where": {"columns": 2, "select": 0},
                "scene": {"fill": {"builder": "maze", "border_width": 1, "agents": 1}},
            }
        ],
        objects={"altar": 0},
    )
    grid = build_map(config, np.random.default_rng(0))
    assert (grid[1:-1, 10:-1] == ".").all()  # the right half stays empty
    assert (grid[:, :10] == "#").sum() > 30 and (grid == "@").sum() == 1


def test_scene_is_deterministic_per_seed_and_children_get_distinct_seeds(build):
    maze = {"fill": {"builder": "maze", "border_width": 1, "agents": 1}}
    config = _scene([{"where": {"columns": 2}, "scene": maze}])
    first, again = build_map(config, np.random.default_rng(5)), build_map(config, np.random.default_rng(5))
    assert (first == again).all()
    left, right = first[:, :10], first[:, 10:]
    assert (left != right).any()  # two pieces, two seeds


def test_scene_nests_recursively_and_counts_agents_of_every_level():
    inner = {"children": [{"where": {"rows": 2}, "scene": {"agents": 1, "objects": {"altar": 1}}}]}
    config = _scene([{"where": {"columns": 2}, "scene": inner}], agents={"team_2": 1})
    grid = build_map(config, np.random.default_rng(1))
    assert (grid == "@").sum() == 4 and (grid == "2").sum() == 1


def test_rooms_areas_are_filled_by_children():
    scene = {
        "fill": {"builder": "rooms", "rows": 1, "columns": 2, "border_width": 0, "objects": {}, "agents": 0},
        "children": [{"where": {"area": "room_*"}, "scene": {"objects": {"altar": 1}, "agents": 1}}],
    }
    grid = build_map({"builder": "scene", "width": 21, "height": 9, "scene": scene}, np.random.default_rng(0))
    assert (grid[:, :10] == "_").sum() == 1 and (grid[:, 11:] == "_").sum() == 1


def test_select_out_of_range_is_a_map_error():
    with pytest.raises(MapError, match="select 5"):
        build_map(_scene([{"where": {"rows": 2, "select": 5}, "scene": {}}]), np.random.default_rng(0))


def test_shipped_scenes_load_by_name():
    for name in ("rooms_with_mazes", "wfc_dungeon", "convchain_maze", "quadrants"):
        assert load_scene(name).model_dump()


def test_bad_scene_file_names_file_and_field(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("children:\n  - where: {rows: 2}\n    scene: {fill: {builder: maze, width: nope}}\n")
    with pytest.raises(
        ConfigError, match=r"children.0.scene.fill.maze.width: .* \(from scene file .*bad.yaml\)"
    ):
        load_scene(str(path))


def test_scene_never_walls_over_what_it_placed():
    """Objects and agents a scene scatters land inside the border: every draw validates at once."""
    config = {
        "builder": "scene",
        "width": 6,
        "height": 6,
        "max_attempts": 1,
        "scene": {"objects": {"altar": 4}, "agents": 8},
    }
    for seed in range(20):
        grid = build_map(config, np.random.default_rng(seed))
        assert (grid == "@").sum() == 8 and (grid == "_").sum() == 4
