"""Settings of `metta train`: the policy network (`AgentConfig`), PPO (`TrainerConfig`) and the run.

Only pydantic models live here; the trainer in `metta_core.rl` reads them and nothing else. The
shipped presets are `configs/agent/*.yaml` and `configs/trainer/*.yaml`. This module must not
import torch: `metta config schema train` and shell completion read it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar

from pydantic import Field, field_validator, model_validator

from metta_core.config.base import CommandSettings, Section
from metta_core.config.sections import StatsConfig, WandbConfig
from metta_core.env.config import EnvConfig


class AgentConfig(Section):
    """The policy network: a CNN over the observation window, an LSTM core, actor and critic heads."""

    name: str = "fast"
    #: Output channels of the two convolutions over the egocentric window.
    cnn_channels: tuple[int, int] = (32, 32)
    #: Width of the encoder's output (observation window + global features).
    hidden_size: int = 128
    #: Size of the LSTM state; 0 replaces the LSTM with a plain feed-forward core.
    lstm_size: int = Field(128, ge=0)
    #: Hidden width of the actor and critic heads; 0 makes them single linear layers.
    head_size: int = Field(0, ge=0)


class TrainerConfig(Section):
    """PPO hyperparameters and the shape of a training run (CleanRL's names where they exist)."""

    name: str = "default"
    total_agent_steps: int = Field(4_000_000, gt=0)
    #: Environments per process; every agent of every env acts in one batched forward pass.
    num_envs: int = Field(16, gt=0)
    #: Threads the env kernel may use (numba); 1 leaves the cores to torch.
    env_threads: int = Field(1, gt=0)
    #: Torch intra-op threads per process; 0 = the machine's cores divided by the processes.
    torch_threads: int = Field(0, ge=0)
    #: Agent steps collected per update (rounded up to a whole number of BPTT segments per agent).
    batch_size: int = Field(8192, gt=0)
    #: Agent steps per gradient step; a whole number of BPTT segments.
    minibatch_size: int = Field(2048, gt=0)
    #: Length of the segments the LSTM is unrolled over during the update.
    bptt_horizon: int = Field(16, gt=0)
    update_epochs: int = Field(2, gt=0)
    learning_rate: float = Field(1e-3, gt=0)
    anneal_lr: bool = True
    gamma: float = Field(0.99, gt=0, le=1)
    gae_lambda: float = Field(0.95, ge=0, le=1)
    clip_coef: float = Field(0.2, gt=0)
    clip_vloss: bool = True
    vf_clip_coef: float = Field(10.0, gt=0)
    vf_coef: float = Field(0.5, ge=0)
    ent_coef: float = Field(0.01, ge=0)
    max_grad_norm: float = Field(0.5, gt=0)
    norm_adv: bool = True
    #: Stop the update's epochs early once the approximate KL exceeds this; None never stops.
    target_kl: float | None = Field(None, gt=0)
    #: Epochs (updates) between checkpoints; one is always written at the end.
    checkpoint_interval: int = Field(50, gt=0)
    #: Epochs between evaluations on `evaluate_suite`; 0 turns evaluation off.
    evaluate_interval: int = Field(0, ge=0)
    evaluate_suite: str = "navigation"
    #: Seconds between progress lines / display refreshes.
    log_interval_s: float = Field(2.0, gt=0)

    @model_validator(mode="after")
    def _minibatch_fits_batch(self) -> TrainerConfig:
        if self.minibatch_size > self.batch_size:
            raise ValueError(
                f"minibatch_size ({self.minibatch_size}) must not exceed batch_size ({self.batch_size})"
            )
        if self.minibatch_size % self.bptt_horizon:
            raise ValueError(
                f"minibatch_size ({self.minibatch_size}) must be a multiple of bptt_horizon ({self.bptt_horizon})"
            )
        return self


class TrainSettings(CommandSettings):
    """Everything `metta train` needs: the env, the network, PPO, and where the run lives."""

    preset_sections: ClassVar[dict[str, str]] = {"env": "env", "agent": "agent", "trainer": "trainer"}
    default_presets: ClassVar[dict[str, str]] = {"env": "navigation", "agent": "fast", "trainer": "default"}

    #: Run name: the directory under `data_dir` and the prefix of policy names. None: `<env>-<time>`.
    run: str | None = None
    data_dir: Path = Path("runs")
    #: The run's directory; None means `data_dir / run`.
    run_dir: Path | None = None
    device: str = "cpu"
    seed: int = 0
    #: Continue the run from its latest checkpoint (also happens when the run already has one).
    resume: bool = False
    env: EnvConfig
    agent: AgentConfig = Field(default_factory=AgentConfig)
    trainer: TrainerConfig = Field(default_factory=TrainerConfig)
    wandb: WandbConfig = Field(default_factory=WandbConfig)
    stats: StatsConfig = Field(default_factory=StatsConfig)

    @field_validator("wandb", mode="before")
    @classmethod
    def _wandb_mode_shorthand(cls, value: Any) -> Any:
        # `wandb=off` (the reference doc's spelling) and `wandb=offline` name only the mode.
        if isinstance(value, str):
            mode = {"off": "disabled", "false": "disabled", "none": "disabled"}.get(value.lower(), value)
            return {"mode": mode}
        if value is False or value is None:
            return {"mode": "disabled"}
        return value

    @field_validator("device")
    @classmethod
    def _known_device(cls, value: str) -> str:
        if value not in ("cpu", "cuda", "auto") and not value.startswith("cuda:"):
            raise ValueError("device must be cpu, cuda, cuda:N or auto")
        return value

    @field_validator("run")
    @classmethod
    def _run_is_a_directory_name(cls, value: str | None) -> str | None:
        if value is not None and (not value or "/" in value or value in (".", "..")):
            raise ValueError("run must be a plain directory name (no '/')")
        return value
