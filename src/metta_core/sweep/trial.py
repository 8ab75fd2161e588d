"""One sweep trial: train a policy with `metta train` in a subprocess, then score it on a suite.

Training runs as its own process so that a trial that crashes (an out-of-range setting, a NaN, a
killed process) fails that trial only: the sweep worker records it as failed and goes on. The
trial's output goes to `runs/<sweep>/logs/<run>.log`. This module must not talk to Optuna; the
sweep loop (`lifecycle`) records what these functions return.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metta_core.errors import ConfigError, MettaError
from metta_core.sweep.config import SweepConfig
from metta_core.sweep.study import Observation, overrides_of


class TrialFailed(MettaError):
    """A trial's training or evaluation failed; the trial is recorded as failed."""


@dataclass(frozen=True)
class TrialSpec:
    """Everything needed to run one trial."""

    sweep: str
    number: int
    run: str
    params: dict[str, Any]
    config: SweepConfig
    runs_dir: Path
    #: wandb mode for the trial's training ("offline"/"online"); None leaves wandb off.
    wandb_mode: str | None = None

    def train_overrides(self) -> list[str]:
        """The trial's `metta train` overrides: fixed ones, the suggestion, then run and tracking."""
        overrides = [*self.config.train_overrides, *overrides_of(self.params)]
        overrides += [f"run={self.run}", f"data_dir={self.runs_dir}"]
        if self.wandb_mode:
            overrides += [f"wandb.mode={self.wandb_mode}", f"wandb.group={self.sweep}"]
        return overrides

    @property
    def run_dir(self) -> Path:
        return self.runs_dir / self.run

    @property
    def log_path(self) -> Path:
        return self.runs_dir / self.sweep / "logs" / f"{self.run}.log"


#: Runs a trial and returns its observation; raises to mark the trial failed.
RunTrial = Callable[[TrialSpec], Observation]


#: Seconds a stopped trial's `metta train` gets to save its checkpoint before it is killed.
CHILD_STOP_GRACE_S = 60.0


def run_child(command: list[str], log) -> int:
    """Run `command` to its end. If this process is interrupted (Ctrl-C, SIGTERM, SIGHUP) the child
    gets SIGTERM, so it saves and stops rather than living on as an orphan; then the interrupt
    goes on."""
    child = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=os.environ.copy())
    try:
        return child.wait()
    except BaseException:
        child.send_signal(signal.SIGTERM)
        try:
            child.wait(timeout=CHILD_STOP_GRACE_S)
        except subprocess.TimeoutExpired:
            child.kill()
            child.wait()
        raise


def train_and_evaluate(spec: TrialSpec) -> Observation:
    """The real trial: `metta train` with the suggested overrides, then the sweep's suite."""
    spec.log_path.parent.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, "-m", "metta_cli", "train", *spec.train_overrides()]
    started = time.monotonic()
    with spec.log_path.open("w") as log:
        log.write("$ metta train " + " ".join(spec.train_overrides()) + "\n")
        log.flush()
        code = run_child(command, log)
    wall_time_s = time.monotonic() - started
    if code != 0:
        raise TrialFailed(f"trial {spec.run}: metta train exited with code {code} (log: {spec.log_path})")
    return evaluate_run(spec.run_dir, spec.config, wall_time_s=wall_time_s)


def metric_value(result: Any, metric: str, suite: str) -> float:
    """`score` and `<suite>_score` are the suite's mean normalised score; a simulation's name
    (`maze`, or `navigation/maze`) its normalised score; any key of `SuiteResult.metrics()` that."""
    if metric in ("score", f"{suite}_score"):
        return float(result.score)
    metrics = result.metrics()
    for key in (metric, f"{metric}/normalized", f"{suite}/{metric}/normalized"):
        if key in metrics:
            return float(metrics[key])
    known = ", ".join(["score", f"{suite}_score", *metrics])
    raise ConfigError(f"metric '{metric}': suite {suite} does not produce it (known: {known})")


def evaluate_run(
    run_dir: Path, config: SweepConfig, metric: str | None = None, wall_time_s: float | None = None
) -> Observation:
    """Score a finished run's latest policy on the sweep's suite; the cost comes from its checkpoint."""
    from metta_core.policy.store import PolicyStore
    from metta_core.sim.suite import evaluate

    if not run_dir.is_dir():
        raise TrialFailed(f"run {run_dir}: no such run directory")
    metric = metric or config.metric
    result = evaluate(str(run_dir), suite=config.suite, device=config.device, episodes=config.eval_episodes)
    score = metric_value(result, metric, config.suite)
    metadata = PolicyStore().records(str(run_dir))[0].metadata
    agent_steps = float(metadata.get("agent_steps") or 0)
    if wall_time_s is None:
        wall_time_s = float(metadata.get("wall_time") or 0.0)
    details: dict[str, Any] = {
        "metric": metric,
        "suite_score": float(result.score),
        "normalized": {name: float(v) for name, v in result.normalized.items()},
        "agent_steps": agent_steps,
        "wall_time_s": wall_time_s,
    }
    cost = {"wall_time": wall_time_s, "agent_steps": agent_steps}.get(config.cost or "")
    return Observation(score=score, cost=cost, details=details)
