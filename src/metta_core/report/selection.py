"""Which policy names of a stats database a user's policy URI or name refers to.

The database knows policies by name (`navrun:epoch_12`, `random`) and records each one's URI in
`policy_metadata`. A request matches a name exactly, a recorded URI exactly or as a directory
prefix (a run directory matches its checkpoints), or a run name (`navrun` matches `navrun:*`).
No policy is loaded: analysis needs only what the evaluations recorded.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from metta_core.errors import MettaError
from metta_core.stats.db import StatsDB


class ReportError(MettaError):
    """A report cannot be made from the given database and policies."""


@dataclass
class PolicyInfo:
    name: str
    uri: str | None = None
    epoch: int | None = None
    agent_steps: int | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def sort_key(self) -> tuple:
        return (self.epoch if self.epoch is not None else -1, self.agent_steps or 0, self.name)


def evaluated_policies(db: StatsDB) -> list[PolicyInfo]:
    """Every policy with at least one recorded agent, with what `policy_metadata` knows of it."""
    _, rows = db.query(
        "SELECT p.policy_name, m.uri, m.epoch, m.agent_steps, m.metadata "
        "FROM (SELECT DISTINCT policy_name FROM agent_policies) p "
        "LEFT JOIN policy_metadata m ON m.policy_name = p.policy_name ORDER BY p.policy_name"
    )
    return [
        PolicyInfo(name, uri, epoch, steps, json.loads(metadata) if metadata else {})
        for name, uri, epoch, steps, metadata in rows
    ]


def _matches(policy: PolicyInfo, request: str) -> bool:
    request = request.rstrip("/")
    run = request.split("/")[-1].removeprefix("file:")
    uri = (policy.uri or "").rstrip("/")
    return (
        policy.name == request
        or uri == request
        or (bool(uri) and uri.startswith(request + "/"))
        or policy.name.split(":")[0] == run
    )


def select_policies(db: StatsDB, requests: list[str]) -> list[PolicyInfo]:
    """The policies matching any request, oldest checkpoint first; an unmatched request is an error."""
    known = evaluated_policies(db)
    if not known:
        raise ReportError(f"{db.path}: the stats database holds no evaluations (run `metta sim` first)")
    chosen: dict[str, PolicyInfo] = {}
    for request in requests:
        matched = [p for p in known if _matches(p, request)]
        if not matched:
            names = ", ".join(p.name for p in known[:10]) + (" ..." if len(known) > 10 else "")
            raise ReportError(f"policy {request}: no evaluations in {db.path} (it holds: {names})")
        for policy in matched:
            chosen.setdefault(policy.name, policy)
    return sorted(chosen.values(), key=PolicyInfo.sort_key)
