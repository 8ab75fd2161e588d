"""Scheduled hyperparameters: the learning rate's anneal and the entropy bonus's, by agent steps."""

from __future__ import annotations

import json

import pytest

from metta_core.rl import schedule
from metta_core.rl.settings import TrainerConfig
from metta_core.rl.trainer import train


def test_learning_rate_falls_linearly_to_zero_only_with_anneal_lr():
    config = TrainerConfig(total_agent_steps=1000, learning_rate=0.002)
    assert schedule.learning_rate(config, 0) == pytest.approx(0.002)
    assert schedule.learning_rate(config, 250) == pytest.approx(0.0015)
    assert schedule.learning_rate(config, 5000) == 0.0  # past the end: never negative
    flat = TrainerConfig(total_agent_steps=1000, learning_rate=0.002, anneal_lr=False)
    assert schedule.learning_rate(flat, 500) == pytest.approx(0.002)


def test_entropy_weight_moves_to_its_final_value_over_the_run():
    config = TrainerConfig(total_agent_steps=1000, ent_coef=0.01, ent_coef_final=0.002)
    assert schedule.entropy_weight(config, 0) == pytest.approx(0.01)
    assert schedule.entropy_weight(config, 500) == pytest.approx(0.006)
    assert schedule.entropy_weight(config, 1000) == pytest.approx(0.002)
    assert schedule.entropy_weight(config, 3000) == pytest.approx(0.002)
    rising = TrainerConfig(total_agent_steps=1000, ent_coef=0.0, ent_coef_final=0.01)
    assert schedule.entropy_weight(rising, 500) == pytest.approx(0.005)


def test_without_a_final_value_the_entropy_weight_stays_put():
    config = TrainerConfig(total_agent_steps=1000, ent_coef=0.01)
    assert schedule.entropy_weight(config, 999) == 0.01


def test_training_uses_and_logs_the_scheduled_entropy_weight(settings_for):
    result = train(settings_for("trainer.ent_coef=0.02", "trainer.ent_coef_final=0.0", total=1024))
    rows = [json.loads(line) for line in (result.run_dir / "metrics.jsonl").read_text().splitlines()]
    weights = [row["ent_coef"] for row in rows if "ent_coef" in row]
    # Epochs of 256 steps: each update's weight comes from the steps done before it.
    assert weights == pytest.approx([0.02, 0.015, 0.01, 0.005])
