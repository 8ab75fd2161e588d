"""Fixtures shared by every test: an isolated working directory and a real local S3 server."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture(autouse=True)
def _offline_and_isolated(monkeypatch: pytest.MonkeyPatch) -> None:
    """No test may reach wandb's servers or read a developer's METTA_* variables."""
    for name in list(os.environ):
        if name.startswith("METTA_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("WANDB_MODE", "disabled")
    monkeypatch.setenv("WANDB_SILENT", "true")


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture(scope="session")
def s3_endpoint() -> Iterator[str]:
    """A real S3 API (moto's standalone server) on 127.0.0.1 for the whole test session."""
    executable = shutil.which("moto_server") or str(Path(sys.executable).parent / "moto_server")
    port = _free_port()
    process = subprocess.Popen(
        [executable, "-H", "127.0.0.1", "-p", str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    endpoint = f"http://127.0.0.1:{port}"
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            break
        except OSError:
            time.sleep(0.1)
    else:
        process.kill()
        raise RuntimeError("moto_server did not start")
    yield endpoint
    process.terminate()
    process.wait(timeout=10)


@pytest.fixture
def s3_bucket(s3_endpoint: str, monkeypatch: pytest.MonkeyPatch, request: pytest.FixtureRequest) -> str:
    """A fresh bucket on the local S3 server; AWS_* variables point boto3 at it."""
    import boto3

    monkeypatch.setenv("AWS_ENDPOINT_URL", s3_endpoint)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "testing")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "testing")
    monkeypatch.setenv("AWS_DEFAULT_REGION", "us-east-1")
    name = "metta-" + "".join(c for c in request.node.name.lower() if c.isalnum())[:40]
    boto3.client("s3", endpoint_url=s3_endpoint).create_bucket(Bucket=name)
    return name


@pytest.fixture
def metta_inprocess(capsys: pytest.CaptureFixture, monkeypatch: pytest.MonkeyPatch):
    """Run `metta` in this process (as `metta_cli.app.main`): returns (exit code, stdout, stderr).
    Much faster than a subprocess; the error handling is the real one."""
    from metta_cli.app import main

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setattr(sys, "argv", ["metta", *args])
        capsys.readouterr()
        try:
            main()
            code = 0
        except SystemExit as exit_:
            code = exit_.code if isinstance(exit_.code, int) else (0 if exit_.code is None else 1)
        out, err = capsys.readouterr()
        return code, out, err

    return run


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A real 5 MB filesystem (tmpfs) at tmp_path/disk, for writes that run out of space. Needs
    root (CI runs as root); skipped where mount is refused."""
    mount_point = tmp_path / "disk"
    mount_point.mkdir()
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=5m", "tmpfs", str(mount_point)], capture_output=True, check=False
    )
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {mounted.stderr.decode().strip()}")
    try:
        yield mount_point
    finally:
        subprocess.run(["umount", "-l", str(mount_point)], check=False)


def fill_disk(mount_point: Path, leave_bytes: int) -> None:
    """Fill the filesystem at `mount_point` until only `leave_bytes` are free."""
    stat = os.statvfs(mount_point)
    free = stat.f_bavail * stat.f_frsize
    subprocess.run(
        ["fallocate", "-l", str(max(free - leave_bytes, 4096)), str(mount_point / "filler")], check=True
    )


def _postgres_bin(name: str) -> str | None:
    found = shutil.which(name)
    if found:
        return found
    candidates = sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"))
    return str(candidates[-1]) if candidates else None


@pytest.fixture
def postgres_url() -> Iterator[str]:
    """A real PostgreSQL server (initdb + pg_ctl, trust auth on 127.0.0.1) for one test; its URL
    carries a password so tests can check it is never shown. Skipped without the binaries."""
    initdb, pg_ctl = _postgres_bin("initdb"), _postgres_bin("pg_ctl")
    if initdb is None or pg_ctl is None:
        pytest.skip("PostgreSQL is not installed (.ci/run installs it)")
    import tempfile

    # initdb refuses to run as root: the server runs as the `postgres` user where we are root,
    # in a directory of its own (pytest's temp directories are closed to other users).
    data = Path(tempfile.mkdtemp(prefix="metta-pg-"))
    as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    if as_user:
        shutil.chown(data, "postgres")
    port = _free_port()
    run = lambda *cmd: subprocess.run([*as_user, *cmd], capture_output=True, text=True, check=True)  # noqa: E731
    run(initdb, "-D", str(data), "-U", "metta", "--auth=trust")
    run(
        pg_ctl,
        "-D",
        str(data),
        "-l",
        str(data / "log"),
        "-w",
        "-o",
        f"-p {port} -h 127.0.0.1 -k {data}",
        "start",
    )
    try:
        yield f"postgresql://metta:s3cret-pw@127.0.0.1:{port}/postgres"
    finally:
        subprocess.run(
            [*as_user, pg_ctl, "-D", str(data), "-m", "immediate", "stop"], capture_output=True, check=False
        )
