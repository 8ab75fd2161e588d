"""What a sweep found: best trial, Pareto front, parameter importances, and a PNG plot.

`summarise` reads the study and writes `runs/<sweep>/sweep.png`; `metta sweep show` prints the
summary. Read-only towards the study. Importances use optuna's PED-ANOVA evaluator, which needs no
scikit-learn (fANOVA, optuna's default, does).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import optuna
from optuna.trial import FrozenTrial, TrialState

from metta_core.sweep.config import SweepConfig
from metta_core.sweep.lifecycle import open_sweep


@dataclass
class TrialRow:
    number: int
    run: str
    values: list[float]
    params: dict[str, Any]


@dataclass
class SweepSummary:
    name: str
    config: SweepConfig
    #: Trials by state name (COMPLETE, FAIL, RUNNING, WAITING, PRUNED).
    counts: dict[str, int]
    best: TrialRow | None
    #: Non-dominated trials of score vs cost (the best trial alone without a cost), best score first.
    pareto_front: list[TrialRow]
    #: Parameter -> importance for the metric (sums to 1); empty with too few complete trials.
    importances: dict[str, float]
    plot_path: Path | None
    failures: list[tuple[int, str]] = field(default_factory=list)


def _row(trial: FrozenTrial) -> TrialRow:
    return TrialRow(
        trial.number, str(trial.user_attrs.get("run", f"#{trial.number}")), list(trial.values), trial.params
    )


def _importances(study: optuna.Study, complete: list[FrozenTrial]) -> dict[str, float]:
    varied = {
        name for trial in complete for name in trial.params if len({t.params.get(name) for t in complete}) > 1
    }
    if len(complete) < 3 or not varied:
        return {}
    evaluator = optuna.importance.PedAnovaImportanceEvaluator()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return optuna.importance.get_param_importances(
                study, evaluator=evaluator, params=sorted(varied), target=lambda t: t.values[0]
            )
        except (ValueError, RuntimeError):  # degenerate observations (all equal) leave nothing to rank
            return {}


def summarise(
    name: str, *, runs_dir: Path = Path("runs"), storage: str | None = None, plot: bool = True
) -> SweepSummary:
    config, study = open_sweep(name, runs_dir=runs_dir, storage=storage)
    trials = study.get_trials(deepcopy=False)
    counts: dict[str, int] = {}
    for trial in trials:
        counts[trial.state.name] = counts.get(trial.state.name, 0) + 1
    complete = [t for t in trials if t.state == TrialState.COMPLETE]
    front: list[FrozenTrial] = []
    if complete:
        front = study.best_trials if config.cost is not None else [study.best_trial]
    front = sorted(front, key=lambda t: -t.values[0])
    failures = [
        (t.number, str(t.user_attrs.get("error", "no error recorded")))
        for t in trials
        if t.state == TrialState.FAIL
    ]
    plot_path = None
    if plot and complete:
        plot_path = write_plot(runs_dir / name / "sweep.png", name, config, complete, front)
    return SweepSummary(
        name=name,
        config=config,
        counts=counts,
        best=_row(front[0]) if front else None,
        pareto_front=[_row(t) for t in front],
        importances=_importances(study, complete),
        plot_path=plot_path,
        failures=failures,
    )


def write_plot(
    path: Path, name: str, config: SweepConfig, complete: list[FrozenTrial], front: list[FrozenTrial]
) -> Path:
    """Score by trial with the best so far; with a cost, also score vs cost with the Pareto front."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panels = 2 if config.cost is not None else 1
    figure, axes = plt.subplots(1, panels, figsize=(6 * panels, 4.2), squeeze=False)
    history = sorted(complete, key=lambda t: t.number)
    numbers = [t.number for t in history]
    scores = [t.values[0] for t in history]
    best_so_far = [max(scores[: i + 1]) for i in range(len(scores))]
    ax = axes[0][0]
    ax.scatter(numbers, scores, s=18, label="trial")
    ax.step(numbers, best_so_far, where="post", color="tab:red", label="best so far")
    ax.set_xlabel("trial")
    ax.set_ylabel(config.metric)
    ax.set_title(f"sweep {name}: {config.metric} by trial")
    ax.legend(loc="lower right")
    if config.cost is not None:
        ax = axes[0][1]
        ax.scatter([t.values[1] for t in complete], [t.values[0] for t in complete], s=18, label="trial")
        ordered = sorted(front, key=lambda t: t.values[1])
        ax.plot(
            [t.values[1] for t in ordered],
            [t.values[0] for t in ordered],
            "o-",
            color="tab:red",
            label="Pareto front",
        )
        ax.set_xlabel(config.cost)
        ax.set_ylabel(config.metric)
        ax.set_title(f"{config.metric} vs {config.cost}")
        ax.legend(loc="lower right")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".tmp.png")
    figure.savefig(temporary, dpi=100)
    plt.close(figure)
    temporary.replace(path)
    return path
