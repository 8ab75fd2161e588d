"""`metta autotune` on a tiny budget: a table of measurements and overrides `metta train` accepts."""

from __future__ import annotations

import json

import pytest

from metta_core.config.loader import resolve
from metta_core.rl.settings import TrainSettings


@pytest.mark.slow
def test_autotune_on_a_tiny_budget_prints_overrides_that_train_settings_accept(tmp_path, metta):
    result = metta(
        "autotune",
        "--budget-seconds", "0.5",
        "--num-envs", "1,2",
        "--batch-sizes", "32,64",
        "--threads", "1",
        "agent.hidden_size=32",
        "agent.lstm_size=32",
        cwd=tmp_path,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert "num_envs=2 env_threads=1" in result.stdout and "train_step" in result.stdout
    overrides = result.stdout.strip().splitlines()[-1].split()
    assert {o.split("=")[0] for o in overrides} == {
        "trainer.num_envs",
        "trainer.env_threads",
        "trainer.minibatch_size",
        "trainer.batch_size",
        "trainer.torch_threads",
    }
    settings = resolve(TrainSettings, overrides=overrides, environ={})
    assert settings.trainer.num_envs in (1, 2)
    assert settings.trainer.minibatch_size in (32, 64)
    assert settings.trainer.torch_threads == 1 and settings.trainer.env_threads == 1
    as_json = metta(
        "autotune", "--budget-seconds", "0.3", "--num-envs", "1", "--batch-sizes", "32", "--threads", "1",
        "agent.hidden_size=32", "agent.lstm_size=32", "--json", cwd=tmp_path,
    )  # fmt: skip
    data = json.loads(as_json.stdout)  # stdout holds the JSON alone; progress went to stderr
    assert {m["measure"] for m in data["measurements"]} >= {"env", "train_step"}
    assert all(o.startswith("trainer.") for o in data["overrides"])


def test_autotune_rejects_a_malformed_list_naming_the_option(tmp_path, metta):
    result = metta("autotune", "--num-envs", "4,many", cwd=tmp_path)
    assert result.returncode == 2
    assert "--num-envs '4,many'" in result.stderr and "Traceback" not in result.stderr
