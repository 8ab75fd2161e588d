"""Training that ends early (a passed suite, a time budget) and `metta bench learn`'s figures."""

from __future__ import annotations

import json

from metta_core.bench.learn import bench_learn
from metta_core.rl.trainer import train

# A one-simulation suite any policy passes (pass score below every normalised score).
EASY_SUITE = """name: easy
pass_score: -1000
simulations:
  - name: room
    env: navigation
    map: {builder: random, width: 11, height: 11, agents: 4, walls: 4, objects: {altar: 4}}
    env_overrides: [game.max_steps=24]
    episodes: 2
    num_envs: 2
    random_score: 0.0
    reference_score: 1.0
"""


def test_stop_on_pass_ends_training_at_the_first_passing_evaluation(settings_for, tmp_path):
    suite = tmp_path / "easy.yaml"
    suite.write_text(EASY_SUITE)
    settings = settings_for(
        "trainer.evaluate_interval=2",
        f"trainer.evaluate_suite={suite}",
        "trainer.stop_on_pass=true",
        total=4096,
    )
    result = train(settings)
    assert result.epochs == 2 and result.agent_steps == 512  # not the 4096 asked for
    rows = [json.loads(line) for line in (result.run_dir / "metrics.jsonl").read_text().splitlines()]
    [evaluation] = [r for r in rows if "eval_score" in r]
    assert evaluation["eval_passed"] and evaluation["epoch"] == 2
    assert "passed its suite at agent_steps 512" in (result.run_dir / "train.log").read_text()


def test_without_stop_on_pass_a_passing_evaluation_does_not_end_training(settings_for, tmp_path):
    suite = tmp_path / "easy.yaml"
    suite.write_text(EASY_SUITE)
    result = train(settings_for("trainer.evaluate_interval=2", f"trainer.evaluate_suite={suite}", total=1024))
    assert result.agent_steps == 1024


def test_bench_learn_reports_minutes_to_pass_and_draws_the_curve(settings_for, tmp_path):
    suite = tmp_path / "easy.yaml"
    suite.write_text(EASY_SUITE)
    figures = bench_learn(
        settings_for(f"trainer.evaluate_suite={suite}", total=4096), 5.0, 2, tmp_path / "c.png"
    )
    assert figures["suite"] == str(suite) and figures["evaluations"] == 1
    assert figures["agent_steps_to_pass"] == 512 and 0 <= figures["minutes_to_pass"] < 5
    assert (tmp_path / "c.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
