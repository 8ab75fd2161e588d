"""The `metta map` commands, `metta upload-map-imgs` and `metta bench maps`: output files and errors.

Successful runs go through Typer's runner in this process; the exit-code-2 paths run the real
`metta` in a subprocess (that is where one red line and the exit code are made).
"""

from __future__ import annotations

import io

import boto3
import pytest
import yaml
from PIL import Image
from typer.testing import CliRunner

from metta_cli.app import app
from metta_core.maps.mapfile import read_map
from metta_testing import run_metta

runner = CliRunner()


def invoke(*args: str):
    result = runner.invoke(app, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result


def test_gen_writes_numbered_files_with_their_seeds(tmp_path):
    out = tmp_path / "maps"
    result = invoke(
        "map",
        "gen",
        "maze_kruskal",
        "--count",
        "3",
        "--output-uri",
        str(out),
        "--overrides",
        "width=15 height=13 seed=7",
    )
    files = sorted(p.name for p in out.iterdir())
    assert files == ["maze_0000.yaml", "maze_0001.yaml", "maze_0002.yaml"]
    assert f"wrote {out}/maze_0002.yaml (seed 9)" in result.output
    grid, metadata = read_map(str(out / "maze_0001.yaml"))
    assert grid.shape == (13, 15) and metadata["seed"] == 8


def test_gen_shows_one_map_as_ascii_with_overrides():
    result = invoke("map", "gen", "random", "--overrides", "width=12 height=9 seed=3")
    rows = [line for line in result.stdout.splitlines() if line.startswith("#")]
    assert len(rows) == 9 and all(len(row) == 12 for row in rows)


def test_gen_takes_the_map_of_an_env_preset_file(tmp_path):
    preset = tmp_path / "my_env.yaml"
    preset.write_text("game: {num_agents: 2}\nmap: {builder: random, agents: 2, objects: {altar: 1}}\n")
    result = invoke("map", "gen", str(preset), "--overrides", "width=14 height=9 seed=1")
    rows = [line for line in result.stdout.splitlines() if line.startswith("#")]
    assert len(rows) == 9 and all(len(row) == 14 for row in rows)


def test_gen_scene_writes_a_map_of_the_given_size(tmp_path):
    target = tmp_path / "scene.yaml"
    invoke(
        "map",
        "gen-scene",
        "rooms_with_mazes",
        "30",
        "20",
        "--overrides",
        "seed=5",
        "--output-uri",
        str(target),
        "--show-mode",
        "none",
    )
    grid, metadata = read_map(str(target))
    assert grid.shape == (20, 30) and metadata["builder"]["builder"] == "scene" and metadata["seed"] == 5


def test_render_and_view_png_write_images_of_the_map(tmp_path):
    invoke(
        "map",
        "gen",
        "maze_kruskal",
        "--overrides",
        "width=11 height=9 seed=1",
        "--output-uri",
        str(tmp_path / "m.yaml"),
        "--show-mode",
        "none",
    )
    invoke("map", "render", str(tmp_path / "m.yaml"), "--output", str(tmp_path / "m.png"), "--tile", "8")
    assert Image.open(tmp_path / "m.png").size == (88, 72)
    invoke("map", "view", str(tmp_path), "--show-mode", "png", "--png-path", str(tmp_path / "v.png"))
    assert Image.open(tmp_path / "v.png").size == (176, 144)


def test_view_picks_a_map_from_an_s3_prefix(s3_bucket):
    invoke(
        "map",
        "gen",
        "random",
        "--count",
        "2",
        "--output-uri",
        f"s3://{s3_bucket}/maps/",
        "--overrides",
        "width=10 height=10",
    )
    result = invoke("map", "view", f"s3://{s3_bucket}/maps/")
    assert sum(line.startswith("#") for line in result.stdout.splitlines()) == 10


def test_normalize_ascii_in_place_rewrites_the_file(tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_text("WWWWW\nWA aW\nWWWWW\n")
    invoke("map", "normalize-ascii", str(path), "--in-place")
    assert path.read_text() == "#####\n#@._#\n#####\n"


def test_normalize_patterns_prints_canonical_patterns(tmp_path):
    path = tmp_path / "scene.yaml"
    path.write_text("fill:\n  builder: convchain\n  pattern: ['WW', 'W']\n")
    result = invoke("map", "normalize-patterns", str(path))
    assert yaml.safe_load(result.stdout)["fill"]["pattern"] == "##\n#.\n"


def test_upload_map_imgs_uploads_pngs_with_their_content_type(tmp_path, s3_bucket):
    (tmp_path / "a.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "sub").mkdir()
    (tmp_path / "sub" / "b.png").write_bytes(b"\x89PNG fake")
    (tmp_path / "notes.txt").write_text("not an image")
    dry = invoke("upload-map-imgs", str(tmp_path), "--bucket", f"s3://{s3_bucket}/imgs", "--dry-run")
    assert "2 images would be uploaded" in dry.stdout
    s3 = boto3.client("s3")
    assert s3.list_objects_v2(Bucket=s3_bucket).get("KeyCount", 0) == 0
    invoke("upload-map-imgs", str(tmp_path), "--bucket", f"s3://{s3_bucket}/imgs")
    head = s3.head_object(Bucket=s3_bucket, Key="imgs/sub/b.png")
    assert head["ContentType"] == "image/png"
    assert sorted(o["Key"] for o in s3.list_objects_v2(Bucket=s3_bucket)["Contents"]) == [
        "imgs/a.png",
        "imgs/sub/b.png",
    ]


def test_bench_maps_prints_one_figure_per_builder():
    result = invoke(
        "bench", "maps", "--size", "16", "--maps", "1", "--builder", "random", "--builder", "maze"
    )
    lines = result.stdout.strip().splitlines()
    assert [line.split("=")[0] for line in lines] == ["random_ms_per_map", "maze_ms_per_map"]
    assert all(float(line.split("=")[1]) > 0 for line in lines)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("builder: [oops\n", "invalid YAML"),
        ("builder: hexes\n", "builder 'hexes': unknown (known: random, maze"),
        (None, "no such file"),
    ],
)
def test_bad_config_gives_one_clear_line_and_exit_2(tmp_path, content, message):
    path = tmp_path / "config.yaml"
    if content is not None:
        path.write_text(content)
    result = run_metta("map", "gen", str(path), cwd=tmp_path)
    assert result.returncode == 2
    assert message in result.stderr and len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_unreadable_s3_uri_gives_one_clear_line_and_exit_2(s3_bucket, tmp_path):
    result = run_metta("map", "view", f"s3://{s3_bucket}/missing.yaml", cwd=tmp_path)
    assert result.returncode == 2 and "missing.yaml" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1


def test_normalize_ascii_reports_unmappable_characters_and_exits_2(tmp_path):
    path = tmp_path / "odd.txt"
    path.write_text("WWW\nW?W\nWWW\n")
    result = run_metta("map", "normalize-ascii", str(path), "--in-place", cwd=tmp_path)
    assert (
        result.returncode == 2 and "cannot map '?' (line 2, column 2); file left unchanged" in result.stderr
    )
    assert path.read_text() == "WWW\nW?W\nWWW\n"


def test_png_bytes_are_a_real_png():
    from metta_core.maps.mapfile import parse_grid
    from metta_core.maps.png import render_png

    image = Image.open(io.BytesIO(render_png(parse_grid(["###", "#@#", "###"]), tile=4)))
    assert image.format == "PNG" and image.size == (12, 12)
    assert image.getpixel((5, 5)) != image.getpixel((1, 1))
