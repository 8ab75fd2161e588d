"""`wandb://stats/<name>[:<version>]`: a stats database logged to wandb as an artifact of type
`stats` (training logs `<run>_stats`), fetched into the cache for `metta stats` to open."""

from __future__ import annotations

import os
from pathlib import Path

from metta_core.errors import StorageError, first_line

PREFIX = "wandb://stats/"


def fetch_stats_artifact(uri: str, cache_dir: Path | None = None) -> Path:
    """The local file of the stats artifact `uri` names (downloaded once per version)."""
    name = uri.removeprefix(PREFIX)
    if not name or "/" in name.split(":")[0]:
        raise StorageError(f"{uri}: expected wandb://stats/<name> or wandb://stats/<name>:<version>")
    mode = os.environ.get("WANDB_MODE", "")
    if mode in ("offline", "disabled", "dryrun"):
        raise StorageError(f"{uri}: wandb is {mode}, so the stats artifact cannot be fetched")
    try:
        import wandb
    except ImportError:
        raise StorageError(f"{uri}: wandb:// needs wandb: pip install 'metta[wandb]'") from None
    project = os.environ.get("WANDB_PROJECT", "metta")
    entity = os.environ.get("WANDB_ENTITY")
    artifact_name = name if ":" in name else f"{name}:latest"
    path = f"{entity}/{project}/{artifact_name}" if entity else f"{project}/{artifact_name}"
    cache = cache_dir or Path(os.environ.get("METTA_CACHE_DIR", Path.home() / ".cache" / "metta"))
    target = cache / "wandb-stats" / path.replace("/", "__").replace(":", "__")
    try:
        wandb.Api().artifact(path, type="stats").download(root=str(target))
    except Exception as err:  # the wandb client raises many types; all mean "could not fetch"
        raise StorageError(f"{uri}: cannot fetch wandb artifact {path} ({first_line(err)[:160]})") from None
    found = sorted(p for p in target.iterdir() if p.suffix in (".duckdb", ".db"))
    if not found:
        raise StorageError(f"{uri}: the artifact holds no .duckdb file")
    return found[0]
