"""Fixtures of the sweep tests: sweep YAML files, a runs directory, and the cheap objective."""

from __future__ import annotations

import importlib.util
from pathlib import Path

import pytest
import yaml

from metta_testing import run_metta

WORKER = Path(__file__).parent / "quadratic_worker.py"
_spec = importlib.util.spec_from_file_location("sweep_quadratic_worker", WORKER)
objectives = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(objectives)

BASE_PARAMS = {
    "metric": "score",
    "trials": 6,
    "sampler": "tpe",
    "startup_trials": 2,
    "parameters": {
        "trainer.learning_rate": {"distribution": "log_uniform", "min": 1e-4, "max": 1e-2, "mean": 1e-3},
        "trainer.gamma": {"distribution": "uniform", "min": 0.9, "max": 0.999},
        "trainer.update_epochs": {"distribution": "int", "min": 1, "max": 4, "mean": 2},
    },
}


@pytest.fixture
def worker_script() -> Path:
    return WORKER


@pytest.fixture
def quadratic():
    return objectives.quadratic


@pytest.fixture
def write_params(tmp_path: Path):
    """Write a sweep YAML: BASE_PARAMS with top-level keys replaced; returns its path."""

    def write(name: str = "params.yaml", **changes) -> Path:
        path = tmp_path / name
        path.write_text(yaml.safe_dump({**BASE_PARAMS, **changes}))
        return path

    return write


@pytest.fixture
def runs_dir(tmp_path: Path) -> Path:
    path = tmp_path / "runs"
    path.mkdir()
    return path


@pytest.fixture
def metta():
    return run_metta
