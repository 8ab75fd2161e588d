"""init / run / eval of a sweep against a real SQLite study, with the quadratic objective."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import optuna
import pytest
import yaml

from metta_core.config.loader import resolve
from metta_core.errors import ConfigError
from metta_core.rl.settings import TrainSettings
from metta_core.sweep.lifecycle import eval_run, init_sweep, open_sweep, run_sweep
from metta_core.sweep.study import Observation, SweepError, ask
from metta_core.sweep.trial import TrialSpec


def _fingerprint(directory: Path) -> dict[str, tuple[str, int]]:
    return {
        str(path.relative_to(directory)): (
            hashlib.sha256(path.read_bytes()).hexdigest(),
            path.stat().st_mtime_ns,
        )
        for path in sorted(directory.rglob("*"))
        if path.is_file()
    }


def _trials(study: optuna.Study) -> list[tuple[int, str, dict]]:
    return [(t.number, t.state.name, t.params) for t in study.get_trials()]


def test_init_writes_the_config_and_the_first_suggestion(write_params, runs_dir):
    result = init_sweep("lr", write_params(), runs_dir=runs_dir, node=0)
    assert result.created
    overrides = yaml.safe_load((runs_dir / "lr" / "train_config_overrides.yaml").read_text())
    assert overrides == {
        "trainer": {"gamma": pytest.approx(0.9495), "learning_rate": 1e-3, "update_epochs": 2}
    }
    saved = yaml.safe_load((runs_dir / "lr" / "sweep.yaml").read_text())
    assert saved["storage"].startswith("sqlite:///") and saved["storage"].endswith("lr/optuna.db")
    assert "trainer.learning_rate=0.001" in result.first_overrides


def test_init_is_idempotent(write_params, runs_dir):
    params = write_params()
    init_sweep("lr", params, runs_dir=runs_dir, node=0)
    _, study = open_sweep("lr", runs_dir=runs_dir)
    before_files, before_trials = _fingerprint(runs_dir / "lr"), _trials(study)

    again = init_sweep("lr", params, runs_dir=runs_dir, node=0)

    _, study = open_sweep("lr", runs_dir=runs_dir)
    assert not again.created and again.written == []
    assert _fingerprint(runs_dir / "lr") == before_files
    assert _trials(study) == before_trials
    assert len(optuna.get_all_study_summaries(study._storage)) == 1


def test_init_with_other_params_under_an_existing_name_is_refused(write_params, runs_dir):
    init_sweep("lr", write_params(), runs_dir=runs_dir, node=0)
    with pytest.raises(SweepError, match="already exists .* with different params"):
        init_sweep("lr", write_params("other.yaml", trials=99), runs_dir=runs_dir, node=0)


def test_first_trial_is_the_centre_and_runs_are_named_after_the_sweep(write_params, runs_dir, quadratic):
    init_sweep("lr", write_params(), runs_dir=runs_dir, node=0)
    outcomes = run_sweep("lr", runs_dir=runs_dir, trials=3, run_trial=quadratic)
    assert [o.run for o in outcomes] == ["lr.t0", "lr.t1", "lr.t2"]
    assert outcomes[0].params == {
        "trainer.learning_rate": 1e-3,
        "trainer.gamma": pytest.approx(0.9495),
        "trainer.update_epochs": 2,
    }
    assert len({tuple(sorted(o.params.items())) for o in outcomes}) == 3


def test_worker_node_waits_for_the_study_and_times_out_with_a_clear_error(runs_dir):
    storage = f"sqlite:///{runs_dir / 'shared.db'}"
    with pytest.raises(SweepError, match=r"sweep late: no such sweep in .* after waiting 0.3s"):
        init_sweep("late", None, runs_dir=runs_dir, storage=storage, node=1, wait_s=0.3)


def test_worker_node_takes_the_config_from_the_storage(write_params, tmp_path):
    storage = f"sqlite:///{tmp_path / 'shared.db'}"
    init_sweep("lr", write_params(), runs_dir=tmp_path / "node0", storage=storage, node=0)
    worker = init_sweep("lr", None, runs_dir=tmp_path / "node1", storage=storage, node=1, wait_s=5)
    assert not worker.created
    assert (tmp_path / "node1" / "lr" / "sweep.yaml").read_text() == (
        tmp_path / "node0" / "lr" / "sweep.yaml"
    ).read_text()


def test_a_crashing_trial_is_marked_failed_and_the_sweep_goes_on(write_params, runs_dir, quadratic):
    init_sweep("crash", write_params(), runs_dir=runs_dir, node=0)

    def crash_second(spec: TrialSpec) -> Observation:
        if spec.number == 1:
            raise RuntimeError("metta train exited with code 1")
        return quadratic(spec)

    outcomes = run_sweep("crash", runs_dir=runs_dir, trials=3, run_trial=crash_second)
    assert [o.state for o in outcomes] == ["complete", "failed", "complete"]
    _, study = open_sweep("crash", runs_dir=runs_dir)
    failed = study.trials[1]
    assert failed.state == optuna.trial.TrialState.FAIL
    assert failed.user_attrs["error"] == "metta train exited with code 1"
    assert failed.user_attrs["run"] == "crash.t1"


def test_a_config_error_in_a_trial_fails_it_and_stops_the_worker(write_params, runs_dir):
    init_sweep("stop", write_params(), runs_dir=runs_dir, node=0)

    def bad_metric(spec: TrialSpec) -> Observation:
        raise ConfigError("metric 'nope': suite navigation does not produce it")

    with pytest.raises(ConfigError, match="metric 'nope'"):
        run_sweep("stop", runs_dir=runs_dir, trials=3, run_trial=bad_metric)
    _, study = open_sweep("stop", runs_dir=runs_dir)
    assert [t.state.name for t in study.trials] == ["FAIL"]


def test_run_stops_at_the_requested_number_of_trials_across_calls(write_params, runs_dir, quadratic):
    init_sweep("budget", write_params(), runs_dir=runs_dir, node=0)
    assert len(run_sweep("budget", runs_dir=runs_dir, trials=2, run_trial=quadratic)) == 2
    assert len(run_sweep("budget", runs_dir=runs_dir, trials=3, run_trial=quadratic)) == 1
    assert run_sweep("budget", runs_dir=runs_dir, trials=3, run_trial=quadratic) == []


@pytest.mark.slow
def test_two_concurrent_workers_finish_the_requested_trials_without_duplicates(
    write_params, runs_dir, worker_script
):
    init_sweep("pair", write_params(sampler="random"), runs_dir=runs_dir, node=0)
    command = [sys.executable, str(worker_script), "pair", str(runs_dir), "8"]
    workers = [
        subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)
    ]
    results = [worker.communicate(timeout=240) for worker in workers]
    assert [worker.returncode for worker in workers] == [0, 0], [err for _, err in results]
    runs = [json.loads(out) for out, _ in results]
    everything = runs[0] + runs[1]
    assert len(everything) == 8 and len(set(everything)) == 8
    _, study = open_sweep("pair", runs_dir=runs_dir)
    complete = [t for t in study.trials if t.state == optuna.trial.TrialState.COMPLETE]
    assert sorted(t.user_attrs["run"] for t in complete) == sorted(everything)
    assert not [t for t in study.trials if t.state == optuna.trial.TrialState.RUNNING]


def test_trial_overrides_resolve_against_the_train_settings(write_params, runs_dir):
    init_sweep(
        "lr", write_params(train_overrides=["trainer.total_agent_steps=1000"]), runs_dir=runs_dir, node=0
    )
    config, _ = open_sweep("lr", runs_dir=runs_dir)
    params = {"trainer.learning_rate": 0.002, "trainer.gamma": 0.93, "trainer.update_epochs": 3}
    spec = TrialSpec("lr", 4, "lr.t4", params, config, runs_dir, wandb_mode="offline")
    settings = resolve(TrainSettings, overrides=spec.train_overrides(), environ={})
    assert settings.run == "lr.t4" and settings.data_dir == runs_dir
    assert settings.trainer.learning_rate == 0.002 and settings.trainer.update_epochs == 3
    assert settings.trainer.total_agent_steps == 1000
    assert (settings.wandb.mode, settings.wandb.group) == ("offline", "lr")


def test_eval_records_the_observation_of_a_hand_trained_run(write_params, runs_dir):
    init_sweep("lr", write_params(), runs_dir=runs_dir, node=0)
    run_dir = runs_dir / "by_hand"
    run_dir.mkdir()
    settings = {"trainer": {"learning_rate": 0.004, "gamma": 0.97, "update_epochs": 1}}
    (run_dir / "config.yaml").write_text(yaml.safe_dump(settings))

    outcome = eval_run(
        "lr", "by_hand", runs_dir=runs_dir, evaluate=lambda run, config, metric: Observation(0.75)
    )

    assert outcome.values == [0.75]
    _, study = open_sweep("lr", runs_dir=runs_dir)
    recorded = study.trials[outcome.number]
    assert recorded.params == {
        "trainer.learning_rate": 0.004,
        "trainer.gamma": 0.97,
        "trainer.update_epochs": 1,
    }
    assert recorded.user_attrs["run"] == "by_hand" and recorded.values == [0.75]
    evaluated = []

    def evaluate_again(run, config, metric):
        evaluated.append(run)
        return Observation(0.5)

    with pytest.raises(SweepError, match="already has an observation"):
        eval_run("lr", "by_hand", runs_dir=runs_dir, evaluate=evaluate_again)
    assert evaluated == []  # refused before the (minutes-long) evaluation, not after it


def test_eval_of_a_missing_sweep_names_the_sweep_file(runs_dir):
    with pytest.raises(SweepError, match=r"sweep ghost: .*ghost/sweep.yaml not found"):
        eval_run("ghost", "r", runs_dir=runs_dir, evaluate=lambda run, config, metric: Observation(0.0))


def test_eval_records_the_observation_of_a_trial_left_open(write_params, runs_dir):
    init_sweep("open", write_params(), runs_dir=runs_dir, node=0)
    _, study = open_sweep("open", runs_dir=runs_dir)
    trial = ask(study)  # the centre, as a worker takes it before training "open.t0"
    trial.set_user_attr("run", "open.t0")

    outcome = eval_run(
        "open", "open.t0", runs_dir=runs_dir, evaluate=lambda run, config, metric: Observation(0.4)
    )

    _, study = open_sweep("open", runs_dir=runs_dir)
    assert outcome.number == trial.number == 0
    assert study.trials[0].state == optuna.trial.TrialState.COMPLETE and study.trials[0].values == [0.4]
    assert len(study.trials) == 1
