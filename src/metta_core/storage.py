"""Read and write bytes at a URI: plain paths, file://, s3://bucket/key.

s3:// uses boto3 with its usual credential chain; AWS_ENDPOINT_URL points it at any S3-compatible
server (tests start a local one). wandb:// artefacts are resolved by the policy store, which knows
their layout; here they are refused with a clear message. Every failure is a `StorageError`
naming the URI.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlparse

from metta_core.errors import StorageError


def is_s3(uri: str | Path) -> bool:
    return str(uri).startswith("s3://")


def local_path(uri: str | Path) -> Path:
    """The filesystem path of a plain path or file:// URI."""
    text = str(uri)
    if text.startswith("file://"):
        return Path(urlparse(text).path)
    if "://" in text:
        raise StorageError(f"{text}: not a local path")
    return Path(text).expanduser()


def split_s3(uri: str) -> tuple[str, str]:
    parsed = urlparse(uri)
    if not parsed.netloc:
        raise StorageError(f"{uri}: an s3 URI needs a bucket (s3://bucket/key)")
    return parsed.netloc, parsed.path.lstrip("/")


def _s3_client():
    try:
        import boto3
    except ImportError:
        raise StorageError("s3:// needs boto3: pip install 'metta[s3]'") from None
    return boto3.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL") or None)


def _s3_error(uri: str, err: Exception) -> StorageError:
    message = getattr(err, "response", {}).get("Error", {}).get("Message") or str(err)
    return StorageError(f"{uri}: {message}")


def _check_scheme(uri: str) -> None:
    scheme = urlparse(uri).scheme
    if scheme and scheme not in ("s3", "file") and not (len(scheme) == 1 and os.name == "nt"):
        raise StorageError(f"{uri}: unsupported URI scheme '{scheme}://' (use a path, file:// or s3://)")


def read_bytes(uri: str | Path) -> bytes:
    uri = str(uri)
    _check_scheme(uri)
    if is_s3(uri):
        bucket, key = split_s3(uri)
        try:
            return _s3_client().get_object(Bucket=bucket, Key=key)["Body"].read()
        except Exception as err:  # botocore raises many types; all mean "could not read"
            raise _s3_error(uri, err) from None
    path = local_path(uri)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        raise StorageError(f"{uri}: no such file") from None
    except OSError as err:
        raise StorageError(f"{uri}: cannot read ({err.strerror})") from None


def write_bytes(uri: str | Path, data: bytes, content_type: str | None = None) -> None:
    """Write atomically for local files (temp file + rename), in one PUT for s3."""
    uri = str(uri)
    _check_scheme(uri)
    if is_s3(uri):
        bucket, key = split_s3(uri)
        extra = {"ContentType": content_type} if content_type else {}
        try:
            _s3_client().put_object(Bucket=bucket, Key=key, Body=data, **extra)
        except Exception as err:
            raise _s3_error(uri, err) from None
        return
    path = local_path(uri)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as tmp:
            tmp.write(data)
            tmp.flush()
            os.fsync(tmp.fileno())
        # A temp file is created 0600; give the result the mode a plain open() would have.
        os.chmod(tmp.name, 0o666 & ~_umask())
        os.replace(tmp.name, path)
    except OSError as err:
        raise StorageError(f"{uri}: cannot write ({err.strerror})") from None


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def upload_file(path: Path, uri: str, content_type: str | None = None) -> None:
    write_bytes(uri, Path(path).read_bytes(), content_type)


def list_uris(prefix: str | Path, suffix: str = "") -> list[str]:
    """Every file under a directory or s3 prefix whose name ends with `suffix`, sorted."""
    prefix = str(prefix)
    _check_scheme(prefix)
    if is_s3(prefix):
        bucket, key = split_s3(prefix)
        try:
            pages = _s3_client().get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=key)
            keys = [obj["Key"] for page in pages for obj in page.get("Contents", [])]
        except Exception as err:
            raise _s3_error(prefix, err) from None
        return sorted(f"s3://{bucket}/{k}" for k in keys if k.endswith(suffix))
    root = local_path(prefix)
    if not root.is_dir():
        raise StorageError(f"{prefix}: not a directory")
    return sorted(str(p) for p in root.rglob(f"*{suffix}") if p.is_file())


def exists(uri: str | Path) -> bool:
    uri = str(uri)
    if is_s3(uri):
        bucket, key = split_s3(uri)
        try:
            _s3_client().head_object(Bucket=bucket, Key=key)
            return True
        except Exception:
            return False
    return local_path(uri).exists()


@contextmanager
def local_copy(uri: str | Path, suffix: str = "") -> Iterator[Path]:
    """A local file holding the URI's bytes: the file itself when local, else a temporary copy."""
    uri = str(uri)
    if not is_s3(uri):
        path = local_path(uri)
        if not path.exists():
            raise StorageError(f"{uri}: no such file")
        yield path
        return
    data = read_bytes(uri)
    with tempfile.TemporaryDirectory(prefix="metta-") as tmp:
        path = Path(tmp) / (Path(split_s3(uri)[1]).name or f"object{suffix}")
        path.write_bytes(data)
        yield path
