"""`PolicyStore`: resolve a policy URI to checkpoint records, and select among them.

URIs: a plain path or `file://` (a checkpoint file, a run directory, or a checkpoints directory),
`s3://bucket/key` (a `.pt` object or a prefix holding some), `wandb://run/<name>` (the latest
checkpoint artifact the trainer logged for that run) and
`wandb://<entity>/<project>/<artifact>:<version>`. Selectors: `latest` (highest epoch), `top`
(the `top_k` best by a metadata metric), `all`. Records load lazily: listing reads each file only
when a selector needs its metadata. This module never trains and never writes checkpoints.
"""

from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from metta_core import storage
from metta_core.errors import PolicyError, StorageError

_log = logging.getLogger("metta")

SELECTORS = ("latest", "top", "all")
CHECKPOINT_SUFFIX = ".pt"


@dataclass
class PolicyRecord:
    """One checkpoint: its URI, a readable name (`run:epoch_12`) and its metadata."""

    uri: str
    _checkpoint: Any = field(default=None, repr=False)

    def checkpoint(self):
        if self._checkpoint is None:
            from metta_core.policy.checkpoint import load_checkpoint

            self._checkpoint = load_checkpoint(self.uri)
        return self._checkpoint

    @property
    def metadata(self) -> dict[str, Any]:
        return self.checkpoint().metadata

    @property
    def name(self) -> str:
        meta = self.metadata
        if meta.get("name"):
            return str(meta["name"])
        return Path(self.uri.rstrip("/")).stem

    def load(self, device: str = "cpu"):
        """The policy network (`MettaPolicy`, a torch.nn.Module) on `device`, in eval mode."""
        from metta_core.policy.device import torch_device

        return self.checkpoint().build_policy(torch_device(device)).eval()

    def actor(self, env, device: str = "cpu", seed: int = 0):
        """An Actor (reset / act) playing this policy on `env`; refuses an incompatible env."""
        from metta_core.policy.actor import PolicyActor, check_compatible

        check_compatible(self.checkpoint().spec, env, self.name)
        return PolicyActor(self.load(device), device=device, seed=seed)

    def metric(self, name: str) -> float | None:
        """A metadata value by name: top-level (`agent_steps`) or inside `scores`."""
        meta = self.metadata
        value = meta.get(name, (meta.get("scores") or {}).get(name))
        return float(value) if isinstance(value, int | float) else None


def _epoch_key(record: PolicyRecord) -> tuple[int, str]:
    # File names carry the zero-padded epoch, so "latest" needs no file reads.
    stem = Path(record.uri).stem
    digits = "".join(c for c in stem.rsplit("_", 1)[-1] if c.isdigit())
    return (int(digits) if digits else -1, record.uri)


class PolicyStore:
    """Find checkpoints by URI. `cache_dir` holds wandb downloads."""

    def __init__(self, cache_dir: Path | None = None):
        self.cache_dir = cache_dir or Path(
            os.environ.get("METTA_CACHE_DIR", Path.home() / ".cache" / "metta")
        )

    def records(
        self, uri: str, selector: str = "latest", metric: str = "score", top_k: int = 1
    ) -> list[PolicyRecord]:
        if selector not in SELECTORS:
            raise PolicyError(f"policy selector '{selector}': unknown (use {', '.join(SELECTORS)})")
        uri = str(uri)
        if uri.startswith("wandb://"):
            uri = str(self._download_wandb(uri))
        found = [PolicyRecord(u) for u in self._checkpoint_uris(uri)]
        if not found:
            raise PolicyError(f"{uri}: no checkpoints (*.pt) found")
        found.sort(key=_epoch_key)
        if selector == "latest":
            return [found[-1]]
        if selector == "all":
            return found
        scored = [(r.metric(metric), r) for r in found]
        scored = [(value, r) for value, r in scored if value is not None]
        if not scored:  # as the reference's selector does: no scores to rank by, take the latest
            _log.warning("note: %s: no checkpoint has the metric '%s'; taking the latest", uri, metric)
            return [found[-1]]
        scored.sort(key=lambda pair: (pair[0], _epoch_key(pair[1])), reverse=True)
        return [r for _, r in scored[: max(top_k, 1)]]

    def policy_record(self, uri: str) -> PolicyRecord:
        return self.records(uri)[0]

    def _checkpoint_uris(self, uri: str) -> list[str]:
        if storage.is_s3(uri):
            if uri.endswith(CHECKPOINT_SUFFIX):
                return [uri]
            prefix = uri.rstrip("/") + "/"
            return storage.list_uris(prefix, CHECKPOINT_SUFFIX)
        try:
            path = storage.local_path(uri)
        except StorageError as err:
            raise PolicyError(str(err)) from None
        if path.is_file():
            return [str(path)]
        if not path.exists():
            raise PolicyError(f"{uri}: no such checkpoint file or run directory")
        directory = path / "checkpoints" if (path / "checkpoints").is_dir() else path
        return sorted(str(p) for p in directory.glob(f"*{CHECKPOINT_SUFFIX}") if p.is_file())

    def _download_wandb(self, uri: str) -> Path:
        """Fetch a wandb artifact into the cache; returns the directory holding its .pt files.

        Offline (WANDB_MODE offline or disabled) `wandb://run/<name>` is the local run of that
        name, whose checkpoints are the ones the trainer uploads, and `wandb://sweep/<name>` the
        local sweep's best trial; any other wandb URI is an error."""
        rest = uri[len("wandb://") :]
        offline = os.environ.get("WANDB_MODE", "") in ("offline", "disabled", "dryrun")
        if rest.startswith(("run/", "sweep/")):
            # The trainer logs each run's checkpoints as a model artifact named after the run
            # (the reference names a sweep's best policy `sweep_model/<sweep>`).
            kind, name = rest.split("/", 1)
            name, _, version = name.partition(":")
            local = Path(os.environ.get("METTA_DATA_DIR", "runs")) / name
            if offline and kind == "sweep" and (local / "sweep.yaml").is_file():
                local = _best_trial_run(name, local.parent)
            if offline and local.is_dir():
                _log.warning(
                    "note: %s: wandb is %s; using the local run %s", uri, os.environ["WANDB_MODE"], local
                )
                return local
            project = os.environ.get("WANDB_PROJECT", "metta")
            entity = os.environ.get("WANDB_ENTITY")
            artifact = (
                f"{name}:{version or 'latest'}" if kind == "run" else f"sweep_{name}:{version or 'latest'}"
            )
            path = f"{entity}/{project}/{artifact}" if entity else f"{project}/{artifact}"
        else:
            parts = rest.split("/")
            if len(parts) == 4:  # the reference's <entity>/<project>/<type>/<name>:<version>
                parts = [parts[0], parts[1], parts[3]]
            if len(parts) != 3:
                raise PolicyError(
                    f"{uri}: expected wandb://run/<name>, wandb://sweep/<name> or "
                    "wandb://<entity>/<project>[/<type>]/<artifact>:<version>"
                )
            path = "/".join(parts) if ":" in parts[-1] else "/".join(parts) + ":latest"
        if offline:
            raise PolicyError(
                f"{uri}: wandb is {os.environ['WANDB_MODE']}, so artifact {path} cannot be fetched"
            )
        target = self.cache_dir / "wandb" / path.replace("/", "__").replace(":", "__")
        try:
            import wandb
        except ImportError:
            raise PolicyError(f"{uri}: wandb:// needs wandb: pip install 'metta[wandb]'") from None
        try:
            artifact = wandb.Api().artifact(path, type="model")
            artifact.download(root=str(target))
        except Exception as err:  # the wandb client raises many types; all mean "could not fetch"
            raise PolicyError(
                f"{uri}: cannot fetch wandb artifact {path} ({str(err).splitlines()[0][:160]})"
            ) from None
        return target


def _best_trial_run(sweep: str, runs_dir: Path) -> Path:
    """The run directory of a local sweep's best finished trial (the first objective's best)."""
    import optuna

    from metta_core.config.presets import read_yaml_file
    from metta_core.sweep.study import load_sweep_study

    stored = read_yaml_file(runs_dir / sweep / "sweep.yaml", "sweep file") or {}
    if not isinstance(stored, dict) or not stored.get("storage"):
        raise PolicyError(f"wandb://sweep/{sweep}: {runs_dir / sweep / 'sweep.yaml'} names no storage")
    study = load_sweep_study(sweep, stored["storage"])
    done = [t for t in study.get_trials(deepcopy=False) if t.state == optuna.trial.TrialState.COMPLETE]
    if not done:
        raise PolicyError(f"wandb://sweep/{sweep}: the local sweep has no finished trial yet")
    best = max(done, key=lambda t: t.values[0])
    return runs_dir / best.user_attrs.get("run", f"{sweep}.t{best.number}")
