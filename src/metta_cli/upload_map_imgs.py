"""`metta upload-map-imgs`: upload map images from a directory to s3 with their content types."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def command(
    directory: Annotated[Path, typer.Argument(help="Where the images are (searched recursively).")] = Path(
        "."
    ),
    bucket: Annotated[
        str | None,
        typer.Option("--bucket", envvar="METTA_MAP_IMGS_BUCKET", help="Destination s3://bucket/prefix."),
    ] = None,
    dry_run: Annotated[
        bool, typer.Option("--dry-run", help="List what would be uploaded; upload nothing.")
    ] = False,
) -> None:
    """Upload the PNGs (and other images) in DIR to an s3 prefix with correct content types."""
    from metta_core.errors import StorageError
    from metta_core.maps.upload import plan_uploads, upload_images

    if bucket is None:
        raise StorageError("no destination: give --bucket s3://bucket/prefix or set METTA_MAP_IMGS_BUCKET")
    uploads = plan_uploads(directory, bucket)
    for upload in uploads:
        verb = "would upload" if dry_run else "upload"
        typer.echo(f"{verb} {upload.path} -> {upload.uri} ({upload.content_type})")
    if not dry_run:
        from metta_cli.progress import progress

        with progress("images", len(uploads)) as bar:
            upload_images(uploads, on_upload=lambda upload: bar.advance())
    typer.echo(f"{len(uploads)} images {'would be uploaded' if dry_run else 'uploaded'}")
