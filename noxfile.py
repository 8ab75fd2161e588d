"""nox sessions: `tests` (fast default suite), `slow`, `lint`, `bench`."""

import nox

nox.options.sessions = ["tests"]
INSTALL = ["torch==2.13.0", "-e", ".[dev]"]


@nox.session
def tests(session: nox.Session) -> None:
    """The fast suite: everything not marked slow."""
    session.install(*INSTALL)
    session.run("pytest", "-m", "not slow", *session.posargs)


@nox.session
def slow(session: nox.Session) -> None:
    """End-to-end tests: training runs, kill -9 and resume, torchrun, browsers."""
    session.install(*INSTALL)
    session.run("pytest", "-m", "slow", *session.posargs)


@nox.session
def lint(session: nox.Session) -> None:
    session.install("ruff")
    session.run("ruff", "check", "src", "tests", "benchmarks", "noxfile.py")
    session.run("ruff", "format", "--check", "src", "tests", "benchmarks", "noxfile.py")


@nox.session
def bench(session: nox.Session) -> None:
    """Print every benchmark's figures (name=value lines)."""
    session.install(*INSTALL)
    session.run("metta", "bench", "env", "--env", "arena", "--seconds", "10")
    session.run("metta", "bench", "env", "--env", "navigation", "--seconds", "10")
    session.run("metta", "bench", "maps")
    session.run("metta", "bench", "train", "--env", "arena", "--agent", "lstm256")
    session.run("metta", "bench", "sim")
    session.run("metta", "bench", "replay")
