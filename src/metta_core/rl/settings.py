"""Settings of `metta train`: PPO (`TrainerConfig`), tracking, the stats file, and the run.

Only pydantic models live here; the trainer in `metta_core.rl` reads them and nothing else. The
shipped presets are `presets/trainer/*.yaml` (and `presets/agent/*.yaml` for `AgentConfig`, which
lives beside the network in `metta_core.policy.config`). This module must not import torch:
`metta config schema train` and shell completion read it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, ClassVar, Literal

from pydantic import Field, field_validator, model_validator

from metta_core.config.base import CommandSettings, Device, Section, Seed
from metta_core.config.reference_names import DROP, Alias, ignored
from metta_core.env.config import EnvConfig
from metta_core.policy.config import AgentConfig


class CurriculumTask(Section):
    """One task of a curriculum: the env preset's game (or a variant of its rules) on a map of its own."""

    name: str = Field(description="Names the task in logs and metrics (task/<name>/reward).")
    map_overrides: list[str] = Field(
        default_factory=list,
        description="key=value overrides of the env's map (width=9, objects={altar: 1}); with `map`, of that map.",
    )
    map: dict[str, Any] | None = Field(None, description="A whole map config replacing the env's map.")
    game_overrides: list[str] = Field(
        default_factory=list,
        description="key=value overrides of the env's game for this task (max_steps=100, "
        "objects.altar.input={battery_red: 2}, rewards.ore_red=0.2); agents, observation window and "
        "actions stay the env's.",
    )
    weight: float = Field(1.0, gt=0, description="Relative chance of the task under the uniform sampler.")


class CurriculumConfig(Section):
    """Train on a set of tasks (maps and rules variants), one drawn for every episode by a sampler."""

    sampler: Literal["uniform", "ordered", "learning_progress"] = Field(
        "uniform",
        description="uniform: by weight; ordered: the first task not yet mastered (and, now and then, "
        "an earlier one); learning_progress: the tasks whose score changes fastest.",
    )
    tasks: list[CurriculumTask] = Field(min_length=1, description="The tasks, easiest first for `ordered`.")
    advance_score: float = Field(
        0.5, description="ordered: a task is mastered when its mean episode reward per agent reaches this."
    )
    window: int = Field(50, gt=0, description="Episodes a task's score is averaged over (ordered).")
    exploration: float = Field(
        0.1,
        ge=0,
        le=1,
        description="Share of draws spread uniformly over the tasks (ordered, learning_progress).",
    )
    fast_rate: float = Field(
        0.1, gt=0, le=1, description="learning_progress: weight of a new episode in the fast mean."
    )
    slow_rate: float = Field(
        0.01, gt=0, le=1, description="learning_progress: weight of a new episode in the slow mean."
    )

    @model_validator(mode="after")
    def _unique_names(self) -> CurriculumConfig:
        names = [task.name for task in self.tasks]
        if len(set(names)) != len(names):
            raise ValueError(f"task names must be unique, got {names}")
        return self


def _only_adam(value: Any) -> Any:
    if value != "adam":
        raise ValueError(f"optimizer {value!r}: metta trains with adam only")
    return DROP


def _only_zero(value: Any) -> Any:
    if value not in (0, 0.0, None):
        raise ValueError(f"not implemented here; only 0 is accepted, got {value!r}")
    return DROP


#: PPO keys the reference nests under `trainer.ppo` that are ours at `trainer.` directly.
_PPO_KEYS = (
    "clip_coef",
    "ent_coef",
    "gae_lambda",
    "gamma",
    "max_grad_norm",
    "vf_clip_coef",
    "vf_coef",
    "norm_adv",
    "clip_vloss",
    "target_kl",
)


class KickstartConfig(Section):
    """Kickstarting (the reference trainer's `kickstart`): a teacher labels the student's own steps
    and an extra loss pulls the student's actions (and value) towards the teacher's, fading out."""

    teacher_uri: str | None = Field(
        None,
        description="The teacher: `scripted` (the built-in planner: its actions only) or a trained "
        "policy's URI (its action distribution and value); null: no kickstarting.",
    )
    action_loss_coef: float = Field(
        1.0, ge=0, description="Weight of the cross-entropy between the teacher's and the student's actions."
    )
    value_loss_coef: float = Field(
        1.0, ge=0, description="Weight of the squared error to the teacher's value (policy teachers only)."
    )
    anneal_ratio: float = Field(
        0.65,
        ge=0,
        le=1,
        description="Share of kickstart_steps, at their end, over which the teacher's weight falls "
        "linearly from 1 to 0.",
    )
    kickstart_steps: int = Field(
        1_000_000_000, gt=0, description="Agent steps the teacher is heard for; none after."
    )
    agents_per_step: int | None = Field(
        None,
        gt=0,
        description="Agents the teacher labels each step, taken in turn (null: every agent); the "
        "scripted planner costs ~0.2 ms per agent per step, a policy teacher labels them all.",
    )


class TrainerConfig(Section):
    """PPO hyperparameters and the shape of a training run (CleanRL's names where they exist)."""

    # The reference trainer nests PPO, optimiser, checkpoint and evaluation keys (trainer.yaml).
    reference_names: ClassVar[dict[str, str | Alias]] = {
        "total_timesteps": "total_agent_steps",
        "num_workers": "env_threads",
        **{f"ppo.{key}": key for key in _PPO_KEYS},
        "ppo.l2_reg_loss_coef": Alias(None, convert=_only_zero),
        "ppo.l2_init_loss_coef": Alias(None, convert=_only_zero),
        "optimizer.type": Alias(None, convert=_only_adam),
        "optimizer.learning_rate": "learning_rate",
        "optimizer.beta1": "adam_beta1",
        "optimizer.beta2": "adam_beta2",
        "optimizer.eps": "adam_eps",
        "optimizer.weight_decay": "weight_decay",
        "lr_scheduler.enabled": "anneal_lr",
        "lr_scheduler.anneal_lr": "anneal_lr",
        "checkpoint.checkpoint_interval": "checkpoint_interval",
        "checkpoint.checkpoint_dir": ignored("checkpoints are written to <run_dir>/checkpoints"),
        "simulation.evaluate_interval": "evaluate_interval",
        "simulation.replay_dir": ignored(
            "training writes no replays; `metta replay --policy runs/<run>` records one"
        ),
        "forward_pass_minibatch_target_size": ignored(
            "the rollout runs every env's agents in one forward pass"
        ),
        "async_factor": ignored("the env steps in-process (numba threads), so there is no async factor"),
        "zero_copy": ignored("observations are always shared with the env, never copied"),
        "cpu_offload": ignored("the rollout buffer lives on the training device"),
        "compile": ignored("policies are not compiled with torch.compile"),
        "verbose": ignored("progress lines are always printed (-q silences them)"),
    }

    name: str = Field("default", description="Name of the trainer preset these settings came from.")
    total_agent_steps: int = Field(
        4_000_000, gt=0, description="Agent steps to train for (every agent's step counts once)."
    )
    num_envs: int = Field(
        16, gt=0, description="Environments per process; all their agents act in one batched forward pass."
    )
    env_threads: int = Field(
        1, gt=0, description="Threads the env kernel may use (numba); 1 leaves the cores to torch."
    )
    torch_threads: int = Field(
        0,
        ge=0,
        description="Torch intra-op threads per process; 0 = the machine's cores divided by the processes.",
    )
    batch_size: int = Field(
        8192,
        gt=0,
        description="Agent steps collected per update (rounded up to whole BPTT segments per agent).",
    )
    minibatch_size: int = Field(
        2048, gt=0, description="Agent steps per gradient step; a whole number of BPTT segments."
    )
    bptt_horizon: int = Field(16, gt=0, description="Steps the LSTM is unrolled over during the update.")
    update_epochs: int = Field(2, gt=0, description="Passes over each rollout's minibatches per update.")
    learning_rate: float = Field(1e-3, gt=0, description="Adam's learning rate at the start of the run.")
    adam_beta1: float = Field(0.9, ge=0, lt=1, description="Adam's decay of the gradient mean.")
    adam_beta2: float = Field(0.999, ge=0, lt=1, description="Adam's decay of the squared-gradient mean.")
    adam_eps: float = Field(1e-5, gt=0, description="Adam's epsilon (CleanRL's 1e-5 over torch's 1e-8).")
    weight_decay: float = Field(0.0, ge=0, description="Adam's L2 weight decay.")
    anneal_lr: bool = Field(
        True, description="Anneal the learning rate linearly to 0 over total_agent_steps."
    )
    gamma: float = Field(0.99, gt=0, le=1, description="Discount factor per step.")
    bootstrap_truncations: bool = Field(
        True,
        description="A step that truncates an episode (its time limit, not the task's end) earns "
        "gamma * V(the episode's last observation) on top of its reward.",
    )
    gae_lambda: float = Field(0.95, ge=0, le=1, description="GAE's lambda (bias/variance of the advantages).")
    clip_coef: float = Field(0.2, gt=0, description="PPO's clip range of the probability ratio.")
    clip_vloss: bool = Field(True, description="Clip the value loss around the rollout's values.")
    vf_clip_coef: float = Field(10.0, gt=0, description="Clip range of the value loss (with clip_vloss).")
    vf_coef: float = Field(0.5, ge=0, description="Weight of the value loss.")
    ent_coef: float = Field(0.01, ge=0, description="Weight of the entropy bonus.")
    ent_coef_final: float | None = Field(
        None,
        ge=0,
        description="The entropy bonus's weight at total_agent_steps, reached linearly from ent_coef; "
        "null keeps ent_coef all run.",
    )
    max_grad_norm: float = Field(0.5, gt=0, description="Gradients are clipped to this global norm.")
    norm_adv: bool = Field(True, description="Normalise advantages per minibatch.")
    target_kl: float | None = Field(
        None,
        gt=0,
        description="Stop an update's epochs once the approximate KL exceeds this; null never stops.",
    )
    checkpoint_interval: int = Field(
        50, gt=0, description="Epochs (updates) between checkpoints; one is always written at the end."
    )
    evaluate_interval: int = Field(
        0, ge=0, description="Epochs between evaluations on evaluate_suite; 0 turns them off."
    )
    evaluate_suite: str | None = Field(
        None, description="Suite (presets/sim/) scored during training; null: the env preset's own suite."
    )
    log_interval_s: float = Field(
        2.0, gt=0, description="Seconds between progress lines / display refreshes."
    )
    stop_on_pass: bool = Field(
        False, description="End training at the first evaluation that passes its suite."
    )
    curriculum: CurriculumConfig | None = Field(
        None, description="Map tasks drawn per episode by a sampler; null: every episode on the env's map."
    )
    kickstart: KickstartConfig = Field(
        default_factory=KickstartConfig,
        description="A teacher whose actions the student is pulled towards early in training.",
    )
    max_minutes: float | None = Field(
        None, gt=0, description="End training after this many minutes of training (evaluations not counted)."
    )

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


class WandbConfig(Section):
    """Weights & Biases tracking; off unless asked for, and never required."""

    @model_validator(mode="before")
    @classmethod
    def _switch(cls, data: Any) -> Any:
        # The reference turns tracking off with `wandb=off` (a config group); YAML reads off as False.
        if data is False or data is None:
            return {"mode": "disabled"}
        if data is True:
            return {"mode": "online"}
        if isinstance(data, str):
            modes = {"off": "disabled", "false": "disabled", "none": "disabled", "on": "online"}
            return {"mode": modes.get(data.lower(), data.lower())}
        return data

    mode: Literal["disabled", "offline", "online"] = Field(
        "disabled", description="disabled (default), offline (files only) or online."
    )
    project: str = Field("metta", description="wandb project of the run.")
    entity: str | None = Field(None, description="wandb entity (user or team); null: your default.")
    group: str | None = Field(None, description="wandb group (sweeps set it to the sweep's name).")
    tags: list[str] = Field(default_factory=list, description="wandb tags of the run.")
    log_checkpoints: bool = Field(True, description="Upload each checkpoint as a wandb model artifact.")


class StatsConfig(Section):
    """Where training's episode statistics go: a DuckDB file (local path or s3:// URI)."""

    db_uri: str | None = Field(
        None, description="Stats DB path or s3:// URI; null: the run directory's stats.duckdb."
    )


class TrainSettings(CommandSettings):
    """Everything `metta train` needs: the env, the network, PPO, and where the run lives."""

    preset_sections: ClassVar[dict[str, str]] = {"env": "env", "agent": "agent", "trainer": "trainer"}
    default_presets: ClassVar[dict[str, str]] = {"env": "navigation", "agent": "fast", "trainer": "default"}
    # The reference's train_job keys (tools/train.py), where they differ from ours.
    reference_names: ClassVar[dict[str, str | Alias]] = {
        "run_name": "run",
        "trainer.env": "env",
        "trainer.checkpoint.wandb_checkpoint_interval": Alias("wandb.log_checkpoints", convert=bool),
        "stats_client": ignored("metta has no stats server; training's stats go to <run_dir>/stats.duckdb"),
        "dist_cfg_path": ignored("torchrun's environment tells each process its rank"),
        "cmd": ignored("the command is the metta subcommand"),
    }

    run: str | None = Field(
        None,
        description="Run name: the directory under data_dir and the prefix of policy names; null: <env>-<time>.",
    )
    data_dir: Path = Field(Path("runs"), description="Where run directories go.")
    run_dir: Path | None = Field(None, description="The run's directory; null means data_dir/run.")
    device: Device = Field("cpu", description="cpu, cuda, cuda:N or auto.")
    seed: Seed = Field(0, description="Seed of envs, network initialisation and action sampling.")
    resume: bool = Field(
        False, description="Continue the run from its latest checkpoint (also happens when the run has one)."
    )
    env: EnvConfig = Field(description="The environment: a preset name (presets/env/) or its fields.")
    agent: AgentConfig = Field(default_factory=AgentConfig, description="The policy network.")
    trainer: TrainerConfig = Field(default_factory=TrainerConfig, description="PPO and the run's length.")
    wandb: WandbConfig = Field(default_factory=WandbConfig, description="Weights & Biases tracking.")
    stats: StatsConfig = Field(
        default_factory=StatsConfig, description="The stats DB of training's episodes."
    )

    @classmethod
    def follow_user_values(cls, data: dict, user_set) -> None:
        # `trainer.batch_size=1024` alone (the reference's own advice for memory trouble) shrinks
        # the preset's minibatch to fit, in whole BPTT segments, instead of failing on it.
        trainer = data.get("trainer")
        if not isinstance(trainer, dict) or user_set(("trainer", "minibatch_size")):
            return
        batch, minibatch = trainer.get("batch_size"), trainer.get("minibatch_size")
        bptt = trainer.get("bptt_horizon", 16)
        if not user_set(("trainer", "batch_size")) or not all(
            isinstance(v, int) for v in (batch, minibatch, bptt)
        ):
            return
        if minibatch > batch and bptt > 0:
            trainer["minibatch_size"] = max(bptt, batch // bptt * bptt)

    @field_validator("run")
    @classmethod
    def _run_is_a_directory_name(cls, value: str | None) -> str | None:
        if value is not None and (not value or "/" in value or value in (".", "..")):
            raise ValueError("run must be a plain directory name (no '/')")
        return value
