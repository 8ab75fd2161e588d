"""Bytes at URIs: local paths, file:// and s3:// against a real local S3 server."""

import os
import stat

import pytest

from metta_core import storage
from metta_core.errors import StorageError


def test_local_write_is_atomic_and_readable_by_others(tmp_path):
    target = tmp_path / "sub" / "data.bin"
    storage.write_bytes(target, b"abc")
    assert storage.read_bytes(f"file://{target}") == b"abc"
    assert [p.name for p in target.parent.iterdir()] == ["data.bin"]  # no temp file left
    mask = os.umask(0)
    os.umask(mask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~mask


def test_missing_file_and_unknown_scheme_name_the_uri(tmp_path):
    with pytest.raises(StorageError, match=r"absent.bin: no such file"):
        storage.read_bytes(tmp_path / "absent.bin")
    with pytest.raises(StorageError, match=r"ftp://host/x: unsupported URI scheme"):
        storage.read_bytes("ftp://host/x")


def test_list_uris_finds_files_by_suffix(tmp_path):
    for name in ("a.yaml", "b.yaml", "c.txt"):
        storage.write_bytes(tmp_path / "d" / name, b"x")
    assert [os.path.basename(u) for u in storage.list_uris(tmp_path / "d", ".yaml")] == ["a.yaml", "b.yaml"]


def test_s3_round_trip_listing_and_errors(s3_bucket):
    uri = f"s3://{s3_bucket}/maps/one.yaml"
    storage.write_bytes(uri, b"map: '#'")
    assert storage.read_bytes(uri) == b"map: '#'"
    assert storage.exists(uri) and not storage.exists(f"s3://{s3_bucket}/maps/none")
    assert storage.list_uris(f"s3://{s3_bucket}/maps/") == [uri]
    with storage.local_copy(uri) as path:
        assert path.read_bytes() == b"map: '#'"
    with pytest.raises(StorageError, match=f"s3://{s3_bucket}/missing"):
        storage.read_bytes(f"s3://{s3_bucket}/missing")
    with pytest.raises(StorageError, match="needs a bucket"):
        storage.read_bytes("s3:///key")
