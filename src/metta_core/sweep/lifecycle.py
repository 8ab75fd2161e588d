"""The sweep commands as library calls: `init_sweep`, `run_sweep`, `eval_run`.

`runs/<sweep>/` holds `sweep.yaml` (the validated config, with its storage URL),
`train_config_overrides.yaml` (the first suggestion, usable as `metta train --config`), the
SQLite study by default (`optuna.db`) and the trials' logs; each trial trains into its own run
directory `runs/<sweep>.t<k>/`. Nothing here parses a command line or prints.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from metta_core.config.loader import validate_mapping
from metta_core.config.presets import read_yaml_file
from metta_core.errors import ConfigError, MettaError
from metta_core.sweep.config import SweepConfig, load_sweep_config, nested_overrides
from metta_core.sweep.study import (
    Observation,
    SweepError,
    ask,
    create_sweep_study,
    fail_dead_trials,
    find_trial,
    heartbeat,
    load_sweep_study,
    overrides_of,
    record_details,
    shown_url,
    study_config,
    suggest,
    taken_trials,
    values_of,
    without_password,
)
from metta_core.sweep.trial import RunTrial, TrialSpec, evaluate_run, train_and_evaluate

SWEEP_FILE = "sweep.yaml"
OVERRIDES_FILE = "train_config_overrides.yaml"


@dataclass
class InitResult:
    sweep_dir: Path
    storage: str
    created: bool
    first_overrides: list[str]
    written: list[Path] = field(default_factory=list)


@dataclass
class TrialOutcome:
    number: int
    run: str
    params: dict[str, Any]
    state: str  # "complete" or "failed"
    values: list[float] | None = None
    error: str | None = None


def default_storage(sweep_dir: Path) -> str:
    return f"sqlite:///{(sweep_dir / 'optuna.db').resolve()}"


def node_index() -> int:
    """This machine's index in a multi-node sweep (NODE_INDEX, as torchrun launchers set it)."""
    text = os.environ.get("NODE_INDEX", "0") or "0"
    try:
        return int(text)
    except ValueError:
        raise ConfigError(f"NODE_INDEX={text!r}: expected a whole number") from None


def _check_setting_paths(config: SweepConfig) -> None:
    """Each parameter must be a real `metta train` setting; the centre must be a valid value."""
    try:
        from metta_core.config.loader import resolve
        from metta_core.rl.settings import TrainSettings
    except ImportError:  # training not installed in this build: the trial reports it instead
        return
    centre = {path: parameter.centre() for path, parameter in config.parameters.items()}
    try:
        resolve(TrainSettings, overrides=[*config.train_overrides, *overrides_of(centre)], environ={})
    except ConfigError as err:
        # Only faults of the sweep's own values count; a missing shipped preset is not its fault.
        ours = [problem for problem in err.problems if "(from override '" in problem]
        if ours:
            raise ConfigError([f"sweep params: {problem}" for problem in ours]) from None


def _write_once(path: Path, data: Any) -> bool:
    """Write YAML unless the file exists (init is idempotent: a second run changes nothing)."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(path.suffix + f".tmp{os.getpid()}")
    temporary.write_text(yaml.safe_dump(data, sort_keys=False))
    temporary.replace(path)
    return True


def init_sweep(
    name: str,
    params: str | Path | None,
    *,
    runs_dir: Path = Path("runs"),
    storage: str | None = None,
    node: int | None = None,
    wait_s: float = 600.0,
) -> InitResult:
    """Create the sweep (node 0) or wait for it (other nodes); write its files. Idempotent."""
    _check_sweep_name(name)
    node = node_index() if node is None else node
    sweep_dir = runs_dir / name
    if node > 0:
        if storage is None and (sweep_dir / SWEEP_FILE).exists():  # node 0 wrote it on a shared filesystem
            storage = validate_mapping(
                SweepConfig,
                read_yaml_file(sweep_dir / SWEEP_FILE, "sweep file"),
                f"sweep file {sweep_dir / SWEEP_FILE}",
            ).storage
        if storage is None:
            raise ConfigError(
                f"sweep {name}: a worker node (NODE_INDEX={node}) needs --storage, the shared database"
                f" (or node 0's {sweep_dir / SWEEP_FILE} on a shared filesystem)"
            )
        study = load_sweep_study(name, storage, wait_s=wait_s)
        config, created = study_config(study), False
    else:
        if params is None and (sweep_dir / SWEEP_FILE).exists():  # the sweep exists: init again is a no-op
            params = sweep_dir / SWEEP_FILE
        if params is None:
            raise ConfigError(f"sweep {name}: --params is required to create a sweep")
        config = load_sweep_config(params)
        _check_setting_paths(config)
        storage = storage or config.storage or default_storage(sweep_dir)
        # What is stored (sweep.yaml, the study) never holds the password: later connections
        # without --storage take it from PGPASSWORD / ~/.pgpass, as psycopg does.
        config = config.model_copy(update={"storage": without_password(storage)})
        fresh = not sweep_dir.exists()
        sweep_dir.mkdir(parents=True, exist_ok=True)
        try:
            study, created = create_sweep_study(name, config, storage)
        except BaseException:
            if fresh:  # a failed init leaves no sweep directory behind
                shutil.rmtree(sweep_dir, ignore_errors=True)
            raise
        config = study_config(study)
    centre = {path: parameter.centre() for path, parameter in config.parameters.items()}
    written = [
        path
        for path, data in (
            (sweep_dir / SWEEP_FILE, config.model_dump(mode="json", exclude_none=True)),
            (sweep_dir / OVERRIDES_FILE, nested_overrides(centre)),
        )
        if _write_once(path, data)
    ]
    return InitResult(sweep_dir, shown_url(config.storage or storage), created, overrides_of(centre), written)


def _check_overrides_file(path: Path) -> None:
    """The sweep's `train_config_overrides.yaml` is what users train by hand with (`metta train
    --config`); a copy broken since `init` is reported now rather than at that later run."""
    if not path.exists():
        return
    from metta_core.config.loader import resolve
    from metta_core.rl.settings import TrainSettings

    resolve(TrainSettings, config_file=path, environ={})


def _check_sweep_name(name: str) -> None:
    if not name or "/" in name or name in (".", "..") or name.startswith("-"):
        raise ConfigError(f"sweep name '{name}': must be a plain directory name (no '/')")


def open_sweep(
    name: str, *, runs_dir: Path = Path("runs"), storage: str | None = None, wait_s: float = 0.0
) -> tuple[SweepConfig, Any]:
    """The sweep's config and Optuna study, found by its `sweep.yaml` or by a storage URL."""
    _check_sweep_name(name)
    if storage is None:
        path = runs_dir / name / SWEEP_FILE
        if not path.exists():
            raise SweepError(
                f"sweep {name}: {path} not found (run `metta sweep init {name}` or pass --storage)"
            )
        storage = validate_mapping(
            SweepConfig, read_yaml_file(path, "sweep file"), f"sweep file {path}"
        ).storage
        if storage is None:
            raise SweepError(f"sweep {name}: {path} names no storage")
    study = load_sweep_study(name, storage, wait_s=wait_s)
    return study_config(study), study


def run_sweep(
    name: str,
    *,
    runs_dir: Path = Path("runs"),
    storage: str | None = None,
    trials: int | None = None,
    run_trial: RunTrial = train_and_evaluate,
    wandb_mode: str | None = None,
    wait_s: float = 0.0,
    on_trial: Callable[[TrialOutcome], None] | None = None,
) -> list[TrialOutcome]:
    """Take trials until the sweep holds `trials` (default: the config's) taken trials.

    Any number of workers may call this at once on one storage: each trial is created atomically
    by Optuna, and a trial created past the budget in a race is marked pruned and never run.
    """
    config, study = open_sweep(name, runs_dir=runs_dir, storage=storage, wait_s=wait_s)
    _check_overrides_file(runs_dir / name / OVERRIDES_FILE)
    budget = trials or config.trials
    outcomes: list[TrialOutcome] = []
    while True:
        import optuna

        fail_dead_trials(study)  # a crashed worker's trial frees its slot (it counts as failed)
        if len(taken_trials(study)) >= budget:
            return outcomes
        trial = ask(study)
        ahead = [t.number for t in taken_trials(study) if t.number < trial.number]
        if len(ahead) >= budget:
            trial.set_user_attr("surplus", True)
            study.tell(trial, state=optuna.trial.TrialState.PRUNED)
            return outcomes
        outcome = _run_one(study, trial, config, name, runs_dir, run_trial, wandb_mode)
        outcomes.append(outcome)
        if on_trial is not None:
            on_trial(outcome)


def _run_one(study, trial, config, name, runs_dir, run_trial, wandb_mode) -> TrialOutcome:
    """Run one asked trial and record it: its values, or FAIL with the error. Never leaves it open."""
    import optuna

    run = f"{name}.t{trial.number}"
    trial.set_user_attr("run", run)
    params: dict[str, Any] = {}
    try:
        params = suggest(trial, config)
        spec = TrialSpec(name, trial.number, run, params, config, runs_dir, wandb_mode)
        with heartbeat(study, trial):
            observation = run_trial(spec)
        values = values_of(observation, config)
    except (Exception, KeyboardInterrupt) as err:
        message = str(err) or type(err).__name__
        trial.set_user_attr("error", message)
        if not isinstance(err, MettaError):
            trial.set_user_attr("traceback", traceback.format_exc(limit=-8))
        study.tell(trial, state=optuna.trial.TrialState.FAIL, skip_if_finished=True)
        if isinstance(err, KeyboardInterrupt | ConfigError):
            raise  # the user stopped the sweep, or every trial would fail the same way
        return TrialOutcome(trial.number, run, params, "failed", error=message)
    # `metta sweep eval` may have recorded this run meanwhile; the first observation stands.
    with contextlib.suppress(optuna.exceptions.UpdateFinishedTrialError):
        record_details(trial, observation)
    study.tell(trial, values, skip_if_finished=True)
    return TrialOutcome(trial.number, run, params, "complete", values=values)


def eval_run(
    name: str,
    run: str,
    *,
    metric: str | None = None,
    runs_dir: Path = Path("runs"),
    storage: str | None = None,
    evaluate: Callable[[Path, SweepConfig, str | None], Observation] | None = None,
) -> TrialOutcome:
    """Score a finished run of the sweep and record the observation (the reference's sweep_eval).

    A run the sweep started (its trial still open, or failed at evaluation) gets its trial's
    observation; a run trained by hand from the sweep's overrides is added as a new trial with the
    parameter values its `config.yaml` records.
    """
    import optuna

    config, study = open_sweep(name, runs_dir=runs_dir, storage=storage)
    run_dir = runs_dir / run
    trial = find_trial(study, run)
    if trial is not None and trial.state == optuna.trial.TrialState.COMPLETE:  # before evaluating
        raise SweepError(f"run {run}: trial {trial.number} of sweep {name} already has an observation")
    params = trial.params if trial is not None else _params_of_run(run_dir, config)  # checks the run
    observation = (evaluate or _evaluate_default)(run_dir, config, metric)
    values = values_of(observation, config)
    trial = find_trial(study, run)  # again: a worker may have recorded it during the evaluation
    if trial is not None and trial.state == optuna.trial.TrialState.COMPLETE:
        raise SweepError(f"run {run}: trial {trial.number} of sweep {name} already has an observation")
    if trial is not None and trial.state == optuna.trial.TrialState.RUNNING:
        for key, value in observation.details.items():
            study._storage.set_trial_user_attr(trial._trial_id, key, value)
        study.tell(trial.number, values)
        return TrialOutcome(trial.number, run, dict(trial.params), "complete", values=values)
    from metta_core.sweep.samplers import search_space

    distributions = search_space(config)
    try:
        added = optuna.trial.create_trial(
            params=params,
            distributions={path: distributions[path] for path in params},
            values=values,
            user_attrs={"run": run, **observation.details},
        )
    except ValueError as err:  # a hand-made run's value outside the sweep's bounds
        raise SweepError(f"run {run}: cannot be recorded in sweep {name} ({err})") from None
    study.add_trial(added)
    number = find_trial(study, run).number
    return TrialOutcome(number, run, params, "complete", values=values)


def _evaluate_default(run_dir: Path, config: SweepConfig, metric: str | None) -> Observation:
    return evaluate_run(run_dir, config, metric)


def _params_of_run(run_dir: Path, config: SweepConfig) -> dict[str, Any]:
    """The sweep parameters' values in a run's recorded settings (`config.yaml`)."""
    path = run_dir / "config.yaml"
    settings = read_yaml_file(path, "run config")
    params: dict[str, Any] = {}
    for dotted in config.parameters:
        node: Any = settings
        for key in dotted.split("."):
            if not isinstance(node, dict) or key not in node:
                raise SweepError(f"run {run_dir.name}: {path} has no setting {dotted}")
            node = node[key]
        params[dotted] = node
    return params
