"""The reference trainer's wandb metric names, logged beside ours so Metta dashboards and
reports work on metta runs (metta_formats.md 1.4).

Step metric `metric/agent_step` (plus `metric/epoch`, `metric/total_time`); `overview/reward`
and `overview/sps`; `losses/*`; `parameters/learning_rate`; `env_agent/<counter>` (each agent
counter's mean per agent per episode over the epoch's finished episodes); and after an
evaluation `eval_<suite>/score`, `eval_<suite>/<simulation>` and `overview/<suite>_score`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

#: Our training metric -> the reference's name.
TRAIN_NAMES = {
    "episode_reward": "overview/reward",
    "agent_steps_per_s": "overview/sps",
    "policy_loss": "losses/policy_loss",
    "value_loss": "losses/value_loss",
    "entropy": "losses/entropy",
    "approx_kl": "losses/approx_kl",
    "clipfrac": "losses/clipfrac",
    "explained_variance": "losses/explained_variance",
    "learning_rate": "parameters/learning_rate",
}
STEP_METRIC = "metric/agent_step"


def training_names(
    metrics: Mapping[str, float], agent_stats: Iterable[Mapping[str, float]], agent_steps: int, epoch: int,
    wall_time: float,
) -> dict[str, float]:  # fmt: skip
    """One epoch's metrics under the reference's names; `agent_stats` holds one dict per agent of
    every episode that ended in the epoch."""
    named = {TRAIN_NAMES[key]: value for key, value in metrics.items() if key in TRAIN_NAMES}
    named.update({STEP_METRIC: agent_steps, "metric/epoch": epoch, "metric/total_time": wall_time})
    sums: dict[str, float] = {}
    agents = 0
    for stats in agent_stats:
        agents += 1
        for counter, value in stats.items():
            sums[counter] = sums.get(counter, 0.0) + float(value)
    for counter, total in sums.items():
        named[f"env_agent/{counter}"] = total / agents  # an agent without the counter counts as 0
    return named


def evaluation_names(
    suite: str, score: float, normalized: Mapping[str, float], agent_steps: int
) -> dict[str, float]:
    """An evaluation's scores under the reference's names."""
    named = {f"eval_{suite}/score": score, f"overview/{suite}_score": score, STEP_METRIC: agent_steps}
    named.update({f"eval_{suite}/{name}": value for name, value in normalized.items()})
    return named
