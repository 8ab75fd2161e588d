"""Local writes: atomic, and deliberate about what is already there (modes, read-only files,
symlinks), and never leave a temp file behind, on a real full filesystem too."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from metta_core import storage
from metta_core.errors import StorageError
from metta_testing import run_metta


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_existing_file_keeps_its_permission_bits(tmp_path: Path):
    target = tmp_path / "script.txt"
    target.write_text("old")
    target.chmod(0o750)
    storage.write_bytes(target, b"new")
    assert target.read_text() == "new" and _mode(target) == 0o750


def test_a_read_only_file_is_refused_and_kept(tmp_path: Path):
    target = tmp_path / "ro.txt"
    target.write_text("keep")
    target.chmod(0o444)
    with pytest.raises(StorageError, match="ro.txt: cannot write .*read-only"):
        storage.write_bytes(target, b"new")
    assert target.read_text() == "keep" and _mode(target) == 0o444
    assert sorted(p.name for p in tmp_path.iterdir()) == ["ro.txt"]


def test_the_cli_refuses_to_normalise_a_read_only_map_in_place(tmp_path: Path):
    target = tmp_path / "legacy.txt"
    target.write_text("WWWWW\nWA.aW\nWWWWW\n")
    target.chmod(0o444)
    result = run_metta("map", "normalize-ascii", str(target), "--in-place")
    assert result.returncode == 2 and "read-only" in result.stderr
    assert target.read_text() == "WWWWW\nWA.aW\nWWWWW\n"


def test_a_symlink_is_followed_and_stays_a_link(tmp_path: Path):
    real = tmp_path / "real.txt"
    real.write_text("old")
    link = tmp_path / "link.txt"
    link.symlink_to(real)
    storage.write_bytes(link, b"new")
    assert link.is_symlink() and real.read_text() == "new"


def test_a_directory_in_the_way_is_one_clear_error_and_no_litter(tmp_path: Path):
    (tmp_path / "out.png").mkdir()
    with pytest.raises(StorageError, match="out.png: cannot write .*is a directory"):
        storage.write_bytes(tmp_path / "out.png", b"png")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.png"]


def test_a_full_disk_leaves_the_old_file_and_no_partial_copy(small_disk: Path):
    target = small_disk / "checkpoint.pt"
    target.write_bytes(b"previous checkpoint")
    with pytest.raises(StorageError, match="checkpoint.pt: cannot write .*(No space|space)"):
        storage.write_bytes(target, os.urandom(6 << 20))  # more than the 5 MB filesystem holds
    assert target.read_bytes() == b"previous checkpoint"
    assert sorted(p.name for p in small_disk.iterdir()) == ["checkpoint.pt"]


def test_upload_file_streams_to_a_local_path_with_the_same_rules(tmp_path: Path):
    source = tmp_path / "big.bin"
    source.write_bytes(os.urandom(3 << 20))
    target = tmp_path / "copy.bin"
    storage.upload_file(source, str(target))
    assert target.read_bytes() == source.read_bytes()
