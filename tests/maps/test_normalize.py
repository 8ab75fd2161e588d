"""normalize-ascii and normalize-patterns on tricky input: legacy letters, unicode, ragged rows."""

from __future__ import annotations

import pytest
import yaml

from metta_core.errors import MapError
from metta_core.maps.normalize import normalize_ascii_text, normalize_rows, normalize_scene_patterns


def test_legacy_letters_map_onto_the_canonical_legend():
    result = normalize_rows(["WWWWW", "WAQEW", "Wa rW", "WWWWW"])
    assert result.rows == ["#####", "#@12#", "#_.m#", "#####"] and not result.unmapped


def test_legacy_teams_flag_reads_r_and_t_as_teams_not_generator_and_temple():
    assert normalize_rows(["#RT#"]).rows == ["#nT#"]
    assert normalize_rows(["#RT#"], legacy_teams=True).rows == ["#34#"]


def test_box_drawing_and_emoji_with_variation_selectors_keep_the_layout():
    rows = ["┌───┐", "│🤖⛩\ufe0f·│", "└───┘"]
    result = normalize_rows(rows)
    assert result.rows == ["#####", "#@_.#", "#####"] and not result.unmapped


def test_fullwidth_characters_fold_to_ascii():
    assert normalize_rows(["＃＠＿＃"]).rows == ["#@_#"]


def test_ragged_rows_are_padded_with_empty_cells():
    assert normalize_rows(["#####", "#@_", "#####"]).rows == ["#####", "#@_..", "#####"]


def test_unmappable_characters_are_kept_and_reported_with_positions():
    result = normalize_rows(["####", "#Z?#", "####"])
    assert result.rows[1] == "#Z?#"
    assert result.unmapped == [("Z", 2, 2), ("?", 2, 3)]
    assert result.unmapped_summary() == "'Z' (line 2, column 2), '?' (line 2, column 3)"


def test_map_yaml_file_keeps_its_metadata():
    text = "map: |\n  WWWW\n  WAaW\n  WWWW\nmetadata:\n  seed: 3\n"
    normalized, result = normalize_ascii_text(text)
    data = yaml.safe_load(normalized)
    assert data["map"] == "####\n#@_#\n####" and data["metadata"] == {"seed": 3} and not result.unmapped


def test_plain_text_with_comment_like_hashes_is_not_mistaken_for_yaml():
    normalized, _ = normalize_ascii_text("####\n#A:#\n####\n")
    assert normalized == "####\n#@:#\n####\n"


def test_patterns_become_canonical_same_width_rows():
    text = (
        "fill:\n  builder: wfc\n  pattern: |\n    WWW\n    W \n    WWW\n"
        "children:\n  - where: {rows: 2}\n    scene:\n      fill: {builder: convchain, pattern: ['#.#', '.']}\n"
    )
    normalized, count = normalize_scene_patterns(text, "s.yaml")
    data = yaml.safe_load(normalized)
    assert count == 2
    assert data["fill"]["pattern"] == "###\n#..\n###\n"
    assert data["children"][0]["scene"]["fill"]["pattern"] == "#.#\n...\n"
    assert "pattern: |" in normalized  # readable block, not an escaped string


def test_patterns_with_unmappable_characters_name_the_field():
    with pytest.raises(MapError, match=r"s.yaml: fill.pattern: cannot map 'Z'"):
        normalize_scene_patterns("fill:\n  builder: wfc\n  pattern: ['#Z#']\n", "s.yaml")


def test_in_place_ascii_normalising_keeps_comments_and_the_rest_of_the_file(tmp_path):
    from metta_testing import run_metta

    path = tmp_path / "legacy_map.yaml"
    path.write_text("# my map\nmap: |-\n  WWWWW\n  WA.aW\n  WWWWW\nmetadata: {x: 1}  # tail\n")
    done = run_metta("map", "normalize-ascii", str(path), "--in-place")
    assert done.returncode == 0, done.stderr
    assert path.read_text() == "# my map\nmap: |-\n  #####\n  #@._#\n  #####\nmetadata: {x: 1}  # tail\n"


def test_in_place_pattern_normalising_with_nothing_to_change_leaves_the_bytes(tmp_path):
    from metta_testing import run_metta

    path = tmp_path / "scene.yaml"
    original = (
        b"# keep me\nfill: {builder: random, border_width: 0, objects: {}, agents: 0}  # note\nagents: 1\n"
    )
    path.write_bytes(original)
    done = run_metta("map", "normalize-patterns", str(path), "--in-place")
    assert done.returncode == 0 and "left unchanged" in done.stdout
    assert path.read_bytes() == original
    path.write_bytes(original + b"# caf\xe9 in latin-1\n")
    done = run_metta("map", "normalize-patterns", str(path), "--in-place")
    assert done.returncode == 2 and "not UTF-8" in done.stderr
    assert path.read_bytes() == original + b"# caf\xe9 in latin-1\n"


def test_in_place_pattern_normalising_keeps_comments_when_patterns_change(tmp_path):
    from metta_testing import run_metta

    path = tmp_path / "scene.yaml"
    path.write_text(
        "# a WFC dungeon, tuned by hand\n"
        "fill:\n"
        "  builder: wfc  # the slow one\n"
        "  pattern: |\n"
        "    WWW\n"
        "    W.W\n"
        "    WWW\n"
        "  pattern_size: 3  # keep at 3\n"
        "agents: 1\n"
    )
    done = run_metta("map", "normalize-patterns", str(path), "--in-place")
    assert done.returncode == 0, done.stderr
    assert path.read_text() == (
        "# a WFC dungeon, tuned by hand\n"
        "fill:\n"
        "  builder: wfc  # the slow one\n"
        "  pattern: |\n"
        "    ###\n"
        "    #.#\n"
        "    ###\n"
        "  pattern_size: 3  # keep at 3\n"
        "agents: 1\n"
    )
