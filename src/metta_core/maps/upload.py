"""Upload map images (PNG and other pictures) from a directory to an s3 prefix.

Each file goes up with its content type (`image/png`, ...); a dry run only lists what would go.
Nothing here renders maps.
"""

from __future__ import annotations

import mimetypes
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from metta_core import storage
from metta_core.errors import StorageError

IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg")


@dataclass(frozen=True)
class Upload:
    path: Path
    uri: str
    content_type: str


def plan_uploads(directory: Path, bucket: str) -> list[Upload]:
    """Every image under `directory`, with the URI and content type it will get."""
    directory = Path(directory)
    if not directory.is_dir():
        raise StorageError(f"{directory}: not a directory")
    if not storage.is_s3(bucket):
        raise StorageError(f"--bucket {bucket}: expected an s3://bucket/prefix URI")
    prefix = bucket.rstrip("/")
    uploads = []
    for path in sorted(directory.rglob("*")):
        if path.is_file() and path.suffix.lower() in IMAGE_SUFFIXES:
            content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            uploads.append(Upload(path, f"{prefix}/{path.relative_to(directory).as_posix()}", content_type))
    return uploads


def upload_images(uploads: list[Upload], on_upload: Callable[[Upload], None] | None = None) -> None:
    for upload in uploads:
        storage.upload_file(upload.path, upload.uri, upload.content_type)
        if on_upload is not None:
            on_upload(upload)
