"""Map files: YAML `map:` blocks and plain grids read back by the ascii builder; parse errors."""

from __future__ import annotations

import numpy as np
import pytest

from metta_core.errors import MapError
from metta_core.maps.build import build_map
from metta_core.maps.generate import generate_maps, load_map, output_uris
from metta_core.maps.loading import load_map_config
from metta_core.maps.mapfile import parse_grid, read_map, write_map


def test_written_map_file_reloads_with_the_ascii_builder(tmp_path):
    grid = build_map({"builder": "maze", "width": 11, "height": 9}, np.random.default_rng(2))
    write_map(tmp_path / "m.yaml", grid, {"seed": 2})
    again = build_map({"builder": "ascii", "uri": str(tmp_path / "m.yaml")})
    assert (again == grid).all()
    assert read_map(str(tmp_path / "m.yaml"))[1] == {"seed": 2}


def test_plain_text_grid_with_aliases_and_spaces_becomes_canonical(tmp_path):
    (tmp_path / "m.txt").write_text("\n#####\n#A a#\n#####\n\n")
    grid, metadata = read_map(str(tmp_path / "m.txt"))
    assert ["".join(r) for r in grid] == ["#####", "#@._#", "#####"] and metadata == {}


def test_ragged_rows_name_the_row():
    with pytest.raises(MapError, match="row 2 has 4 characters, row 1 has 5"):
        parse_grid(["#####", "#@_#", "#####"])


def test_unknown_characters_point_to_normalize_ascii():
    with pytest.raises(MapError, match=r"unknown map characters \['Z'\].*normalize-ascii"):
        parse_grid(["###", "#Z#", "###"])


def test_generated_files_record_their_seeds_and_builder(tmp_path):
    config = load_map_config("maze_kruskal.yaml", "width=11 height=11 seed=40")
    maps = generate_maps(config, 3, str(tmp_path / "out"))
    assert [m.uri for m in maps] == [str(tmp_path / "out" / f"maze_{i:04d}.yaml") for i in range(3)]
    for index, generated in enumerate(maps):
        grid, metadata = read_map(generated.uri)
        assert metadata["seed"] == 40 + index and metadata["builder"]["builder"] == "maze"
        assert (grid == generated.grid).all()
        # The recorded builder config rebuilds the same map.
        rebuilt = build_map(metadata["builder"])
        assert (rebuilt == grid).all()


def test_one_yaml_file_cannot_hold_many_maps():
    with pytest.raises(MapError, match="names one file, but --count is 2"):
        output_uris("one.yaml", 2, "maze")


def test_maps_go_to_and_come_from_s3(s3_bucket):
    config = load_map_config("random.yaml", "width=12 height=12 seed=1")
    maps = generate_maps(config, 2, f"s3://{s3_bucket}/maps/")
    assert maps[1].uri == f"s3://{s3_bucket}/maps/random_0001.yaml"
    grid, metadata = read_map(maps[1].uri)
    assert (grid == maps[1].grid).all() and metadata["seed"] == 2
    # A prefix with or without its slash: one of the maps under it, at random.
    chosen, _, _ = load_map(f"s3://{s3_bucket}/maps")
    assert chosen in {m.uri for m in maps}
