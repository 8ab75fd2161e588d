"""Dump source files as `<file: path>...</file>` blocks, for pasting a codebase into an LLM.

Walks the given paths, keeps files with the requested extensions, and skips hidden files and
directories, binary files (a NUL byte in the first 8 KiB or not UTF-8), and anything git ignores
when the paths sit in a git work tree.
"""

from __future__ import annotations

import errno
import subprocess
from collections.abc import Iterable, Iterator
from pathlib import Path

from metta_core.errors import MettaError

DEFAULT_EXTENSIONS = (".py", ".yaml", ".yml", ".md", ".toml", ".js", ".html", ".css")


def _is_hidden(path: Path, root: Path) -> bool:
    parts = path.relative_to(root).parts if path != root else ()
    return any(part.startswith(".") for part in parts)


def _git_ignored(paths: list[Path]) -> set[Path]:
    """The subset of `paths` that git ignores (empty outside a git work tree or without git)."""
    if not paths:
        return set()
    try:
        result = subprocess.run(
            ["git", "check-ignore", "--stdin", "-z"],
            input="\0".join(str(p) for p in paths) + "\0",
            capture_output=True,
            text=True,
            cwd=paths[0].parent,
            check=False,
        )
    except OSError:
        return set()
    return {Path(p) for p in result.stdout.split("\0") if p}


def _read_text(path: Path) -> str | None:
    data = path.read_bytes()
    if b"\0" in data[:8192]:
        return None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        return None


def iter_source_files(
    paths: Iterable[Path | str], extensions: Iterable[str] = DEFAULT_EXTENSIONS
) -> Iterator[Path]:
    wanted = {e if e.startswith(".") else f".{e}" for e in extensions}
    for given in paths:
        root = Path(given)
        if not root.exists():
            try:
                root.resolve(strict=True)
            except RuntimeError:  # Python's "Symlink loop" (3.11 raises RuntimeError here)
                raise MettaError(f"{root}: a symlink loop") from None
            except OSError as err:
                if err.errno == errno.ELOOP:
                    raise MettaError(f"{root}: a symlink loop") from None
            raise MettaError(f"{root}: no such file or directory")
        candidates = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
        candidates = [p for p in candidates if p.suffix in wanted and (p == root or not _is_hidden(p, root))]
        ignored = _git_ignored([p.resolve() for p in candidates])
        yield from (p for p in candidates if p.resolve() not in ignored)


def dump_sources(
    paths: Iterable[Path | str], extensions: Iterable[str] = DEFAULT_EXTENSIONS
) -> Iterator[str]:
    """Yield one `<file: path>` block per readable text file."""
    for path in iter_source_files(paths, extensions):
        text = _read_text(path)
        if text is not None:
            yield f"<file: {path}>\n{text}{'' if text.endswith(chr(10)) or not text else chr(10)}</file>\n"
