"""The checkpoint file: one `.pt` holding weights, optimizer state, settings and metadata.

Layout (a dict saved with `torch.save`, loaded with `weights_only=True` so a foreign file can
never run code): `format` ("metta.policy"), `version`, `spec` (what the network was built for),
`agent` (AgentConfig fields), `state_dict`, `optimizer` (or None), `settings` (the TrainSettings
as JSON-able data), `metadata` (epoch, agent_steps, wall_time, scores, env, run, name) and `rng`
(torch and numpy generator states for exact resumption). Writes go through
`metta_core.storage.write_bytes` (temp file + rename locally, one PUT on s3), so a crash never
leaves a half-written checkpoint under the final name. This module knows nothing of training.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from typing import Any

import torch

from metta_core import storage
from metta_core.errors import PolicyError, first_line
from metta_core.policy.config import AgentConfig
from metta_core.policy.network import MettaPolicy, PolicySpec

FORMAT = "metta.policy"
VERSION = 1


@dataclass
class Checkpoint:
    spec: PolicySpec
    agent: AgentConfig
    state_dict: dict[str, torch.Tensor]
    metadata: dict[str, Any]
    settings: dict[str, Any] = field(default_factory=dict)
    optimizer: dict[str, Any] | None = None
    rng: dict[str, Any] = field(default_factory=dict)

    def build_policy(self, device: str | torch.device = "cpu") -> MettaPolicy:
        policy = MettaPolicy(self.spec, self.agent)
        policy.load_state_dict(self.state_dict)
        return policy.to(device)

    def to_bytes(self) -> bytes:
        payload = {
            "format": FORMAT,
            "version": VERSION,
            "spec": self.spec.to_dict(),
            "agent": self.agent.model_dump(mode="json"),
            "state_dict": {k: v.detach().cpu() for k, v in self.state_dict.items()},
            "optimizer": self.optimizer,
            "settings": self.settings,
            "metadata": self.metadata,
            "rng": self.rng,
        }
        buffer = io.BytesIO()
        torch.save(payload, buffer)
        return buffer.getvalue()


def save_checkpoint(checkpoint: Checkpoint, uri: str) -> None:
    storage.write_bytes(uri, checkpoint.to_bytes())


def checkpoint_from_bytes(data: bytes, uri: str) -> Checkpoint:
    """Parse a checkpoint, turning every kind of damage into one PolicyError naming `uri`."""
    try:
        payload = torch.load(io.BytesIO(data), map_location="cpu", weights_only=True)
    except Exception as err:  # damaged bytes make torch's unpickler fail in many ways (IndexError too)
        raise PolicyError(f"{uri}: truncated or not a metta checkpoint ({first_line(err)[:120]})") from None
    if not isinstance(payload, dict) or payload.get("format") != FORMAT:
        raise PolicyError(f"{uri}: not a metta checkpoint (no '{FORMAT}' format marker)")
    if payload.get("version") != VERSION:
        raise PolicyError(
            f"{uri}: checkpoint format version {payload.get('version')} (this metta reads {VERSION})"
        )
    try:
        return Checkpoint(
            spec=PolicySpec.from_dict(payload["spec"]),
            agent=AgentConfig.model_validate(payload["agent"]),
            state_dict=payload["state_dict"],
            metadata=dict(payload.get("metadata") or {}),
            settings=dict(payload.get("settings") or {}),
            optimizer=payload.get("optimizer"),
            rng=dict(payload.get("rng") or {}),
        )
    except (KeyError, TypeError, ValueError) as err:
        raise PolicyError(f"{uri}: damaged metta checkpoint ({err})") from None


def load_checkpoint(uri: str) -> Checkpoint:
    return checkpoint_from_bytes(storage.read_bytes(uri), uri)
