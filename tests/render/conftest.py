"""Fixtures of the render tests: a tiny fixed-map env and the CLI runner.

(Helpers are fixtures, not imports: under `--import-mode=importlib` a conftest is not importable.)
"""

from __future__ import annotations

from pathlib import Path

import pytest

from metta_testing import run_metta

#: Agent 0 at (2, 2), agent 1 at (4, 6), both facing up.
TINY_MAP = [
    "#########",
    "#...m...#",
    "#.@.....#",
    "#...._..#",
    "#.....@.#",
    "#.n.....#",
    "#########",
]
TINY_ENV_YAML = (
    "name: tiny\n"
    "game:\n  num_agents: 2\n  max_steps: 40\n"
    "map:\n  builder: ascii\n  agents: 2\n  map: |\n" + "".join(f"    {row}\n" for row in TINY_MAP)
)


@pytest.fixture
def tiny_map() -> list[str]:
    return list(TINY_MAP)


@pytest.fixture
def tiny_env_file(tmp_path: Path) -> Path:
    path = tmp_path / "tiny.yaml"
    path.write_text(TINY_ENV_YAML)
    return path


@pytest.fixture
def tiny_env_config(tiny_env_file: Path):
    from metta_core.env.config import load_env_config

    return load_env_config(str(tiny_env_file))


@pytest.fixture
def metta_cli():
    """`metta_cli(*args, cwd=..., timeout=...)`: the real `metta` in a subprocess."""
    return run_metta
