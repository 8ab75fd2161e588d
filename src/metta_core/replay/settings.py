"""Settings of `metta replay`, `metta replay view` and `metta play`: what to run (from
WatchSettings), where the replay goes, where the viewer's server listens. Validation only.
"""

from __future__ import annotations

from typing import ClassVar, Literal

from pydantic import Field, model_validator

from metta_core.config.base import CommandSettings
from metta_core.config.reference_names import Alias
from metta_core.render.settings import WatchSettings


class ViewSettings(CommandSettings):
    """Where the viewer is served (all that `metta replay view` needs)."""

    host: str = Field("127.0.0.1", description="Interface to bind; the default keeps the viewer private.")
    port: int = Field(0, ge=0, le=65535, description="Port to listen on; 0 picks a free one.")
    open_browser: bool = Field(True, description="Open the viewer in the default browser.")
    exit_after: float | None = Field(None, gt=0, description="Stop serving after this many seconds.")


class ReplaySettings(WatchSettings, ViewSettings):
    """`metta replay`: record one episode of a policy, write it, serve the viewer."""

    # The reference's replay_job keys (tools/replay.py and tools/play.py).
    reference_names: ClassVar[dict[str, str | Alias]] = {
        "replay_job.policy_uri": "policy",
        "policy_uri": "policy",
        "replay_job.sim.env": "env",
        "replay_job.sim.env_overrides": "env",
        "replay_job.open_browser_on_start": "open_browser",
        "replay_job.replay_dir": Alias("output", convert=lambda d: f"{str(d).rstrip('/')}/replay.json.gz"),
        "replay_job.sim.max_steps": "steps",
    }

    output: str | None = Field(
        None, description="Replay file (path or s3:// URI); default replays/<env>.json.gz."
    )

    format: Literal["metta", "mettascope"] = Field(
        "metta", description="metta (.json.gz) or mettascope (the reference viewer's .json.z)."
    )

    @model_validator(mode="after")
    def _suffix_names_the_format(self) -> ReplaySettings:
        if self.format == "mettascope" and self.output and not self.output.endswith(".json.z"):
            raise ValueError(f"output {self.output}: a MettaScope replay is written to a *.json.z name")
        return self

    def _suffix(self) -> str:
        return ".json.z" if self.format == "mettascope" else ".json.gz"

    def output_uri(self) -> str:
        return self.output or f"replays/{self.env.name}{self._suffix()}"


class PlaySettings(ReplaySettings):
    """`metta play`: a human plays agent 0 in the browser; the policy plays the others."""

    def output_uri(self) -> str:
        return self.output or f"replays/play_{self.env.name}{self._suffix()}"
