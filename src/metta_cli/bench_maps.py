"""`metta bench maps`: milliseconds per map of each builder; prints `<builder>_ms_per_map=<x>` lines."""

from __future__ import annotations

from typing import Annotated

import typer


def command(
    size: Annotated[
        int, typer.Option(help="Width and height of the maps (fixed-size builders keep theirs).")
    ] = 64,
    maps: Annotated[int, typer.Option(help="Maps built per builder (after one untimed build).")] = 10,
    builder: Annotated[list[str] | None, typer.Option(help="Only these builders (repeatable).")] = None,
) -> None:
    """Milliseconds per validated map for each builder."""
    from metta_core.errors import MapError
    from metta_core.maps.bench import BENCH_CONFIGS, bench_maps

    unknown = [name for name in builder or [] if name not in BENCH_CONFIGS]
    if unknown:
        raise MapError(f"--builder {unknown[0]}: unknown (known: {', '.join(BENCH_CONFIGS)})")
    for name in builder or list(BENCH_CONFIGS):
        figures = bench_maps(size, maps, [name])
        typer.echo(f"{name}_ms_per_map={figures[name]:.2f}")
