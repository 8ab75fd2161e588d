"""`metta sweep show`: best trial, Pareto front of score vs cost, importances, the plot file."""

from __future__ import annotations

import json

import pytest

from metta_core.sweep.lifecycle import init_sweep, open_sweep, run_sweep
from metta_core.sweep.report import summarise


def _dominated(a: list[float], b: list[float]) -> bool:
    """a is dominated by b: b scores at least as high at no more cost, and is better in one."""
    return b[0] >= a[0] and b[1] <= a[1] and (b[0] > a[0] or b[1] < a[1])


def test_cost_aware_sweep_reports_a_pareto_front_of_score_vs_cost(write_params, runs_dir, quadratic):
    init_sweep("pareto", write_params(cost="agent_steps", trials=6), runs_dir=runs_dir, node=0)
    run_sweep("pareto", runs_dir=runs_dir, run_trial=quadratic)

    summary = summarise("pareto", runs_dir=runs_dir)

    assert summary.counts == {"COMPLETE": 6}
    assert summary.pareto_front, "a finished cost-aware sweep has a Pareto front"
    _, study = open_sweep("pareto", runs_dir=runs_dir)
    everything = [t.values for t in study.trials]
    for row in summary.pareto_front:
        assert not any(_dominated(row.values, other) for other in everything)
    assert summary.best.values[0] == max(row.values[0] for row in summary.pareto_front)
    assert summary.plot_path == runs_dir / "pareto" / "sweep.png"
    assert summary.plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_show_ranks_the_parameter_that_moves_the_score_first(write_params, runs_dir):
    init_sweep("imp", write_params(sampler="random", trials=10), runs_dir=runs_dir, node=0)

    def only_learning_rate_matters(spec):
        from metta_core.sweep.study import Observation

        return Observation(score=spec.params["trainer.learning_rate"] * 100)

    run_sweep("imp", runs_dir=runs_dir, run_trial=only_learning_rate_matters)
    summary = summarise("imp", runs_dir=runs_dir)
    _, study = open_sweep("imp", runs_dir=runs_dir)
    assert summary.best.params["trainer.learning_rate"] == max(
        t.params["trainer.learning_rate"] for t in study.trials
    )
    assert next(iter(summary.importances)) == "trainer.learning_rate"
    assert summary.pareto_front == [summary.best]


@pytest.mark.slow
def test_cli_show_prints_best_trial_failures_and_plot_path(write_params, tmp_path, quadratic, metta):
    runs_dir = tmp_path / "runs"
    init_sweep("cli", write_params(trials=3), runs_dir=runs_dir, node=0)

    def fail_last(spec):
        if spec.number == 2:
            raise RuntimeError("trial exploded")
        return quadratic(spec)

    run_sweep("cli", runs_dir=runs_dir, run_trial=fail_last)
    result = metta("sweep", "show", "cli", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "sweep cli: 2 complete, 1 fail" in result.stdout
    assert "best trial" in result.stdout and "trainer.learning_rate=" in result.stdout
    assert "trial 2 failed: trial exploded" in result.stdout
    assert "plot written to runs/cli/sweep.png" in result.stdout
    assert (runs_dir / "cli" / "sweep.png").exists()
    shown = json.loads(metta("sweep", "show", "cli", "--json", cwd=tmp_path).stdout)
    assert shown["counts"] == {"COMPLETE": 2, "FAIL": 1} and shown["best"]["run"].startswith("cli.t")
    assert shown["failures"] == [{"trial": 2, "error": "trial exploded"}]
