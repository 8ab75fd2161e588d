"""The README's bring-your-own-trainer examples run (a few thousand steps each) and report figures."""

from __future__ import annotations

import importlib.util
import math
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[2] / "examples" / "trainers"


def _load(name: str):
    spec = importlib.util.spec_from_file_location(name, EXAMPLES / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.parametrize(
    ("example", "steps", "prefix"),
    [
        ("sb3_ppo", 1024, "sb3_gym"),
        ("supersuit_sb3", 6144, "supersuit_sb3"),
        ("cleanrl_ppo", 20480, "cleanrl"),
    ],
)
def test_example_trains_and_prints_its_figures(example, steps, prefix, capsys):
    figures = _load(example).main(steps)
    assert figures[f"{prefix}_steps_per_second"] > 0
    assert not math.isnan(figures[f"{prefix}_mean_return_last_episodes"])
    printed = capsys.readouterr().out
    assert f"{prefix}_steps_per_second=" in printed
