"""Draw a map grid as a PNG: one coloured tile per object type, with its character as a glyph.

Pillow only; this module neither reads map files nor writes anywhere but the bytes it returns.
"""

from __future__ import annotations

import io

import numpy as np

from metta_core.env.table import CHAR_TO_OBJECT, OBJECT_NAMES

#: Tile colour of each object type (by name) and of empty cells.
OBJECT_COLOURS: dict[str, tuple[int, int, int]] = {
    "empty": (236, 232, 220),
    "agent": (40, 110, 220),
    "wall": (70, 70, 78),
    "mine_red": (190, 60, 50),
    "mine_blue": (60, 90, 200),
    "mine_green": (60, 160, 70),
    "generator_red": (240, 120, 100),
    "generator_blue": (120, 160, 250),
    "generator_green": (130, 220, 130),
    "altar": (240, 200, 40),
    "armory": (150, 110, 70),
    "lasery": (230, 80, 200),
    "lab": (80, 200, 200),
    "factory": (160, 160, 40),
    "temple": (250, 240, 170),
    "block": (150, 130, 110),
}
TEAM_COLOURS = ((40, 110, 220), (220, 60, 60), (40, 170, 80), (230, 150, 20), (150, 70, 200))


def tile_colour(char: str) -> tuple[int, int, int]:
    type_id, team = CHAR_TO_OBJECT.get(char, (-1, 0))
    if type_id < 0:
        return OBJECT_COLOURS["empty"]
    if OBJECT_NAMES[type_id] == "agent":
        return TEAM_COLOURS[team % len(TEAM_COLOURS)]
    return OBJECT_COLOURS[OBJECT_NAMES[type_id]]


def render_png(grid: np.ndarray, tile: int = 16, glyphs: bool = True) -> bytes:
    """PNG bytes of `grid`, `tile` pixels per cell; glyphs mark every non-wall object."""
    from PIL import Image, ImageDraw

    height, width = grid.shape
    image = Image.new("RGB", (width * tile, height * tile), OBJECT_COLOURS["empty"])
    draw = ImageDraw.Draw(image)
    for row in range(height):
        for col in range(width):
            char = str(grid[row, col])
            colour = tile_colour(char)
            box = (col * tile, row * tile, (col + 1) * tile - 1, (row + 1) * tile - 1)
            draw.rectangle(box, fill=colour)
            if glyphs and tile >= 8 and char not in "#. ":
                ink = (0, 0, 0) if sum(colour) > 380 else (255, 255, 255)
                draw.text((col * tile + tile // 4, row * tile + tile // 8), char, fill=ink)
    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
