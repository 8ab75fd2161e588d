"""Per-episode numbers of chosen policies, read from the stats database, and their summaries.

One row per (policy, eval, episode, metric): the metric's mean over the policy's agents in that
episode. Scores, confidence intervals and distributions are computed from these rows, so every
figure counts episodes (not agents) as samples.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from metta_core.statistics import ci95_half_width, sample_std
from metta_core.stats.db import StatsDB


@dataclass(frozen=True)
class Summary:
    mean: float
    std: float
    episodes: int
    ci95: float
    min: float
    max: float

    @classmethod
    def of(cls, values: list[float]) -> Summary:
        n = len(values)
        std = sample_std(values)
        return cls(sum(values) / n, std, n, ci95_half_width(std, n), min(values), max(values))

    def to_json(self) -> dict[str, float | int]:
        return {
            "mean": self.mean,
            "std": self.std,
            "episodes": self.episodes,
            "ci95_low": self.mean - self.ci95,
            "ci95_high": self.mean + self.ci95,
            "min": self.min,
            "max": self.max,
        }


class EpisodeTable:
    """values[policy][eval][metric] -> per-episode values."""

    def __init__(self, db: StatsDB, policies: list[str]) -> None:
        self.values: dict[str, dict[str, dict[str, list[float]]]] = defaultdict(
            lambda: defaultdict(lambda: defaultdict(list))
        )
        if not policies:
            return
        marks = ", ".join("?" for _ in policies)
        _, rows = db.query(
            "SELECT policy_name, suite || '/' || simulation AS eval, episode, metric, AVG(value) "
            f"FROM episode_metrics WHERE policy_name IN ({marks}) GROUP BY ALL ORDER BY 1, 2, 3",
            policies,
        )
        for policy, eval_name, _episode, metric, value in rows:
            self.values[policy][eval_name][metric].append(float(value))

    def evals(self, policy: str | None = None) -> list[str]:
        names = {e for p, by_eval in self.values.items() if policy in (None, p) for e in by_eval}
        return sorted(names)

    def summary(self, policy: str, eval_name: str, metric: str) -> Summary | None:
        values = self.values.get(policy, {}).get(eval_name, {}).get(metric)
        return Summary.of(values) if values else None

    def pooled(self, policy: str, metric: str) -> list[float]:
        """Per-episode values of a metric across every eval of a policy."""
        return [v for by_metric in self.values.get(policy, {}).values() for v in by_metric.get(metric, [])]

    def metrics(self, policy: str) -> list[str]:
        return sorted({m for by_metric in self.values.get(policy, {}).values() for m in by_metric})
