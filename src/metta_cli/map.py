"""`metta map`: generate, view, render and normalise maps (thin: options -> one core call -> print).

Heavy imports (numpy, numba, Pillow) happen inside the commands; `metta --help` imports this file.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(no_args_is_help=True, help="Generate, view, render and normalise maps.")


class ShowMode(StrEnum):
    ascii = "ascii"
    png = "png"
    none = "none"
    PIL = "PIL"  # the reference's image mode: here it writes the PNG, as png does


ShowOption = Annotated[
    ShowMode, typer.Option("--show-mode", help="ascii: print the map; png: write --png-path; none: nothing.")
]
PngPathOption = Annotated[Path, typer.Option("--png-path", help="Where --show-mode png writes the image.")]
OverridesOption = Annotated[
    list[str] | None,
    typer.Option("--overrides", help='Builder fields as key=value, e.g. "width=50 height=50 seed=42".'),
]


def _show(grid, mode: ShowMode, png_path: Path, label: str = "") -> None:
    from metta_core.maps.grid import to_text

    if mode is ShowMode.ascii:
        if label:
            typer.echo(label, err=True)
        typer.echo(to_text(grid))
    elif mode in (ShowMode.png, ShowMode.PIL):
        from metta_core import storage
        from metta_core.maps.png import render_png

        storage.write_bytes(png_path, render_png(grid), content_type="image/png")
        typer.echo(f"wrote {png_path}" + (f" ({label})" if label else ""))


@app.command("gen")
def gen(
    config: Annotated[
        str,
        typer.Argument(
            help="A map config YAML (path, s3:// URI), or a shipped map config or env preset by name."
        ),
    ],
    output_uri: Annotated[
        str | None, typer.Option("--output-uri", help="A .yaml file, a directory or an s3://bucket/prefix/.")
    ] = None,
    count: Annotated[int, typer.Option("--count", min=1, help="Maps to generate (numbered files).")] = 1,
    overrides: OverridesOption = None,
    show_mode: ShowOption = ShowMode.ascii,
    png_path: PngPathOption = Path("map.png"),
) -> None:
    """Generate maps and show them, or write N map files (each records its seed)."""
    from metta_cli.progress import progress
    from metta_core.maps.generate import generate_maps
    from metta_core.maps.loading import load_map_config

    map_config = load_map_config(config, overrides)
    with progress("maps", count) as bar:
        # Many maps: a bar on stderr; the files written are listed on stdout once done.
        maps = generate_maps(
            map_config, count, output_uri, on_map=(lambda m: bar.advance()) if count > 1 else None
        )
    for generated in maps:
        if generated.uri:
            typer.echo(f"wrote {generated.uri} (seed {generated.seed})")
    if not output_uri:
        for index, generated in enumerate(maps):
            path = png_path if index == 0 else png_path.with_stem(f"{png_path.stem}_{index}")
            _show(generated.grid, show_mode, path, f"seed {generated.seed}")
    elif count == 1:
        _show(maps[0].grid, show_mode, png_path, f"seed {maps[0].seed}")


@app.command("gen-scene")
def gen_scene(
    scene: Annotated[str, typer.Argument(help="A scene YAML (path, s3:// URI, or a shipped scene name).")],
    width: Annotated[int, typer.Argument(min=3)],
    height: Annotated[int, typer.Argument(min=3)],
    overrides: OverridesOption = None,
    output_uri: Annotated[
        str | None, typer.Option("--output-uri", help="Write the map file here too.")
    ] = None,
    show_mode: ShowOption = ShowMode.ascii,
    png_path: PngPathOption = Path("map.png"),
) -> None:
    """Generate a map of WIDTH x HEIGHT from a scene tree."""
    from metta_core.maps.generate import generate_maps
    from metta_core.maps.loading import scene_map_config

    generated = generate_maps(scene_map_config(scene, width, height, overrides), 1, output_uri)[0]
    if generated.uri:
        typer.echo(f"wrote {generated.uri} (seed {generated.seed})")
    _show(generated.grid, show_mode, png_path, f"seed {generated.seed}")


@app.command("view")
def view(
    uri: Annotated[str, typer.Argument(help="A map file, or a directory / s3 prefix to pick one from.")],
    show_mode: ShowOption = ShowMode.ascii,
    png_path: PngPathOption = Path("map.png"),
) -> None:
    """Show a stored map (a random one from a directory or s3 prefix)."""
    from metta_core.maps.generate import load_map

    chosen, grid, metadata = load_map(uri)
    seed = f", seed {metadata['seed']}" if "seed" in metadata else ""
    _show(grid, show_mode, png_path, f"{chosen} ({grid.shape[1]}x{grid.shape[0]}{seed})")


@app.command("render")
def render(
    file: Annotated[str, typer.Argument(help="A map file (path or s3:// URI).")],
    output: Annotated[
        str, typer.Option("--output", "-o", help="The PNG to write (path or s3:// URI).")
    ] = "map.png",
    tile: Annotated[int, typer.Option("--tile", min=2, help="Pixels per cell.")] = 16,
) -> None:
    """Render a map file as a PNG, one coloured tile (and glyph) per object."""
    from metta_core import storage
    from metta_core.maps.mapfile import read_map
    from metta_core.maps.png import render_png

    grid, _ = read_map(file)
    storage.write_bytes(output, render_png(grid, tile), content_type="image/png")
    typer.echo(f"wrote {output} ({grid.shape[1]}x{grid.shape[0]} cells, {tile}px tiles)")


@app.command("normalize-ascii")
def normalize_ascii(
    file: Annotated[Path, typer.Argument(help="A plain text map or a map YAML file.")],
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Rewrite the file instead of printing.")
    ] = False,
    legacy_teams: Annotated[
        bool,
        typer.Option(
            "--legacy-teams",
            help="Read Q/E/R/T as agents of teams 1-4 (R, T are otherwise generator_red, temple).",
        ),
    ] = False,
) -> None:
    """Map legacy and unicode characters onto the canonical legend, keeping the layout."""
    from metta_core import storage
    from metta_core.errors import MapError
    from metta_core.maps.normalize import normalize_ascii_text

    raw = storage.read_bytes(file)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise MapError(f"{file}: not UTF-8 text") from None
    normalized, result = normalize_ascii_text(text, legacy_teams)
    if result.unmapped:
        if not in_place:
            typer.echo(normalized, nl=False)
        raise MapError(
            f"{file}: cannot map {result.unmapped_summary()}" + ("; file left unchanged" if in_place else "")
        )
    if in_place:
        storage.write_bytes(file, normalized.encode())
        typer.echo(f"normalized {file}")
    else:
        typer.echo(normalized, nl=False)


@app.command("normalize-patterns")
def normalize_patterns(
    scene: Annotated[Path, typer.Argument(help="A scene or map config YAML with wfc/convchain patterns.")],
    in_place: Annotated[
        bool, typer.Option("--in-place", help="Rewrite the file instead of printing.")
    ] = False,
) -> None:
    """Rewrite WFC/ConvChain patterns as same-width rows of canonical characters."""
    from metta_core import storage
    from metta_core.errors import MapError
    from metta_core.maps.normalize import normalize_scene_patterns

    try:
        text = storage.read_bytes(scene).decode("utf-8")
    except UnicodeDecodeError as err:
        raise MapError(f"{scene}: not UTF-8 text (byte {err.start})") from None
    normalized, count = normalize_scene_patterns(text, str(scene))
    if in_place:
        import yaml

        if count == 0 or yaml.safe_load(normalized) == yaml.safe_load(text):
            typer.echo(f"{scene}: {count} patterns, all canonical already; file left unchanged")
            return
        storage.write_bytes(scene, normalized.encode())
        kept = all(
            line in normalized.splitlines() for line in text.splitlines() if line.lstrip().startswith("#")
        )
        note = "" if kept else " (its layout could not be kept: the file is re-written, comments dropped)"
        typer.echo(f"normalized {count} patterns in {scene}{note}")
    else:
        typer.echo(normalized, nl=False)
