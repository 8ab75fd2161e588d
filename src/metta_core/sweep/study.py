"""The Optuna study behind a sweep: storage, creation and loading, suggestions and observations.

A sweep is one Optuna study named after the sweep, in a storage many processes share (SQLite
locally, a database URL for many machines). The study keeps the validated sweep config in its
user attributes, so a worker on another machine needs only the storage URL. Objectives: the
metric (maximised), and with a cost, the cost too (minimised), which makes the best trials a
Pareto front. Heartbeats mark trials of a worker that died as failed. This module neither trains
nor evaluates.
"""

from __future__ import annotations

import json
import os
import threading
import time
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import optuna
from optuna.storages._heartbeat import BaseHeartbeat
from optuna.trial import FrozenTrial, Trial, TrialState
from sqlalchemy.engine import make_url

from metta_core.errors import ConfigError, MettaError, first_line
from metta_core.locks import exclusive_lock
from metta_core.sweep.config import SweepConfig, value_to_override
from metta_core.sweep.samplers import make_sampler

#: Seconds between a running trial's heartbeats, and after which a silent trial counts as dead
#: (METTA_SWEEP_HEARTBEAT_GRACE_S overrides the grace, e.g. for a cluster that restarts fast).
HEARTBEAT_INTERVAL_S = 30
HEARTBEAT_GRACE_S = 300


def heartbeat_timing() -> tuple[int, int]:
    """(interval, grace) in seconds; the interval is at most a third of the grace."""
    grace = max(int(float(os.environ.get("METTA_SWEEP_HEARTBEAT_GRACE_S", HEARTBEAT_GRACE_S))), 1)
    return max(min(HEARTBEAT_INTERVAL_S, grace // 3), 1), grace


#: SQLite waits this long for a lock before giving up: workers write briefly but at once.
SQLITE_LOCK_TIMEOUT_S = 120

CONFIG_ATTR = "metta_sweep_config"

optuna.logging.set_verbosity(optuna.logging.WARNING)


@contextmanager
def _quiet_heartbeats() -> Iterator[None]:
    """Heartbeats are marked experimental and "meant for Study.optimize"; sweeps use them with
    ask/tell on purpose (see `heartbeat`), so those warnings would only alarm users."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        warnings.filterwarnings("ignore", message="Heartbeat of storage is supposed to be used")
        yield


class SweepError(MettaError):
    """A sweep is missing, clashes with an existing one, or cannot record an observation."""


@dataclass
class Observation:
    """What a trial achieved: the metric, the cost when the sweep is cost-aware, and details."""

    score: float
    cost: float | None = None
    details: dict[str, Any] = field(default_factory=dict)


def _replace_password(url: str, password: str | None) -> str:
    """`url` with its password replaced by `password` (None: dropped); unchanged without one."""
    parts = urlsplit(url)
    if parts.password is None:
        return url
    user = parts.username if password is None else f"{parts.username}:{password}"
    netloc = f"{user}@{parts.hostname or ''}" + (f":{parts.port}" if parts.port else "")
    return urlunsplit(parts._replace(netloc=netloc))


def shown_url(url: str) -> str:
    """A storage URL fit for messages and logs: its password replaced by `***`."""
    return _replace_password(url, "***")


def without_password(url: str) -> str:
    """The URL to store: the same server and user, no password (given again by PGPASSWORD)."""
    return _replace_password(url, None)


def open_storage(url: str) -> optuna.storages.RDBStorage:
    engine_kwargs: dict[str, Any] = {}
    interval, grace = heartbeat_timing()
    if url.startswith("sqlite"):
        engine_kwargs = {"connect_args": {"timeout": SQLITE_LOCK_TIMEOUT_S}}
    try:
        with _quiet_heartbeats():
            return optuna.storages.RDBStorage(
                url,
                engine_kwargs=engine_kwargs,
                heartbeat_interval=interval,
                grace_period=grace,
            )
    except Exception as err:  # sqlalchemy raises many kinds for a bad URL or an unreachable server
        message = first_line(err)
        password = urlsplit(url).password
        if password:
            message = message.replace(password, "***")
        raise SweepError(f"storage {shown_url(url)}: cannot open ({type(err).__name__}: {message})") from None


def directions(config: SweepConfig) -> list[str]:
    return ["maximize"] if config.cost is None else ["maximize", "minimize"]


def _stored_config(study: optuna.Study) -> SweepConfig | None:
    text = study.user_attrs.get(CONFIG_ATTR)
    return None if text is None else SweepConfig.model_validate(json.loads(text))


def create_sweep_study(name: str, config: SweepConfig, storage_url: str) -> tuple[optuna.Study, bool]:
    """Create the study (with the centre enqueued as the first trial) or load the one that exists.

    Returns (study, created). An existing study must hold the same search; otherwise it is an
    error, never a silent change of a running sweep.
    """
    storage = open_storage(storage_url)
    try:
        study = optuna.create_study(
            study_name=name, storage=storage, directions=directions(config), sampler=make_sampler(config)
        )
    except optuna.exceptions.DuplicatedStudyError:
        study = load_sweep_study(name, storage_url, wait_s=60)
        existing = _stored_config(study)
        if existing is not None and existing.search_space_dict() != config.search_space_dict():
            raise SweepError(
                f"sweep {name}: already exists in {storage_url} with different params; "
                "choose a new sweep name or use the original params file"
            ) from None
        return study, False
    centre = {path: parameter.centre() for path, parameter in config.parameters.items()}
    study.enqueue_trial(centre, user_attrs={"centre": True})
    # Written last: workers waiting for the sweep treat it as ready once the config is there.
    study.set_user_attr(CONFIG_ATTR, json.dumps(config.model_dump(mode="json")))
    return study, True


def load_sweep_study(name: str, storage_url: str, wait_s: float = 0.0, poll_s: float = 0.5) -> optuna.Study:
    """Load the sweep's study, waiting up to `wait_s` seconds for another node to create it."""
    storage = open_storage(storage_url)
    deadline = time.monotonic() + wait_s
    while True:
        try:
            study = optuna.load_study(study_name=name, storage=storage)
            config = _stored_config(study)
            if config is not None:
                study.sampler = make_sampler(config)
                return study
        except KeyError:
            pass
        except Exception as err:  # a damaged database: optuna and sqlalchemy raise many kinds
            raise SweepError(
                f"storage {shown_url(storage_url)}: cannot read the sweep ({first_line(err)})"
            ) from None
        if time.monotonic() >= deadline:
            waited = f" after waiting {wait_s:g}s" if wait_s else ""
            raise SweepError(
                f"sweep {name}: no such sweep in {storage_url}{waited} (run `metta sweep init {name}` first)"
            )
        time.sleep(poll_s)


def study_config(study: optuna.Study) -> SweepConfig:
    config = _stored_config(study)
    if config is None:
        raise SweepError(
            f"sweep {study.study_name}: the study holds no sweep config (not made by metta sweep)"
        )
    return config


def suggest(trial: Trial, config: SweepConfig) -> dict[str, Any]:
    """Ask the trial for a value of every parameter (the enqueued centre returns its fixed values)."""
    params: dict[str, Any] = {}
    for path, parameter in config.parameters.items():
        if parameter.distribution == "categorical":
            params[path] = trial.suggest_categorical(path, parameter.choices)
        elif parameter.distribution == "int":
            params[path] = trial.suggest_int(path, int(parameter.min), int(parameter.max))
        else:
            log = parameter.distribution == "log_uniform"
            params[path] = trial.suggest_float(path, parameter.min, parameter.max, log=log)
    return params


def overrides_of(params: dict[str, Any]) -> list[str]:
    return [value_to_override(path, value) for path, value in sorted(params.items())]


def values_of(observation: Observation, config: SweepConfig) -> list[float]:
    if config.cost is None:
        return [observation.score]
    if observation.cost is None:
        raise SweepError(f"sweep cost {config.cost}: the trial reported no cost")
    return [observation.score, observation.cost]


def record_details(trial: Trial, observation: Observation) -> None:
    for key, value in observation.details.items():
        trial.set_user_attr(key, value)


def _sqlite_path(study: optuna.Study) -> str | None:
    """The database file of a study kept in SQLite, else None."""
    backend = getattr(study._storage, "_backend", study._storage)  # Optuna's cache wraps the RDB
    url = getattr(backend, "url", "")
    if not url.startswith("sqlite"):
        return None
    database = make_url(url).database
    return database if database and database != ":memory:" else None


@contextmanager
def _claiming(study: optuna.Study) -> Iterator[None]:
    """One worker at a time takes a waiting trial from a SQLite study. Optuna claims a waiting
    trial by reading it "for update" and marking it running, but SQLite ignores row locks, so two
    workers could both read it waiting and both run it. PostgreSQL and MySQL lock the row."""
    path = _sqlite_path(study)
    if path is None:
        yield
        return
    with exclusive_lock(f"{path}.claim.lock", f"sweep database {path}"):
        yield


def ask(study: optuna.Study) -> Trial:
    """A new trial (the oldest waiting one first), after failing trials whose worker died."""
    with _quiet_heartbeats(), _claiming(study):
        optuna.storages.fail_stale_trials(study)
        return study.ask()


def fail_dead_trials(study: optuna.Study) -> None:
    """Mark FAIL the running trials whose worker stopped beating more than the grace ago."""
    with _quiet_heartbeats():
        optuna.storages.fail_stale_trials(study)


def taken_trials(study: optuna.Study) -> list[FrozenTrial]:
    """Trials that use up the sweep's budget: running, finished or failed (not waiting ones).
    A dead worker's trial counts as failed once `fail_dead_trials` has seen it."""
    states = (TrialState.RUNNING, TrialState.COMPLETE, TrialState.FAIL)
    return sorted(study.get_trials(deepcopy=False, states=states), key=lambda t: t.number)


@contextmanager
def heartbeat(study: optuna.Study, trial: Trial) -> Iterator[None]:
    """Record the trial's heartbeat while it runs, so a crashed worker's trial is failed by others."""
    # The study's storage is Optuna's cache around the RDB storage; both speak BaseHeartbeat.
    storage = study._storage
    if not isinstance(storage, BaseHeartbeat) or not storage.get_heartbeat_interval():
        yield
        return
    interval = storage.get_heartbeat_interval()
    stop = threading.Event()

    def beat() -> None:
        while not stop.is_set():
            try:
                storage.record_heartbeat(trial._trial_id)
            except Exception:  # a missed beat is harmless; the next one retries
                time.sleep(1)
            stop.wait(interval)

    thread = threading.Thread(target=beat, name=f"sweep-heartbeat-{trial.number}", daemon=True)
    thread.start()
    try:
        yield
    finally:
        stop.set()
        thread.join(timeout=5)


def find_trial(study: optuna.Study, run: str) -> FrozenTrial | None:
    matches = [t for t in study.get_trials(deepcopy=False) if t.user_attrs.get("run") == run]
    return max(matches, key=lambda t: t.number) if matches else None


def check_storage_url(url: str) -> str:
    if "://" not in url:
        raise ConfigError(
            f"--storage {url}: expected a database URL like sqlite:///sweep.db or postgresql://..."
        )
    return url
