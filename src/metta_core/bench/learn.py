"""The learning benchmark: minutes of training (on this machine) until a preset passes its suite.

`bench_learn` trains the way `metta train --env E` does (the preset's own trainer settings
included), evaluates the network on the preset's suite every `eval_every` epochs, and stops at the
first evaluation that passes, at `minutes` of training, or at the run's total steps. Minutes are
training wall time: evaluations are not counted (their share is reported apart). The curve (suite
score and episode reward against minutes) is saved as a PNG. Prints nothing.
"""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from metta_core.rl.settings import TrainSettings


def bench_learn(settings: TrainSettings, minutes: float, eval_every: int, curve: Path | None = None) -> dict:
    """Train, evaluate as it goes, and return the figures (`minutes_to_pass`, `best_score`, ...)."""
    from metta_core.rl.trainer import train
    from metta_core.sim.suite import suite_for_env

    suite = settings.trainer.evaluate_suite or suite_for_env(settings.env.name)
    if suite is None:
        from metta_core.errors import ConfigError

        raise ConfigError(
            f"env {settings.env.name}: no suite to pass (name one with trainer.evaluate_suite=)"
        )
    trainer = settings.trainer.model_copy(
        update={
            "evaluate_interval": eval_every,
            "evaluate_suite": suite,
            "stop_on_pass": True,
            "max_minutes": minutes,
        }
    )
    settings = settings.model_copy(update={"trainer": trainer})
    start = time.perf_counter()
    result = train(settings)
    elapsed = time.perf_counter() - start
    rows = [json.loads(line) for line in (result.run_dir / "metrics.jsonl").read_text().splitlines() if line]
    evaluations = [r for r in rows if "eval_score" in r]
    epochs = [r for r in rows if "episode_reward" in r]
    passed = next((r for r in evaluations if r["eval_passed"]), None)
    best = max(evaluations, key=lambda r: r["eval_score"], default=None)
    figures: dict[str, object] = {
        "env": settings.env.name,
        "suite": suite,
        "minutes_to_pass": round(passed["wall_time_s"] / 60, 2) if passed else "not_passed",
        "agent_steps_to_pass": passed["agent_steps"] if passed else "not_passed",
        "best_score": round(best["eval_score"], 3) if best else "none",
        "best_score_minutes": round(best["wall_time_s"] / 60, 2) if best else "none",
        "training_minutes": round(result.wall_time_s / 60, 2),
        "agent_steps": result.agent_steps,
        "evaluations": len(evaluations),
        "evaluation_minutes": round(max(elapsed - result.wall_time_s, 0.0) / 60, 2),
        "run_dir": str(result.run_dir),
    }
    curve = curve or result.run_dir / "learning_curve.png"
    draw_curve(curve, epochs, evaluations, settings.env.name, suite)
    figures["curve"] = str(curve)
    return figures


def draw_curve(path: Path, epochs: list[dict], evaluations: list[dict], env: str, suite: str) -> None:
    """Suite score (left axis) and mean episode reward (right axis) against training minutes."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure, axis = plt.subplots(figsize=(7, 4))
    axis.plot(
        [r["wall_time_s"] / 60 for r in evaluations],
        [r["eval_score"] for r in evaluations],
        "o-",
        label="suite score",
    )
    axis.axhline(0.5, color="grey", linestyle=":", label="pass score")
    axis.set_xlabel(f"training minutes ({os.cpu_count()} CPU cores)")
    axis.set_ylabel(f"{suite} suite score (normalised)")
    other = axis.twinx()
    other.plot(
        [r["wall_time_s"] / 60 for r in epochs],
        [r["episode_reward"] for r in epochs],
        color="tab:orange",
        alpha=0.6,
    )
    other.set_ylabel("episode reward per agent", color="tab:orange")
    axis.set_title(f"metta bench learn --env {env}")
    axis.legend(loc="upper left")
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100)
    plt.close(figure)
