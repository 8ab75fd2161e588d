"""`metta dump-src`: print source files as <file: path> blocks."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

import typer

_EXTENSION = re.compile(r"^\.[A-Za-z0-9]+$")


def command(
    paths: Annotated[list[Path], typer.Argument(help="Files or directories to dump.")],
    extensions: Annotated[
        list[str] | None,
        typer.Option("--extensions", help="File extensions to keep (repeat, or space-separated)."),
    ] = None,
    output: Annotated[
        Path | None, typer.Option("--output", "-o", help="Write here instead of stdout.")
    ] = None,
) -> None:
    """Write <file: path>...</file> blocks for every matching file, skipping binary, hidden and ignored files."""
    from metta_core import storage
    from metta_core.dump_src import DEFAULT_EXTENSIONS, dump_sources

    wanted = [e for item in (extensions or []) for e in item.split()]
    # The reference takes `--extensions .py .yaml`: the second lands among the paths. A "path" that
    # looks like an extension and does not exist is one more extension.
    if wanted:
        wanted += [str(p) for p in paths if _EXTENSION.match(str(p)) and not p.exists()]
        paths = [p for p in paths if str(p) not in wanted]
    wanted = wanted or list(DEFAULT_EXTENSIONS)
    if output is not None:
        storage.check_writable(output)  # a directory or read-only file is refused before reading
    blocks = dump_sources(paths, wanted)
    if output is None:
        for block in blocks:
            typer.echo(block, nl=False)
    else:
        storage.write_bytes(output, "".join(blocks).encode())
