"""Autotune: measure env and policy throughput on this machine and pick the fastest settings.

In the spirit of PufferLib's autotune: step the real `VecEnv` over a grid of `num_envs` x env
threads, run the real policy network's inference step and a training step (forward + backward
over BPTT segments) over batch sizes x torch threads, each for a share of a time budget, and turn
the fastest into `metta train` overrides (`trainer.num_envs=...`). The overrides are checked
against `TrainSettings` before they are returned. Numba compilation happens before the clock
starts. This module only measures and chooses; it prints nothing.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field

from metta_core.rl.settings import TrainSettings

DEFAULT_NUM_ENVS = (1, 4, 16, 64)
DEFAULT_BATCH_SIZES = (256, 1024, 4096)


@dataclass
class Measurement:
    """One configuration's throughput, in agent steps per second."""

    kind: str  # "env", "inference" or "train_step"
    settings: dict[str, int]
    agent_steps_per_s: float


@dataclass
class AutotuneResult:
    env: str
    measurements: list[Measurement] = field(default_factory=list)
    #: `metta train` overrides of the fastest settings, ready to paste.
    overrides: list[str] = field(default_factory=list)

    def best(self, kind: str) -> Measurement | None:
        rows = [m for m in self.measurements if m.kind == kind]
        return max(rows, key=lambda m: m.agent_steps_per_s) if rows else None


def _thread_options() -> list[int]:
    cores = os.cpu_count() or 1
    return sorted({1, cores})


def _timed(step, seconds: float, min_calls: int = 2) -> tuple[int, float]:
    """Call `step` until `seconds` have passed (at least `min_calls` times): (calls, elapsed)."""
    calls, start = 0, time.perf_counter()
    while calls < min_calls or time.perf_counter() - start < seconds:
        step()
        calls += 1
    return calls, time.perf_counter() - start


def measure_env(settings: TrainSettings, num_envs: int, threads: int, seconds: float) -> Measurement:
    from metta_core.env.random_actions import random_valid_actions
    from metta_core.env.vecenv import VecEnv

    env = VecEnv(settings.env, num_envs=num_envs, seed=settings.seed, threads=threads)
    env.reset()
    # Random valid actions, drawn once: the measurement is of the env, not of the generator.
    actions = random_valid_actions(env, 64)
    env.step(actions[0])  # compile and warm up before the clock starts
    counter = iter(range(1 << 62))

    def step() -> None:
        env.step(actions[next(counter) % len(actions)])
        env.drain_episodes()

    calls, elapsed = _timed(step, seconds)
    return Measurement(
        "env", {"num_envs": num_envs, "env_threads": threads}, calls * env.total_agents / elapsed
    )


def measure_policy(settings: TrainSettings, batch: int, threads: int, seconds: float) -> list[Measurement]:
    """Inference steps of `batch` agents, and a training step over `batch` agent steps."""
    import torch

    from metta_core.rl.build import build_training
    from metta_core.rl.distributed import use_fast_cpu_math

    torch.set_num_threads(threads)
    use_fast_cpu_math()  # as training runs
    # The network and optimizer exactly as `metta train` builds them (one env is enough for its layout).
    small = settings.model_copy(update={"trainer": settings.trainer.model_copy(update={"num_envs": 1})})
    parts = build_training(small, torch.device("cpu"), settings.seed)
    spec, policy, optimizer = parts.spec, parts.policy, parts.optimizer
    generator = torch.Generator().manual_seed(0)
    obs = torch.randint(0, 8, (batch, *spec.obs_shape), dtype=torch.uint8, generator=generator)
    global_obs = torch.zeros(batch, spec.num_global_features)
    state = policy.initial_state(batch)
    policy.step(obs, global_obs, state)
    calls, elapsed = _timed(lambda: policy.step(obs, global_obs, state), seconds / 2)
    inference = Measurement("inference", {"batch": batch, "torch_threads": threads}, calls * batch / elapsed)

    horizon = settings.trainer.bptt_horizon
    segments = max(1, batch // horizon)
    sequence_obs = obs[: segments * horizon].reshape(segments, horizon, *spec.obs_shape)
    sequence_global = global_obs[: segments * horizon].reshape(segments, horizon, -1)
    starts = torch.zeros(segments, horizon, dtype=torch.bool)
    segment_state = policy.initial_state(segments)

    def train_step() -> None:
        logits, values = policy(sequence_obs, sequence_global, starts, segment_state)
        loss = values.square().mean() - logits.log_softmax(-1).mean()
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()

    train_step()
    calls, elapsed = _timed(train_step, seconds / 2)
    training = Measurement(
        "train_step",
        {"minibatch_size": segments * horizon, "torch_threads": threads},
        calls * segments * horizon / elapsed,
    )
    return [inference, training]


def autotune(
    settings: TrainSettings,
    budget_s: float = 60.0,
    num_envs: tuple[int, ...] = DEFAULT_NUM_ENVS,
    batch_sizes: tuple[int, ...] = DEFAULT_BATCH_SIZES,
    threads: tuple[int, ...] | None = None,
    on_measurement=None,
) -> AutotuneResult:
    """Measure every configuration for an equal share of `budget_s`; return the fastest settings."""
    threads = tuple(threads or _thread_options())
    configurations = len(num_envs) * len(threads) + len(batch_sizes) * len(threads)
    share = budget_s / max(configurations, 1)
    result = AutotuneResult(env=settings.env.name)
    for env_threads in threads:
        for count in num_envs:
            result.measurements.append(measure_env(settings, count, env_threads, share))
            if on_measurement is not None:
                on_measurement(result.measurements[-1])
    for torch_threads in threads:
        for batch in batch_sizes:
            for measurement in measure_policy(settings, batch, torch_threads, share):
                result.measurements.append(measurement)
                if on_measurement is not None:
                    on_measurement(measurement)
    result.overrides = best_overrides(result, settings)
    return result


def best_overrides(result: AutotuneResult, settings: TrainSettings) -> list[str]:
    """The fastest env and training-step settings as overrides that `TrainSettings` accepts."""
    from pydantic import ValidationError

    from metta_core.config.loader import describe_validation_error
    from metta_core.errors import ConfigError
    from metta_core.rl.settings import TrainerConfig

    env = result.best("env")
    train = result.best("train_step")
    trainer: dict[str, int] = {}
    if env is not None:
        trainer["num_envs"] = env.settings["num_envs"]
        trainer["env_threads"] = env.settings["env_threads"]
    if train is not None:
        minibatch = train.settings["minibatch_size"]
        trainer["minibatch_size"] = minibatch
        # A rollout must hold at least one minibatch; keep the configured batch when it already does.
        batch = settings.trainer.batch_size
        trainer["batch_size"] = (
            batch if batch >= minibatch and batch % minibatch == 0 else max(batch, minibatch)
        )
        trainer["torch_threads"] = train.settings["torch_threads"]
    # Checked against the real model: never print overrides that `metta train` would refuse.
    try:
        TrainerConfig.model_validate({**settings.trainer.model_dump(), **trainer})
    except ValidationError as err:
        raise ConfigError(describe_validation_error(err, {})) from None
    return [f"trainer.{key}={value}" for key, value in trainer.items()]
