"""`analyze`: an HTML report (figures embedded), JSON and a PDF of one policy's evaluations.

Contents: per-env scores with 95% confidence intervals, per-metric distributions, a behaviour
breakdown (action success and failure, items gained) of the analysed checkpoint, and the scores
of every checkpoint of the run in order (learning progress). Reads the stats database only.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from metta_core import storage
from metta_core.report import html
from metta_core.report.episodes import EpisodeTable
from metta_core.report.selection import PolicyInfo, ReportError, select_policies
from metta_core.stats.db import open_stats_db
from metta_core.stats.shell import open_database

#: Metrics shown as distributions: reward first, then the most active counters.
MAX_DISTRIBUTIONS = 8


@dataclass
class AnalysisResult:
    policy: str
    checkpoints: list[str]
    html_uri: str
    json_uri: str
    pdf_uri: str | None
    data: dict[str, Any]


def _join(base: str, name: str) -> str:
    return f"{base.rstrip('/')}/{name}" if storage.is_s3(base) else str(storage.local_path(base) / name)


def build_analysis(table: EpisodeTable, policies: list[PolicyInfo], analysed: PolicyInfo) -> dict[str, Any]:
    """Every number of the report, as JSON-ready data."""
    name = analysed.name
    scores = {}
    for eval_name in table.evals(name):
        summary = table.summary(name, eval_name, "reward")
        if summary is not None:
            scores[eval_name] = summary.to_json()
    metrics = table.metrics(name)
    distributions = {}
    for metric in metrics:
        values = table.pooled(name, metric)
        if values:
            ordered = sorted(values)
            distributions[metric] = {
                "mean": sum(values) / len(values),
                "p05": ordered[int(0.05 * (len(ordered) - 1))],
                "median": ordered[(len(ordered) - 1) // 2],
                "p95": ordered[int(0.95 * (len(ordered) - 1))],
                "episodes": len(values),
            }
    actions: dict[str, dict[str, float]] = {}
    items: dict[str, float] = {}
    for metric, dist in distributions.items():
        parts = metric.split(".")
        if parts[0] == "action" and len(parts) == 3 and parts[2] in ("success", "failed"):
            actions.setdefault(parts[1], {"success": 0.0, "failed": 0.0})[parts[2]] = dist["mean"]
        elif len(parts) == 2 and parts[1] == "gained":
            items[parts[0]] = dist["mean"]
    progress = []
    for policy in policies:
        row: dict[str, Any] = {
            "policy": policy.name,
            "epoch": policy.epoch,
            "agent_steps": policy.agent_steps,
        }
        row["scores"] = {
            e: s.mean
            for e in table.evals(policy.name)
            if (s := table.summary(policy.name, e, "reward")) is not None
        }
        progress.append(row)
    return {
        "policy": name,
        "uri": analysed.uri,
        "epoch": analysed.epoch,
        "agent_steps": analysed.agent_steps,
        "checkpoints": [p.name for p in policies],
        "scores": scores,
        "distributions": distributions,
        "behaviour": {"actions": actions, "items_gained": items},
        "progress": progress,
    }


def _figures(data: dict[str, Any], table: EpisodeTable) -> list[tuple[str, Any]]:
    plt = html.pyplot()
    figures = []
    scores = data["scores"]
    if scores:
        fig, ax = plt.subplots(figsize=(8, 0.4 * len(scores) + 1.5))
        names = list(scores)
        means = [scores[n]["mean"] for n in names]
        errors = [scores[n]["mean"] - scores[n]["ci95_low"] for n in names]
        ax.barh(names, means, xerr=errors, color="#4c72b0", capsize=3)
        ax.invert_yaxis()
        ax.set_xlabel("reward per agent per episode (95% CI)")
        ax.set_title("Scores per environment")
        figures.append(("scores", fig))
    dist_metrics = _distribution_metrics(data)
    if dist_metrics:
        fig, ax = plt.subplots(figsize=(8, 0.45 * len(dist_metrics) + 1.5))
        ax.boxplot(
            [table.pooled(data["policy"], m) for m in dist_metrics],
            orientation="horizontal",
            tick_labels=dist_metrics,
        )
        ax.invert_yaxis()
        ax.set_title("Per-episode distributions")
        figures.append(("distributions", fig))
    actions = data["behaviour"]["actions"]
    if actions:
        fig, ax = plt.subplots(figsize=(8, 3.5))
        names = list(actions)
        success = [actions[a]["success"] for a in names]
        failed = [actions[a]["failed"] for a in names]
        ax.bar(names, success, label="success", color="#55a868")
        ax.bar(names, failed, bottom=success, label="failed", color="#c44e52")
        ax.set_ylabel("per agent per episode")
        ax.set_title("Actions: success and failure")
        ax.tick_params(axis="x", labelrotation=30)
        ax.legend()
        figures.append(("actions", fig))
    items = data["behaviour"]["items_gained"]
    if items:
        fig, ax = plt.subplots(figsize=(8, 3))
        ax.bar(list(items), list(items.values()), color="#8172b2")
        ax.set_ylabel("per agent per episode")
        ax.set_title("Items gained")
        ax.tick_params(axis="x", labelrotation=30)
        figures.append(("items", fig))
    progress = data["progress"]
    if len(progress) > 1:
        fig, ax = plt.subplots(figsize=(8, 3.5))
        xs = list(range(len(progress)))
        for eval_name in sorted({e for row in progress for e in row["scores"]}):
            ys = [row["scores"].get(eval_name) for row in progress]
            ax.plot(xs, [float("nan") if y is None else y for y in ys], marker="o", label=eval_name)
        ax.set_xticks(xs, [row["policy"] for row in progress], rotation=30, ha="right")
        ax.set_ylabel("reward per agent per episode")
        ax.set_title("Learning progress across checkpoints")
        ax.legend(fontsize=7)
        figures.append(("progress", fig))
    return figures


def _distribution_metrics(data: dict[str, Any]) -> list[str]:
    dists = data["distributions"]
    others = sorted(
        (m for m in dists if m not in ("reward", "raw_reward")), key=lambda m: -abs(dists[m]["mean"])
    )
    return (["reward"] if "reward" in dists else []) + others[: MAX_DISTRIBUTIONS - 1]


def _html(data: dict[str, Any], images: dict[str, str]) -> str:
    parts = [
        f'<p class="note">checkpoint {html.escape(data["policy"])} (uri {html.escape(data["uri"] or "-")}, '
        f"epoch {html.number(data['epoch'])}, agent steps {html.number(data['agent_steps'])}); "
        f"{len(data['checkpoints'])} checkpoint(s) of this policy in the database.</p>",
        "<h2>Scores per environment</h2>",
        html.table(
            ["environment", "mean", "95% CI low", "95% CI high", "std", "episodes", "normalized"],
            [
                [e, s["mean"], s["ci95_low"], s["ci95_high"], s["std"], s["episodes"], s.get("normalized")]
                for e, s in data["scores"].items()
            ],
        ),
        images.get("scores", ""),
        "<h2>Per-metric distributions</h2>",
        images.get("distributions", ""),
        html.table(
            ["metric", "mean", "p05", "median", "p95", "episodes"],
            [
                [m, d["mean"], d["p05"], d["median"], d["p95"], d["episodes"]]
                for m, d in data["distributions"].items()
            ],
        ),
        "<h2>Behaviour</h2>",
        images.get("actions", ""),
        html.table(
            ["action", "success", "failed", "success rate"],
            [
                [
                    a,
                    v["success"],
                    v["failed"],
                    v["success"] / (v["success"] + v["failed"]) if any(v.values()) else None,
                ]
                for a, v in data["behaviour"]["actions"].items()
            ],
        ),
        images.get("items", ""),
        html.table(["item", "gained"], list(data["behaviour"]["items_gained"].items())),
        "<h2>Learning progress</h2>",
        images.get("progress", '<p class="note">Only one checkpoint of this policy was evaluated.</p>'),
    ]
    evals = sorted({e for row in data["progress"] for e in row["scores"]})
    parts.append(
        html.table(
            ["checkpoint", "epoch", "agent steps", *evals],
            [
                [r["policy"], r["epoch"], r["agent_steps"], *(r["scores"].get(e) for e in evals)]
                for r in data["progress"]
            ],
        )
    )
    return html.page(f"Analysis of {data['policy']}", "\n".join(parts))


def analyze(
    policy: str,
    stats_db_uri: str,
    output_path: str,
    selector: str = "latest",
    metric: str = "reward",
    pdf: bool = True,
) -> AnalysisResult:
    """Write analysis.html, analysis.json (and analysis.pdf) for `policy` under `output_path`.

    `selector` picks the analysed checkpoint among the policy's evaluated ones: `latest` (highest
    epoch) or `top` (best mean `metric` over all evals)."""
    storage.check_writable(output_path, directory=True)  # before reading anything
    with open_database(stats_db_uri) as path, open_stats_db(path) as db:
        policies = select_policies(db, [policy])
        table = EpisodeTable(db, [p.name for p in policies])
        baselines = recorded_baselines(db)
    analysed = _choose(policies, table, selector, metric)
    data = build_analysis(table, policies, analysed)
    for eval_name, score in data["scores"].items():
        low, high = baselines.get(eval_name, (None, None))
        if low is not None and high is not None and high != low:
            score["normalized"] = (score["mean"] - low) / (high - low)
    data["stats_db_uri"] = stats_db_uri
    figures = _figures(data, table)
    images = {name: html.image(html.figure_png(fig), name) for name, fig in figures}
    html_uri, json_uri = _join(output_path, "analysis.html"), _join(output_path, "analysis.json")
    storage.write_bytes(html_uri, _html(data, images).encode(), "text/html")
    storage.write_bytes(json_uri, json.dumps(data, indent=2).encode(), "application/json")
    pdf_uri = None
    if pdf and figures:
        pdf_uri = _join(output_path, "analysis.pdf")
        storage.write_bytes(pdf_uri, _pdf(figures), "application/pdf")
    plt = html.pyplot()
    for _, fig in figures:
        plt.close(fig)
    return AnalysisResult(analysed.name, [p.name for p in policies], html_uri, json_uri, pdf_uri, data)


def recorded_baselines(db) -> dict[str, tuple[float | None, float | None]]:
    """eval -> (random_score, reference_score) as recorded with its simulations by `metta sim`."""
    _, rows = db.query(
        "SELECT suite || '/' || name, json_extract(metadata, '$.random_score')::DOUBLE, "
        "json_extract(metadata, '$.reference_score')::DOUBLE FROM simulations"
    )
    return {name: (low, high) for name, low, high in rows if low is not None}


def _choose(policies: list[PolicyInfo], table: EpisodeTable, selector: str, metric: str) -> PolicyInfo:
    if selector == "latest":
        return policies[-1]
    if selector == "top":
        known = sorted({m for p in policies for m in table.metrics(p.name)})
        if metric not in known:
            raise ReportError(
                f"metric {metric}: no evaluated checkpoint has it (known: {', '.join(known) or 'none'})"
            )

        def mean(policy: PolicyInfo) -> float:
            values = table.pooled(policy.name, metric)
            return sum(values) / len(values) if values else float("-inf")

        return max(policies, key=mean)
    raise ReportError(f"selector {selector}: unknown (known: latest, top)")


def _pdf(figures: list[tuple[str, Any]]) -> bytes:
    import io

    from matplotlib.backends.backend_pdf import PdfPages

    buffer = io.BytesIO()
    with PdfPages(buffer) as pdf:
        for _, fig in figures:
            pdf.savefig(fig, bbox_inches="tight")
    return buffer.getvalue()


def default_output(policy: str) -> str:
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in Path(policy.rstrip("/")).name or policy)
    return str(Path("analysis") / safe)
