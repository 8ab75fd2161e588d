"""Which policies an evaluation runs: built-ins and PolicyStore checkpoints, as `PolicyHandle`s.

A handle names the policy the way the stats database does (`navrun:epoch_12`, `random`) and makes
an actor for a given env. The PolicyStore (and with it torch) is imported only for checkpoint
URIs, so evaluating `random` and `simple` needs neither.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from metta_core.errors import PolicyError
from metta_core.sim.actors import BUILTIN_ACTORS, Actor, make_actor


@dataclass
class PolicyHandle:
    """One policy to evaluate: its key in the stats DB, its URI, metadata, and how to act."""

    name: str
    uri: str
    metadata: dict[str, Any] = field(default_factory=dict)
    record: Any = None  # the PolicyStore's PolicyRecord, or None for built-ins

    def actor(self, env, device: str = "cpu", seed: int = 0) -> Actor:
        if self.record is None:
            return make_actor(self.uri, env, device, seed)
        return self.record.actor(env, device, seed)


def builtin(name: str) -> PolicyHandle:
    return PolicyHandle(name=name, uri=name, metadata={"uri": name, "builtin": True})


def in_memory(name: str, policy: Any, metadata: dict[str, Any] | None = None) -> PolicyHandle:
    """A handle on a `MettaPolicy` that is not (or not yet) a checkpoint, named `name`."""
    from metta_core.policy.actor import PolicyInMemory

    return PolicyHandle(
        name=name, uri=name, metadata=dict(metadata or {}), record=PolicyInMemory(name, policy)
    )


def resolve_policies(
    uri: str, selector: str = "latest", metric: str = "score", top_k: int = 1
) -> list[PolicyHandle]:
    """The checkpoints of `uri` chosen by `selector`: `latest`, `top` (k best by `metric`), `all`."""
    if uri in BUILTIN_ACTORS:
        return [builtin(uri)]
    try:
        from metta_core.policy.store import PolicyStore
    except ImportError as err:
        raise PolicyError(f"{uri}: cannot load trained policies ({err})") from None
    k = top_k if selector != "latest" else 1
    records = PolicyStore().records(uri, selector=selector, metric=metric, top_k=k)
    if not records:
        raise PolicyError(f"{uri}: no checkpoints found (selector {selector})")
    handles = []
    for record in records:
        metadata = dict(getattr(record, "metadata", {}) or {})
        metadata.setdefault("uri", record.uri)
        handles.append(PolicyHandle(name=record.name, uri=record.uri, metadata=metadata, record=record))
    return handles
