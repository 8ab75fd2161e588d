"""`metta analyze --run`: a run's training curves from its metrics.jsonl."""

from __future__ import annotations

import json


def _run_dir(tmp_path):
    run = tmp_path / "nav1"
    run.mkdir()
    rows = [
        {"epoch": e, "agent_steps": 1000 * e, "episode_reward": 0.1 * e, "episode_hearts": 0.1 * e,
         "policy_loss": -0.01, "value_loss": 0.1, "entropy": 2.0 - 0.1 * e, "agent_steps_per_s": 9000.0}
        for e in range(1, 6)
    ]  # fmt: skip
    rows.insert(3, {"epoch": 3, "agent_steps": 3000, "eval_score": 0.4, "eval_passed": False})
    (run / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    return run


def test_analyze_run_draws_the_curves_and_prints_last_and_best(metta_inprocess, tmp_path):
    run = _run_dir(tmp_path)
    code, out, err = metta_inprocess("analyze", "--run", str(run), "-o", str(tmp_path / "out"))
    assert code == 0, err
    assert "best_episode_reward=0.5" in out and "best_eval_score=0.4" in out and "last_entropy=1.5" in out
    assert (tmp_path / "out" / "training_curves.png").read_bytes()[:4] == b"\x89PNG"


def test_analyze_run_of_a_directory_without_metrics_is_one_error_line(metta_inprocess, tmp_path):
    code, _, err = metta_inprocess("analyze", "--run", str(tmp_path))
    assert code == 2 and "no metrics.jsonl" in err and "Traceback" not in err


def test_analyze_needs_a_policy_or_a_run(metta_inprocess):
    code, _, err = metta_inprocess("analyze")
    assert code == 2 and "--policy" in err
