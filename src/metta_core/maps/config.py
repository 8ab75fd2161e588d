"""The pydantic models of every map builder and of scene trees.

`MapConfig` is a discriminated union on `builder`; `MapConfigModel` wraps it for schema export and
for validating plain YAML data. This module only describes maps; it must not build them (see
`build.py`) and must not import numba.
"""

from __future__ import annotations

from typing import Annotated, ClassVar, Literal

from pydantic import Field, RootModel, field_validator, model_validator

from metta_core.config.base import Section, Seed
from metta_core.env.table import OBJECT_NAMES, TEAM_CHARS

#: Team names of the `agents` mapping; `agent` means team 0 (written `@`).
TEAM_NAMES: dict[str, str] = {"agent": "@", **{f"team_{i}": c for i, c in enumerate(TEAM_CHARS, start=1)}}
#: Objects a builder may scatter by name (agents are placed through `agents`).
PLACEABLE_OBJECTS: tuple[str, ...] = tuple(name for name in OBJECT_NAMES if name != "agent")


def _check_objects(objects: dict[str, int]) -> dict[str, int]:
    for name, count in objects.items():
        if name not in PLACEABLE_OBJECTS:
            raise ValueError(f"unknown object '{name}' (known: {', '.join(PLACEABLE_OBJECTS)})")
        if count < 0:
            raise ValueError(f"object '{name}': count must be >= 0, got {count}")
    return objects


def _check_agents(agents: int | dict[str, int] | None) -> int | dict[str, int] | None:
    if isinstance(agents, int) and agents < 0:
        raise ValueError(f"agents must be >= 0, got {agents}")
    if isinstance(agents, dict):
        for team, count in agents.items():
            if team not in TEAM_NAMES:
                raise ValueError(f"unknown team '{team}' (known: {', '.join(TEAM_NAMES)})")
            if count < 0:
                raise ValueError(f"agents of '{team}' must be >= 0, got {count}")
    return agents


class BuilderBase(Section):
    """Fields every builder shares: agents, seed, validation."""

    agents: int | dict[str, int] = Field(
        1, description="Agents to place: a count (written `@`) or team name -> count (`team_1`..`team_4`)."
    )
    seed: Seed | None = Field(
        None, description="Fix the map: build from this seed instead of the caller's generator."
    )
    validate_reachability: bool = Field(
        True, description="Require every agent to reach a reward source (a converter or altar)."
    )
    max_attempts: int = Field(20, ge=1, description="Builds tried before a failed validation is an error.")

    @field_validator("agents")
    @classmethod
    def _known_teams(cls, agents: int | dict[str, int] | None) -> int | dict[str, int] | None:
        return _check_agents(agents)


class SizedBuilder(BuilderBase):
    """A builder that makes a map of a given size with a wall border."""

    width: int = Field(25, ge=3, le=1024, description="Map width in cells, border included.")
    height: int = Field(25, ge=3, le=1024, description="Map height in cells, border included.")
    border_width: int = Field(1, ge=0, description="Thickness of the wall border (0 inside scenes).")
    objects: dict[str, int] = Field(
        default_factory=dict, description="Objects scattered on empty cells: object name -> count."
    )

    @field_validator("objects")
    @classmethod
    def _known_objects(cls, objects: dict[str, int]) -> dict[str, int]:
        return _check_objects(objects)


class RandomConfig(SizedBuilder):
    """Walls, objects and agents at random cells of an open room."""

    # The reference's random fill calls its share of wall cells `density`.
    reference_names: ClassVar[dict[str, str]] = {"density": "wall_density"}

    builder: Literal["random"] = Field("random", description="Which builder makes the map.")
    wall_density: float = Field(0.0, ge=0.0, le=0.9, description="Fraction of inner cells made walls.")
    walls: int | None = Field(None, ge=0, description="Exact number of inner walls (overrides wall_density).")


class AsciiConfig(BuilderBase):
    """A fixed map: an inline `map:` block (string or list of rows) or a file (`uri`).

    A file is a map YAML file (a `map:` block plus metadata, as `metta map gen` writes) or a plain
    text grid; a path not found relative to the working directory is looked up under the shipped
    `presets/maps/`. `agents: null` accepts whatever agents the map holds.
    """

    builder: Literal["ascii"] = Field("ascii", description="Which builder makes the map.")
    map: str | list[str] | None = Field(None, description="The grid itself: one string of lines, or rows.")
    uri: str | None = Field(None, description="A map file: path, file:// or s3:// URI.")
    agents: int | dict[str, int] | None = Field(  # type: ignore[assignment]
        None, description="Agents the map must hold (a count or team -> count); null: whatever it holds."
    )

    @model_validator(mode="after")
    def _one_source(self) -> AsciiConfig:
        if (self.map is None) == (self.uri is None):
            raise ValueError("give exactly one of `map` (inline rows) or `uri` (a map file)")
        return self


class MazeConfig(SizedBuilder):
    """A perfect maze (one path between any two cells) carved by Kruskal's or Prim's algorithm."""

    builder: Literal["maze"] = Field("maze", description="Which builder makes the map.")
    algorithm: Literal["kruskal", "prim"] = Field("kruskal", description="How the maze is carved.")
    corridor_width: int = Field(1, ge=1, description="Cells across each corridor.")
    wall_thickness: int = Field(1, ge=1, description="Cells across each wall between corridors.")
    objects: dict[str, int] = Field(
        default_factory=lambda: {"altar": 1},
        description="Objects scattered on empty cells: object name -> count.",
    )


class RoomsConfig(SizedBuilder):
    """A grid of rooms separated by walls; neighbouring rooms are joined by doors.

    Doors first join the rooms along a random spanning tree (so all rooms connect), then each other
    neighbouring pair gets a door with probability `extra_doors`; `doors: false` seals every room
    (then give each room its own objects and agents). Each room is a named area `room_<row>_<col>`.
    """

    builder: Literal["rooms"] = Field("rooms", description="Which builder makes the map.")
    rows: int = Field(2, ge=1, description="Rooms top to bottom.")
    columns: int = Field(2, ge=1, description="Rooms left to right.")
    wall_thickness: int = Field(1, ge=1, description="Cells across each wall between rooms.")
    doors: bool = Field(True, description="Join neighbouring rooms by doors; false seals every room.")
    door_width: int = Field(1, ge=1, description="Cells across each door.")
    extra_doors: float = Field(
        0.0, ge=0.0, le=1.0, description="Chance of a door between rooms the tree left apart."
    )
    room_objects: dict[str, int] = Field(default_factory=dict, description="Objects placed in every room.")
    room_agents: int = Field(0, ge=0, description="Agents (`@`) placed in every room, on top of `agents`.")
    agents: int | dict[str, int] = Field(
        0, description="Agents to place: a count (written `@`) or team name -> count (`team_1`..`team_4`)."
    )
    objects: dict[str, int] = Field(
        default_factory=lambda: {"altar": 1},
        description="Objects scattered on empty cells: object name -> count.",
    )

    @field_validator("room_objects")
    @classmethod
    def _known_room_objects(cls, objects: dict[str, int]) -> dict[str, int]:
        return _check_objects(objects)


class CylindersConfig(SizedBuilder):
    """Navigation's cylinders: pairs of parallel wall bars with an altar between them.

    Each cylinder is two bars `length` long, `gap` cells apart, open at both ends (or closed at one
    end with `closed_end`), horizontal or vertical at random; an altar sits in the middle.
    """

    builder: Literal["cylinders"] = Field("cylinders", description="Which builder makes the map.")
    cylinders: int = Field(2, ge=0, description="Cylinders to place.")
    length: int = Field(7, ge=2, description="Cells along each bar.")
    gap: int = Field(1, ge=1, description="Cells between the two bars.")
    closed_end: bool = Field(False, description="Close one end of each cylinder with a wall.")
    altar_inside: bool = Field(True, description="Put an altar in the middle of each cylinder.")
    objects: dict[str, int] = Field(
        default_factory=dict, description="Objects scattered on empty cells: object name -> count."
    )


class TerrainConfig(SizedBuilder):
    """Varied terrain for navigation: wall blobs grown by random walks, plus scattered walls.

    Regions cut off from the largest open region are filled with walls so that every placed
    object and agent can reach the others.
    """

    builder: Literal["terrain"] = Field("terrain", description="Which builder makes the map.")
    obstacles: int = Field(8, ge=0, description="Wall blobs to grow.")
    obstacle_size: tuple[int, int] = Field((3, 12), description="Cells per blob: (min, max).")
    wall_density: float = Field(
        0.02, ge=0.0, le=0.5, description="Extra single walls, as a fraction of cells."
    )
    objects: dict[str, int] = Field(
        default_factory=lambda: {"altar": 2},
        description="Objects scattered on empty cells: object name -> count.",
    )


class TemplateConfig(BuilderBase):
    """A fixed layout (inline `map` or `uri`) with random variations.

    `swaps` replaces each occurrence of an object with one of the listed objects (`empty` clears
    the cell), `shuffle_objects` permutes the positions of all converters, and `rotate`/`mirror`
    turn and flip the whole layout at random (quarter turns for square layouts, half turns
    otherwise, so the map keeps its shape).
    """

    builder: Literal["template"] = Field("template", description="Which builder makes the map.")
    map: str | list[str] | None = Field(None, description="The layout itself: one string of lines, or rows.")
    uri: str | None = Field(None, description="A map file with the layout: path, file:// or s3:// URI.")
    swaps: dict[str, list[str]] = Field(
        default_factory=dict, description="object -> candidates (or `empty`)."
    )
    shuffle_objects: bool = Field(False, description="Permute the positions of all converters.")
    rotate: bool = Field(True, description="Turn the layout at random.")
    mirror: bool = Field(True, description="Flip the layout at random.")
    agents: int | dict[str, int] | None = Field(  # type: ignore[assignment]
        None, description="Agents the layout must hold (a count or team -> count); null: whatever it holds."
    )

    @model_validator(mode="after")
    def _one_source(self) -> TemplateConfig:
        if (self.map is None) == (self.uri is None):
            raise ValueError("give exactly one of `map` (inline rows) or `uri` (a map file)")
        for name, candidates in self.swaps.items():
            _check_objects({name: 0, **{c: 0 for c in candidates if c != "empty"}})
        return self


class PatternBuilder(SizedBuilder):
    """A builder learning from an example `pattern` of walls (`#`) and empty cells (`.`)."""

    pattern: str | list[str] = Field(description="The example: rows of characters, one string or a list.")
    keep_largest_region: bool = Field(
        True, description="Fill open pockets cut off from the largest open region with walls."
    )
    objects: dict[str, int] = Field(
        default_factory=lambda: {"altar": 1},
        description="Objects scattered on empty cells: object name -> count.",
    )


class WFCConfig(PatternBuilder):
    """Wave Function Collapse, overlapping model: every NxN window of the output occurs in the example."""

    builder: Literal["wfc"] = Field("wfc", description="Which builder makes the map.")
    pattern_size: int = Field(3, ge=2, le=5, description="N of the NxN windows copied from the example.")
    periodic_input: bool = Field(True, description="Windows of the example wrap around its edges.")
    periodic_output: bool = Field(False, description="The output wraps around (tiles seamlessly).")
    symmetry: int = Field(8, ge=1, le=8, description="Rotations/reflections of each window used (1-8).")
    ground: bool = Field(False, description="Pin the example's bottom row to the output's bottom row.")
    max_retries: int = Field(10, ge=1, description="Restarts after a contradiction before giving up.")


class ConvChainConfig(PatternBuilder):
    """ConvChain: Metropolis sampling so that NxN windows follow the example's window statistics."""

    builder: Literal["convchain"] = Field("convchain", description="Which builder makes the map.")
    receptor_size: int = Field(
        3, ge=2, le=4, description="N of the NxN windows whose statistics are matched."
    )
    iterations: int = Field(4, ge=1, description="Sweeps over every cell.")
    temperature: float = Field(
        1.0, gt=0.0, description="Metropolis temperature: higher accepts more unlikely windows."
    )


class SceneArea(Section):
    """Where a child scene draws, inside its parent's area. Give exactly one of the selectors.

    `area`: a named area the parent's builder made (a glob: `room_*`); `rows`/`columns`: split into
    that many equal bands; `inset`: the part inside a border of that width; `border`: the ring of
    that width along the edge, as four strips; `region`: `[row, col, height, width]` (negative row
    or col count from the far edge). `select` picks all pieces, one at random, or the n-th.
    """

    area: str | None = Field(None, description="A named area of the parent's builder (a glob: `room_*`).")
    rows: int | None = Field(None, ge=1, description="Split into this many equal bands, top to bottom.")
    columns: int | None = Field(None, ge=1, description="Split into this many equal bands, left to right.")
    inset: int | None = Field(None, ge=0, description="The part inside a border of this width.")
    border: int | None = Field(
        None, ge=1, description="The ring of this width along the edge, as four strips."
    )
    region: tuple[int, int, int, int] | None = Field(
        None, description="[row, col, height, width]; a negative row or col counts from the far edge."
    )
    select: Literal["all", "random"] | int = Field(
        "all", description="Which pieces get the scene: all, one at random, or the n-th."
    )

    @model_validator(mode="after")
    def _one_selector(self) -> SceneArea:
        given = [
            k
            for k in ("area", "rows", "columns", "inset", "border", "region")
            if getattr(self, k) is not None
        ]
        if len(given) != 1:
            raise ValueError("give exactly one of area, rows, columns, inset, border, region")
        return self


class ChildScene(Section):
    """A scene drawn into part of its parent's area."""

    where: SceneArea = Field(description="Which part of the parent's area.")
    scene: SceneConfig = Field(description="The scene drawn there.")


class SceneConfig(Section):
    """A node of a scene tree: a builder fills the node's area, then children fill parts of it.

    The builder's `width`/`height` are replaced by the area's size. After the children, `objects`
    and `agents` are scattered on the area's empty cells. Each child piece gets its own generator,
    seeded from the parent's in order, so a scene's seed decides the whole map.
    """

    fill: MapConfig | None = Field(None, description="The builder that draws this node's whole area.")
    children: list[ChildScene] = Field(
        default_factory=list, description="Scenes drawn into parts of this area."
    )
    objects: dict[str, int] = Field(default_factory=dict, description="Objects scattered after the children.")
    agents: int | dict[str, int] = Field(
        0, description="Agents scattered after the children (count or team -> count)."
    )

    @field_validator("objects")
    @classmethod
    def _known_objects(cls, objects: dict[str, int]) -> dict[str, int]:
        return _check_objects(objects)

    @field_validator("agents")
    @classmethod
    def _known_teams(cls, agents: int | dict[str, int]) -> int | dict[str, int]:
        return _check_agents(agents)


class SceneMapConfig(BuilderBase):
    """A map drawn by a scene tree (inline, or the path of a scene YAML file), walled at the end."""

    builder: Literal["scene"] = Field("scene", description="Which builder makes the map.")
    width: int = Field(32, ge=3, le=1024, description="Map width in cells, border included.")
    height: int = Field(32, ge=3, le=1024, description="Map height in cells, border included.")
    border_width: int = Field(1, ge=0, description="Thickness of the wall border drawn at the end.")
    scene: SceneConfig | str = Field(
        description="A scene tree, or a scene file (path; shipped scenes by name)."
    )
    agents: int | dict[str, int] = Field(
        0, description="Agents to place: a count (written `@`) or team name -> count (`team_1`..`team_4`)."
    )


MapConfig = Annotated[
    RandomConfig
    | MazeConfig
    | RoomsConfig
    | CylindersConfig
    | TerrainConfig
    | AsciiConfig
    | TemplateConfig
    | WFCConfig
    | ConvChainConfig
    | SceneMapConfig,
    Field(discriminator="builder"),
]

ChildScene.model_rebuild()
SceneConfig.model_rebuild()
SceneMapConfig.model_rebuild()


class MapConfigModel(RootModel[MapConfig]):
    """Any builder's config, for `metta config schema map` and for validating YAML data."""
