"""Optuna samplers of a sweep: GP (default), TPE or random, started near the sweep's centre.

The first trial is the centre itself (enqueued by `study.create_sweep_study`); the next start-up
trials are drawn from a normal around the centre with each parameter's `scale`, and only then does
the model (GP or TPE) choose. Drawing near the centre rather than uniformly over the bounds is what
the reference's Protein does: the centre is usually a setting known to work. This module must not
touch storage or run anything.
"""

from __future__ import annotations

import math
import warnings
import zlib
from typing import Any

import numpy as np
import optuna
from optuna.distributions import BaseDistribution, CategoricalDistribution, FloatDistribution, IntDistribution
from optuna.samplers import BaseSampler
from optuna.trial import FrozenTrial, TrialState

from metta_core.sweep.config import SweepConfig, SweepParameter


def optuna_distribution(parameter: SweepParameter) -> BaseDistribution:
    if parameter.distribution == "categorical":
        return CategoricalDistribution(parameter.choices)
    if parameter.distribution == "int":
        return IntDistribution(int(parameter.min), int(parameter.max))
    return FloatDistribution(parameter.min, parameter.max, log=parameter.distribution == "log_uniform")


def search_space(config: SweepConfig) -> dict[str, BaseDistribution]:
    return {path: optuna_distribution(parameter) for path, parameter in config.parameters.items()}


class CentredSampler(BaseSampler):
    """Independent samples from a normal around each parameter's centre, clipped to its bounds.

    Each draw is seeded by (sweep seed, trial number, parameter) so that which worker process
    draws a trial does not change its values.
    """

    def __init__(self, config: SweepConfig) -> None:
        self._config = config

    def infer_relative_search_space(
        self, study: optuna.Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        return {}

    def sample_relative(
        self, study: optuna.Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        return {}

    def sample_independent(
        self, study: optuna.Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        rng = np.random.default_rng([self._config.seed, trial.number, zlib.crc32(param_name.encode())])
        parameter = self._config.parameters.get(param_name)
        if isinstance(param_distribution, CategoricalDistribution):
            return param_distribution.choices[int(rng.integers(len(param_distribution.choices)))]
        low, high = float(param_distribution.low), float(param_distribution.high)
        log = bool(getattr(param_distribution, "log", False))
        to_space = math.log if log else float
        lo, hi = to_space(low), to_space(high)
        centre = to_space(parameter.centre()) if parameter is not None else (lo + hi) / 2
        scale = parameter.scale if parameter is not None else 0.5
        value = float(np.clip(rng.normal(centre, scale * (hi - lo)), lo, hi))
        value = math.exp(value) if log else value
        if isinstance(param_distribution, IntDistribution):
            return int(min(max(round(value), param_distribution.low), param_distribution.high))
        return min(max(value, low), high)


class StartNearCentre(BaseSampler):
    """Delegate to `model` once `startup` trials are complete; sample near the centre before."""

    def __init__(self, model: BaseSampler, centred: CentredSampler, startup: int) -> None:
        self._model = model
        self._centred = centred
        self._startup = startup

    def _starting(self, study: optuna.Study) -> bool:
        return len(study.get_trials(deepcopy=False, states=(TrialState.COMPLETE,))) < self._startup

    def infer_relative_search_space(
        self, study: optuna.Study, trial: FrozenTrial
    ) -> dict[str, BaseDistribution]:
        if self._starting(study):
            return {}
        return self._model.infer_relative_search_space(study, trial)

    def sample_relative(
        self, study: optuna.Study, trial: FrozenTrial, search_space: dict[str, BaseDistribution]
    ) -> dict[str, Any]:
        if not search_space:
            return {}
        return self._model.sample_relative(study, trial, search_space)

    def sample_independent(
        self, study: optuna.Study, trial: FrozenTrial, param_name: str, param_distribution: BaseDistribution
    ) -> Any:
        sampler = self._centred if self._starting(study) else self._model
        return sampler.sample_independent(study, trial, param_name, param_distribution)

    def before_trial(self, study: optuna.Study, trial: FrozenTrial) -> None:
        self._model.before_trial(study, trial)

    def after_trial(
        self, study: optuna.Study, trial: FrozenTrial, state: TrialState, values: list[float] | None
    ) -> None:
        self._model.after_trial(study, trial, state, values)

    def reseed_rng(self) -> None:
        self._model.reseed_rng()


def make_sampler(config: SweepConfig) -> BaseSampler:
    centred = CentredSampler(config)
    if config.sampler == "gp":
        model: BaseSampler = optuna.samplers.GPSampler(
            seed=config.seed,
            independent_sampler=centred,
            n_startup_trials=config.startup_trials,
            warn_independent_sampling=False,
        )
    elif config.sampler == "tpe":
        with warnings.catch_warnings():  # multivariate TPE is "experimental" and the best TPE
            warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
            model = optuna.samplers.TPESampler(
                seed=config.seed,
                n_startup_trials=config.startup_trials,
                multivariate=True,
            )
    else:
        model = optuna.samplers.RandomSampler(seed=config.seed)
    return StartNearCentre(model, centred, config.startup_trials)
