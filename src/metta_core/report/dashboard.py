"""`dashboard`: the policies x evals matrix of chosen metrics as JSON, plus a one-file HTML heatmap.

The JSON carries each policy's metadata (uri, epoch, agent steps), the eval names
(`suite/simulation`) and, per metric, a matrix `values[policy][eval]` of means over episodes
(null where a policy was not evaluated), with the per-cell episode counts and standard deviations.
The HTML sits next to the JSON (same name, `.html`); its cells are coloured per metric row range.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from metta_core import storage
from metta_core.report import html
from metta_core.report.episodes import EpisodeTable
from metta_core.report.selection import PolicyInfo, ReportError, evaluated_policies, select_policies
from metta_core.stats.db import open_stats_db
from metta_core.stats.shell import open_database


@dataclass
class DashboardResult:
    json_uri: str
    html_uri: str
    data: dict[str, Any]


def build_dashboard(table: EpisodeTable, policies, metrics: list[str], stats_db_uri: str) -> dict[str, Any]:
    evals = table.evals()
    matrices: dict[str, Any] = {}
    for metric in metrics:
        values, stds, episodes = [], [], []
        for policy in policies:
            summaries = [table.summary(policy.name, e, metric) for e in evals]
            values.append([None if s is None else s.mean for s in summaries])
            stds.append([None if s is None else s.std for s in summaries])
            episodes.append([0 if s is None else s.episodes for s in summaries])
        present = [v for row in values for v in row if v is not None]
        matrices[metric] = {
            "values": values,
            "std": stds,
            "episodes": episodes,
            "policy_mean": [_mean([v for v in row if v is not None]) for row in values],
            "min": min(present) if present else None,
            "max": max(present) if present else None,
        }
    return {
        "generated_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "stats_db_uri": stats_db_uri,
        "metrics": metrics,
        "evals": evals,
        "policies": [
            {
                "name": p.name,
                "uri": p.uri,
                "epoch": p.epoch,
                "agent_steps": p.agent_steps,
                "metadata": p.metadata,
            }
            for p in policies
        ],
        "matrix": matrices,
    }


def _mean(values: list[float]) -> float | None:
    return sum(values) / len(values) if values else None


def _colour(value: float | None, low: float | None, high: float | None) -> str:
    """White (low) to green (high); grey where there is no value."""
    if value is None or low is None or high is None:
        return "background:#eee"
    t = 0.5 if high == low else (value - low) / (high - low)
    red, green, blue = int(255 - 175 * t), int(255 - 75 * t), int(255 - 175 * t)
    return f"background:rgb({red},{green},{blue})"


def render_html(data: dict[str, Any]) -> str:
    parts = [
        f'<p class="note">From {html.escape(data["stats_db_uri"])}, generated {data["generated_at"]}.</p>'
    ]
    names = [p["name"] for p in data["policies"]]
    for metric in data["metrics"]:
        matrix = data["matrix"][metric]
        rows = [
            [name, *row, mean]
            for name, row, mean in zip(names, matrix["values"], matrix["policy_mean"], strict=True)
        ]
        styles = [
            ["", *(_colour(v, matrix["min"], matrix["max"]) for v in row), ""] for row in matrix["values"]
        ]
        parts.append(f"<h2>{html.escape(metric)}</h2>")
        parts.append(html.table(["policy", *data["evals"], "mean"], rows, styles))
    parts.append("<h2>Policies</h2>")
    parts.append(
        html.table(
            ["policy", "uri", "epoch", "agent steps"],
            [[p["name"], p["uri"] or "-", p["epoch"], p["agent_steps"]] for p in data["policies"]],
        )
    )
    return html.page("metta dashboard", "\n".join(parts))


def html_uri_for(json_uri: str) -> str:
    return (json_uri[: -len(".json")] if json_uri.endswith(".json") else json_uri) + ".html"


def dashboard(
    stats_db_uri: str, output_path: str, policies: list[str] | None = None, metrics: list[str] | None = None
) -> DashboardResult:
    """Write the dashboard JSON to `output_path` and its HTML heatmap beside it."""
    metrics = metrics or ["reward"]
    with open_database(stats_db_uri) as path, open_stats_db(path) as db:
        chosen = (
            select_policies(db, policies)
            if policies
            else sorted(evaluated_policies(db), key=PolicyInfo.sort_key)
        )
        if not chosen:
            raise ReportError(
                f"{stats_db_uri}: the stats database holds no evaluations (run `metta sim` first)"
            )
        table = EpisodeTable(db, [p.name for p in chosen])
        _, rows = db.query("SELECT DISTINCT metric FROM agent_metrics")
    known = {r[0] for r in rows}
    unknown = [m for m in metrics if m not in known]
    if unknown:
        sample = ", ".join(sorted(known)[:12])
        raise ReportError(f"metrics {', '.join(unknown)}: not in {stats_db_uri} (it has: {sample} ...)")
    data = build_dashboard(table, chosen, metrics, stats_db_uri)
    html_uri = html_uri_for(output_path)
    storage.write_bytes(output_path, json.dumps(data, indent=2).encode(), "application/json")
    storage.write_bytes(html_uri, render_html(data).encode(), "text/html")
    return DashboardResult(output_path, html_uri, data)
