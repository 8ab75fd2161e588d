"""Optional Weights & Biases tracking: metrics, the resolved config and checkpoints as artifacts.

Off by default (`wandb.mode=disabled`), and wandb is imported only when a mode asks for it.
Offline mode writes a real wandb run directory under the run directory (`wandb/offline-run-*`)
that `wandb sync` can upload later. Checkpoint artifacts are named after the run, type `model`,
which is what `wandb://run/<name>` in the PolicyStore fetches.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from metta_core.errors import ConfigError
from metta_core.rl.metta_metric_names import STEP_METRIC
from metta_core.rl.settings import WandbConfig


class Tracker:
    def __init__(self, config: WandbConfig, run_name: str, run_dir: Path, settings_data: dict[str, Any]):
        self.config = config
        self.run = None
        self.run_name = run_name
        if config.mode == "disabled":
            return
        try:
            import wandb
        except ImportError:
            raise ConfigError("wandb.mode: wandb is not installed (pip install 'metta[wandb]')") from None
        self._wandb = wandb
        if config.mode == "online" and not _has_api_key():
            raise ConfigError(
                "wandb.mode: online needs a wandb API key (run `wandb login` or set WANDB_API_KEY),"
                " or use --wandb offline"
            )
        self.run = wandb.init(
            project=config.project,
            entity=config.entity,
            group=config.group,
            tags=list(config.tags),
            name=run_name,
            id=run_name,
            resume="allow",
            mode=config.mode,
            dir=str(run_dir),
            config=settings_data,
        )
        # The reference's x-axis: every metric is plotted against agent steps.
        self.run.define_metric(STEP_METRIC)
        self.run.define_metric("*", step_metric=STEP_METRIC)

    @property
    def enabled(self) -> bool:
        return self.run is not None

    def log(self, metrics: dict[str, float], agent_steps: int) -> None:
        if self.run is not None:
            self.run.log(metrics, step=agent_steps)

    def log_stats_db(self, path: Path) -> None:
        """The run's stats DB as an artifact `<run>_stats` of type `stats` (`wandb://stats/<run>_stats`)."""
        if self.run is None or not path.exists():
            return
        artifact = self._wandb.Artifact(f"{self.run_name}_stats", type="stats")
        artifact.add_file(str(path), name="stats.duckdb")
        self.run.log_artifact(artifact, aliases=["latest"])

    def log_checkpoint(self, path: Path, run_name: str, metadata: dict[str, Any]) -> None:
        if self.run is None or not self.config.log_checkpoints:
            return
        artifact = self._wandb.Artifact(run_name, type="model", metadata=metadata)
        artifact.add_file(str(path))
        self.run.log_artifact(artifact, aliases=["latest", f"epoch_{metadata.get('epoch', 0)}"])

    def finish(self) -> None:
        if self.run is not None:
            self.run.finish()
            self.run = None
            # finish() only informs wandb's service; the service closes the run's log file (its
            # last, partly filled block included) later. Tear the service down so the offline log
            # is complete when training returns, unless the caller holds a run of its own on it.
            if self._wandb.run is None:
                self._wandb.teardown()


def _has_api_key() -> bool:
    """Whether wandb has a key, from WANDB_API_KEY or `wandb login`'s ~/.netrc (no network used)."""
    import netrc
    import os
    from urllib.parse import urlparse

    if os.environ.get("WANDB_API_KEY"):
        return True
    host = urlparse(os.environ.get("WANDB_BASE_URL", "https://api.wandb.ai")).hostname or "api.wandb.ai"
    try:
        return netrc.netrc().authenticators(host) is not None
    except (OSError, netrc.NetrcParseError):
        return False
