"""Metta/Protein sweep files are read as ours: specs mapped onto our (Optuna) distributions."""

from __future__ import annotations

from pathlib import Path

import optuna
import pytest
import yaml

from metta_core.errors import ConfigError
from metta_core.sweep.config import load_sweep_config
from metta_core.sweep.study import suggest

# The reference's `quick` and part of its `full` sweep (metta_formats.md 6.1), nested as it nests them.
PROTEIN = {
    "protein": {"num_random_samples": 5, "max_suggestion_cost": 3600, "suggestions_per_pareto": 256},
    "metric": "score",
    "goal": "maximize",
    "method": "bayes",
    "parameters": {
        "trainer": {
            "optimizer": {
                "learning_rate": {
                    "distribution": "log_normal",
                    "min": 1e-4,
                    "max": 1e-3,
                    "mean": 5e-4,
                    "scale": 0.5,
                }
            },
            "batch_size": {
                "distribution": "uniform_pow2",
                "min": 256,
                "max": 1024,
                "mean": 500,
                "scale": "auto",
            },
            "ppo": {
                "gamma": {
                    "distribution": "logit_normal",
                    "min": 0.001,
                    "max": 0.999,
                    "mean": 0.99,
                    "scale": "auto",
                }
            },
            "update_epochs": {"distribution": "int_uniform", "min": 1, "max": 16, "mean": 4, "scale": "auto"},
        }
    },
}


def write(tmp_path: Path, data: dict) -> Path:
    path = tmp_path / "sweep.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_protein_specs_map_onto_our_distributions(tmp_path: Path):
    config = load_sweep_config(write(tmp_path, PROTEIN))
    lr = config.parameters["trainer.learning_rate"]
    assert (lr.distribution, lr.min, lr.max, lr.mean, lr.scale) == ("log_uniform", 1e-4, 1e-3, 5e-4, 0.25)
    batch = config.parameters["trainer.batch_size"]
    assert (batch.distribution, batch.choices, batch.mean) == ("categorical", [256, 512, 1024], 512)
    gamma = config.parameters["trainer.gamma"]
    assert (gamma.distribution, gamma.min, gamma.max, gamma.scale) == ("uniform", 0.001, 0.999, 0.25)
    epochs = config.parameters["trainer.update_epochs"]
    assert (epochs.distribution, epochs.mean) == ("int", 4)
    assert (config.sampler, config.startup_trials) == ("gp", 5)


def test_suggestions_are_powers_of_two_within_bounds(tmp_path: Path):
    config = load_sweep_config(write(tmp_path, PROTEIN))
    study = optuna.create_study(direction="maximize", sampler=optuna.samplers.RandomSampler(seed=1))
    for _ in range(20):
        trial = study.ask()
        params = suggest(trial, config)
        assert params["trainer.batch_size"] in (256, 512, 1024)
        assert 1e-4 <= params["trainer.learning_rate"] <= 1e-3 and 1 <= params["trainer.update_epochs"] <= 16
        study.tell(trial, 0.0)


@pytest.mark.parametrize(
    "change, words",
    [
        ({"goal": "minimize"}, "goal 'minimize': metta sweeps maximise"),
        ({"method": "grid"}, "method 'grid': expected one of"),
    ],
)
def test_what_we_cannot_honour_is_one_clear_line(tmp_path: Path, change, words):
    with pytest.raises(ConfigError) as err:
        load_sweep_config(write(tmp_path, {**PROTEIN, **change}))
    assert len(err.value.problems) == 1 and words in err.value.problems[0]


def test_a_power_of_two_range_holding_none_is_refused(tmp_path: Path):
    spec = {"distribution": "uniform_pow2", "min": 5, "max": 7}
    with pytest.raises(ConfigError) as err:
        load_sweep_config(write(tmp_path, {**PROTEIN, "parameters": {"trainer.batch_size": spec}}))
    assert "no power of two lies within 5..7" in err.value.problems[0]
