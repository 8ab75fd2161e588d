"""A run's training curves from its `metrics.jsonl`: reward and hearts, losses, speed, suite scores.

`metta analyze --run runs/<run>` draws them into one PNG (four panels against agent steps) and
returns a summary of the last and best figures. Reads only the run directory's files.
"""

from __future__ import annotations

import json
from pathlib import Path

from metta_core.report.selection import ReportError

PANELS = (
    ("episodes", ("episode_reward", "episode_hearts")),
    ("losses", ("policy_loss", "value_loss", "entropy")),
    ("speed (agent steps/s)", ("agent_steps_per_s",)),
    ("suite score (normalised)", ("eval_score",)),
)


def read_metrics(run_dir: Path) -> list[dict]:
    path = Path(run_dir) / "metrics.jsonl"
    if not path.is_file():
        raise ReportError(f"--run {run_dir}: no metrics.jsonl (is it a `metta train` run directory?)")
    rows = []
    for number, line in enumerate(path.read_text().splitlines(), start=1):
        if line.strip():
            try:
                rows.append(json.loads(line))
            except json.JSONDecodeError:
                raise ReportError(f"{path}: line {number} is not JSON") from None
    if not rows:
        raise ReportError(f"{path}: no epochs recorded yet")
    return rows


def summarise(rows: list[dict]) -> dict[str, float]:
    """The last value of every curve, and the best episode reward and suite score."""
    summary: dict[str, float] = {"epochs": float(max(r.get("epoch", 0) for r in rows))}
    for _, keys in PANELS:
        for key in keys:
            values = [r[key] for r in rows if key in r]
            if values:
                summary[f"last_{key}"] = float(values[-1])
    for key in ("episode_reward", "eval_score"):
        values = [r[key] for r in rows if key in r]
        if values:
            summary[f"best_{key}"] = float(max(values))
    return summary


def draw_training_curves(run_dir: Path, out_path: Path) -> dict[str, float]:
    """Write the four-panel PNG; returns `summarise` of the run's metrics."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    rows = read_metrics(run_dir)
    figure, axes = plt.subplots(2, 2, figsize=(11, 7))
    for axis, (title, keys) in zip(axes.flat, PANELS, strict=True):
        for key in keys:
            points = [(r["agent_steps"], r[key]) for r in rows if key in r]
            if points:
                steps, values = zip(*points, strict=True)
                axis.plot(steps, values, label=key, marker="o" if key == "eval_score" else None)
        axis.set_title(title)
        axis.set_xlabel("agent steps")
        if axis.lines:
            axis.legend(fontsize=8)
    figure.suptitle(f"training curves of {Path(run_dir).name}")
    figure.tight_layout()
    Path(out_path).parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(out_path, dpi=100)
    plt.close(figure)
    return summarise(rows)
