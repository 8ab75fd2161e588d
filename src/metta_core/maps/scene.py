"""Scene trees: a builder fills an area, children fill parts of it, recursively.

`SceneConfig` (the model, defined in `config.py` because it nests inside `MapConfig`) is re-exported
here with the code that draws it. Seeds flow down deterministically: after a node's builder has
drawn, each child piece gets a generator seeded from the node's generator, in order. Only the
whole map is validated (by `build.build_map`); scene nodes just draw.
"""

from __future__ import annotations

import fnmatch
import functools
from pathlib import Path

import numpy as np

from metta_core import storage
from metta_core.config.loader import validate_mapping
from metta_core.config.presets import PRESETS_DIR
from metta_core.errors import MapError
from metta_core.maps.builders.base import Area, Built
from metta_core.maps.config import SceneArea, SceneConfig, SceneMapConfig
from metta_core.maps.grid import (
    agent_chars,
    count_agents,
    draw_border,
    empty_grid,
    object_char,
    paste,
    place_randomly,
    requested_agent_count,
)

__all__ = ["SceneConfig", "build_scene", "load_scene", "scene_pieces"]


def resolve_scene_uri(name: str) -> str:
    """A path or URI as given, else a shipped scene by name (`wfc_dungeon`) or relative path."""
    if "://" in name or Path(name).exists():
        return name
    for candidate in (PRESETS_DIR / "scenes" / name, PRESETS_DIR / "scenes" / f"{name}.yaml"):
        if candidate.exists():
            return str(candidate)
    return name


def load_scene(scene: SceneConfig | str) -> SceneConfig:
    """The scene itself, or the scene file it names (read once per process: the environment
    rebuilds its map from it every episode)."""
    if isinstance(scene, SceneConfig):
        return scene
    return _read_scene(resolve_scene_uri(scene))


@functools.lru_cache(maxsize=64)
def _read_scene(uri: str) -> SceneConfig:
    from metta_core.config.yaml_text import parse_yaml

    data = parse_yaml(storage.read_bytes(uri), f"scene file {uri}", MapError)
    return validate_mapping(SceneConfig, data, f"scene file {uri}")


def _bands(total: int, parts: int) -> list[tuple[int, int]]:
    sizes = [total // parts + (1 if i < total % parts else 0) for i in range(parts)]
    return [(sum(sizes[:i]), size) for i, size in enumerate(sizes)]


def scene_pieces(where: SceneArea, height: int, width: int, areas: dict[str, Area]) -> list[Area]:
    """Every piece `where` names inside a `height x width` area, before `select` picks."""
    if where.area is not None:
        return [areas[name] for name in sorted(areas) if fnmatch.fnmatchcase(name, where.area)]
    if where.rows is not None:
        return [(top, 0, size, width) for top, size in _bands(height, where.rows)]
    if where.columns is not None:
        return [(0, left, height, size) for left, size in _bands(width, where.columns)]
    if where.inset is not None:
        k = where.inset
        return [(k, k, height - 2 * k, width - 2 * k)] if height > 2 * k and width > 2 * k else []
    if where.border is not None:
        k = min(where.border, height // 2, width // 2)
        return [
            (0, 0, k, width),
            (height - k, 0, k, width),
            (k, 0, height - 2 * k, k),
            (k, width - k, height - 2 * k, k),
        ]
    assert where.region is not None  # SceneArea requires exactly one selector
    row, col, region_height, region_width = where.region
    row, col = row + height if row < 0 else row, col + width if col < 0 else col
    row, col = min(max(row, 0), height), min(max(col, 0), width)
    return [(row, col, min(region_height, height - row), min(region_width, width - col))]


def _select(where: SceneArea, pieces: list[Area], rng: np.random.Generator) -> list[Area]:
    if where.select == "all" or not pieces:
        return pieces
    if where.select == "random":
        return [pieces[int(rng.integers(len(pieces)))]]
    if not -len(pieces) <= where.select < len(pieces):
        raise MapError(f"scene: select {where.select} but only {len(pieces)} pieces match {where}")
    return [pieces[where.select]]


def draw_scene(scene: SceneConfig, view: np.ndarray, rng: np.random.Generator) -> int:
    """Draw `scene` into `view` (a writable window of the map); returns the agents it placed."""
    from metta_core.maps.build import generate  # build imports this module for the scene builder

    height, width = view.shape
    placed = 0
    areas: dict[str, Area] = {}
    if scene.fill is not None:
        fill = scene.fill
        if "width" in type(fill).model_fields:
            fill = fill.model_copy(update={"width": width, "height": height})
        built = generate(fill, rng)
        piece = built.grid[:height, :width]
        top, left = (height - piece.shape[0]) // 2, (width - piece.shape[1]) // 2
        paste(view, piece, top, left)
        areas = {name: (r + top, c + left, h, w) for name, (r, c, h, w) in built.areas.items()}
        placed += built.expected_agents if built.expected_agents is not None else count_agents(piece)
    for child in scene.children:
        for row, col, piece_height, piece_width in _select(
            child.where, scene_pieces(child.where, height, width, areas), rng
        ):
            if piece_height <= 0 or piece_width <= 0:
                continue
            child_rng = np.random.default_rng(int(rng.integers(2**63 - 1)))
            placed += draw_scene(
                child.scene, view[row : row + piece_height, col : col + piece_width], child_rng
            )
    chars = [object_char(name) for name in sorted(scene.objects) for _ in range(scene.objects[name])]
    place_randomly(view, chars, rng, 0, "scene objects")
    place_randomly(view, agent_chars(scene.agents), rng, 0, "scene agents")
    return placed + (requested_agent_count(scene.agents) or 0)


def build_scene(config: SceneMapConfig, rng: np.random.Generator) -> Built:
    scene = load_scene(config.scene)
    grid = draw_border(empty_grid(config.height, config.width), config.border_width)
    inset = config.border_width
    # The tree draws inside the border, so nothing it places is walled over afterwards.
    placed = draw_scene(scene, grid[inset : config.height - inset, inset : config.width - inset], rng)
    place_randomly(grid, agent_chars(config.agents), rng, inset, "agents")
    return Built(grid, placed + (requested_agent_count(config.agents) or 0))
