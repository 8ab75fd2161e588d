"""Read and write bytes at a URI: plain paths, file://, s3://bucket/key.

s3:// uses boto3 with its usual credential chain; AWS_ENDPOINT_URL points it at any S3-compatible
server (tests start a local one). wandb:// artefacts are resolved by the policy store, which knows
their layout; here they are refused with a clear message. Every failure is a `StorageError`
naming the URI.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import stat
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import BinaryIO
from urllib.parse import urlparse

from metta_core.errors import StorageError

#: The largest file read whole into memory (maps, configs, replays, checkpoints are far smaller).
MAX_READ_BYTES = 8 << 30

#: Bytes per read when streaming a file to or from storage.
COPY_CHUNK = 1 << 20


def is_s3(uri: str | Path) -> bool:
    return str(uri).startswith("s3://")


def local_path(uri: str | Path) -> Path:
    """The filesystem path of a plain path or file:// URI."""
    text = str(uri)
    if text.startswith("file://"):
        return Path(urlparse(text).path)
    if "://" in text:
        _check_scheme(text)  # http:// and friends: "unsupported URI scheme", not "not local"
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


def _s3_detail(err: Exception, field: str) -> str | None:
    """A botocore error's `Code` or `Message` (None for errors without a response)."""
    return getattr(err, "response", {}).get("Error", {}).get(field)


def _s3_error(uri: str, err: Exception) -> StorageError:
    return StorageError(f"{uri}: {_s3_detail(err, 'Message') or err}")


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
        if path.exists() and not path.is_file() and not path.is_dir():
            # /dev/zero, a FIFO, a socket: reading could never end (or never start).
            raise StorageError(f"{uri}: not a regular file")
        if path.is_file() and path.stat().st_size > MAX_READ_BYTES:
            raise StorageError(f"{uri}: {path.stat().st_size >> 20} MiB is more than metta reads into memory")
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
    _write_local(uri, lambda out: out.write(data))


def writable_target(uri: str | Path) -> tuple[Path, int | None]:
    """(the file a local write to `uri` replaces, its permission bits or None when new): symlinks
    resolved to their target; a directory or a read-only file is a `StorageError`."""
    path = Path(os.path.realpath(local_path(uri)))
    if path.is_dir():
        raise StorageError(f"{uri}: cannot write (is a directory)")
    if not path.exists():
        return path, None
    mode = stat.S_IMODE(path.stat().st_mode)
    if not mode & 0o222 or not os.access(path, os.W_OK):
        raise StorageError(f"{uri}: cannot write (the file is read-only)")
    return path, mode


def check_writable(uri: str | Path, directory: bool = False) -> None:
    """Refuse, before any work, an output that could not be written later: a read-only file, a
    directory in the way (or a file where a `directory` should be), a parent that cannot be
    created or written, an s3 bucket that does not exist or cannot be reached."""
    uri = str(uri)
    _check_scheme(uri)
    if is_s3(uri):
        bucket, _ = split_s3(uri)
        try:
            _s3_client().head_bucket(Bucket=bucket)
        except Exception as err:
            raise StorageError(
                f"{uri}: cannot write (bucket {bucket}: {_s3_detail(err, 'Message') or err})"
            ) from None
        return
    if directory:
        path = Path(os.path.realpath(local_path(uri)))
        if path.exists() and not path.is_dir():
            raise StorageError(f"{uri}: cannot write (not a directory)")
    else:
        path, _ = writable_target(uri)
    parent = path if directory and path.exists() else path.parent
    while not parent.exists():
        parent = parent.parent
    if not parent.is_dir():
        raise StorageError(f"{uri}: cannot write ({parent} is not a directory)")
    if not os.access(parent, os.W_OK | os.X_OK):
        raise StorageError(f"{uri}: cannot write ({parent} is not writable)")


def _write_local(uri: str, fill: Callable[[BinaryIO], object]) -> None:
    """Replace the local file at `uri` with what `fill` writes, atomically (temp file + rename).

    A symlink is followed (its target gets the new content, the link stays), an existing file
    keeps its permission bits, a read-only file is refused, and the temp file is removed on every
    failure path (a full disk must not keep a partial copy)."""
    path, mode = writable_target(uri)
    tmp_name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=path.parent, prefix=f".{path.name}.", delete=False) as tmp:
            tmp_name = tmp.name
            fill(tmp)
            tmp.flush()
            os.fsync(tmp.fileno())
        # A temp file is created 0600: keep the target's mode, or give a new file open()'s.
        os.chmod(tmp_name, mode if mode is not None else 0o666 & ~_umask())
        os.replace(tmp_name, path)
        tmp_name = None
    except OSError as err:
        raise StorageError(f"{uri}: cannot write ({err.strerror or err})") from None
    finally:
        if tmp_name is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp_name)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


class WriteConflict(StorageError):
    """A conditional s3 write found the object changed (or created) since it was read."""


def upload_file(
    path: Path,
    uri: str,
    content_type: str | None = None,
    if_match: str | None = None,
    if_absent: bool = False,
) -> None:
    """Copy a local file to a URI, streaming (never the whole file in memory). For s3,
    `if_match=<etag>` writes only over that version and `if_absent` only where no object is;
    otherwise `WriteConflict`."""
    uri = str(uri)
    _check_scheme(uri)
    if not is_s3(uri):
        with open(path, "rb") as source:
            _write_local(uri, lambda out: shutil.copyfileobj(source, out, COPY_CHUNK))
        return
    bucket, key = split_s3(uri)
    extra = {"ContentType": content_type} if content_type else {}
    client = _s3_client()
    try:
        if if_match is None and not if_absent:
            client.upload_file(str(path), bucket, key, ExtraArgs=extra or None)  # managed, multipart
            return
        condition = {"IfMatch": if_match} if if_match is not None else {"IfNoneMatch": "*"}
        with open(path, "rb") as body:
            client.put_object(Bucket=bucket, Key=key, Body=body, **extra, **condition)
    except Exception as err:
        if _s3_detail(err, "Code") in ("PreconditionFailed", "ConditionalRequestConflict", "412", "409"):
            raise WriteConflict(f"{uri}: changed by another writer") from None
        raise _s3_error(uri, err) from None


class ObjectMissing(StorageError):
    """The s3 object does not exist."""


def download_file(uri: str, path: Path) -> str:
    """Stream an s3 object into the local file `path`; returns the ETag of the version read
    (`ObjectMissing` when there is no such object)."""
    bucket, key = split_s3(uri)
    try:
        response = _s3_client().get_object(Bucket=bucket, Key=key)
        with open(path, "wb") as out:
            shutil.copyfileobj(response["Body"], out, COPY_CHUNK)
        return response["ETag"]
    except OSError as err:
        raise StorageError(f"{uri}: cannot copy to {path} ({err.strerror})") from None
    except Exception as err:
        if _s3_detail(err, "Code") in ("NoSuchKey", "404"):
            raise ObjectMissing(f"{uri}: no such object") from None
        raise _s3_error(uri, err) from None


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
    with tempfile.TemporaryDirectory(prefix="metta-") as tmp:
        path = Path(tmp) / (Path(split_s3(uri)[1]).name or f"object{suffix}")
        download_file(uri, path)
        yield path
