"""Every env preset by name for Gymnasium and PettingZoo users, without writing a config.

`import metta_core.env` registers `metta/<Preset>-v0` for every shipped preset (`navigation` ->
`metta/Navigation-v0`, `object_use` -> `metta/ObjectUse-v0`):

    gymnasium.make("metta/NavigationSingle-v0", seed=1, obs_dtype="float32")  # one agent
    gymnasium.make_vec("metta/Arena-v0", num_envs=4, overrides=["game.max_steps=500"])

`gymnasium.make` gives the one-agent `MettaGymEnv` and so needs a one-agent preset
(`navigation_single`, `memory`, `object_use`); `gymnasium.make_vec` gives `MettaVectorEnv`, one
sub-env per agent of `num_envs` environments. The factories here also serve `metta_v0.env()` and
`metta_v0.parallel_env()`. Registering reads only the presets' file names: the engine is imported
when an env is made.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from metta_core.config.presets import preset_names
from metta_core.env.adapter_render import RENDER_FPS, RENDER_MODES
from metta_core.errors import ConfigError

if TYPE_CHECKING:
    from metta_core.env.adapters import MettaGymEnv, MettaParallelEnv, MettaVectorEnv
    from metta_core.env.config import EnvConfig

NAMESPACE = "metta"
VERSION = 0

Overrides = Sequence[str] | Mapping[str, Any]


def gym_id(preset: str) -> str:
    """`object_use` -> `metta/ObjectUse-v0`."""
    return f"{NAMESPACE}/{''.join(part.capitalize() for part in preset.split('_'))}-v{VERSION}"


def override_texts(overrides: Overrides | None) -> list[str]:
    """`["game.max_steps=100"]` as given, or `{"game.max_steps": 100}` as the same texts."""
    if overrides is None:
        return []
    if isinstance(overrides, str):
        raise ConfigError(
            f"overrides: give a list of 'key=value' texts or a dict, got the string {overrides!r}"
        )
    if isinstance(overrides, Mapping):
        return [f"{key}={json.dumps(value)}" for key, value in overrides.items()]
    texts = list(overrides)
    for text in texts:
        if not isinstance(text, str):
            raise ConfigError(f"overrides: every entry must be a 'key=value' text, got {text!r}")
    return texts


def env_config(preset: str, overrides: Overrides | None = None) -> EnvConfig:
    from metta_core.env.config import load_env_config

    return load_env_config(preset, override_texts(overrides))


def make_gym_env(
    preset: str,
    seed: int = 0,
    overrides: Overrides | None = None,
    render_mode: str | None = None,
    obs_dtype: str = "uint8",
    flatten: bool = False,
) -> MettaGymEnv:
    """The `gymnasium.make` entry point: a one-agent preset as a `MettaGymEnv`."""
    from metta_core.env.adapters import MettaGymEnv

    config = env_config(preset, overrides)
    agents = config.game.num_agents
    if agents != 1:
        single = f" or {gym_id(preset + '_single')}" if preset + "_single" in preset_names("env") else ""
        raise ConfigError(
            f"{gym_id(preset)}: gymnasium.make needs a one-agent env and this one has {agents} agents;"
            f" use gymnasium.make_vec({gym_id(preset)!r}, num_envs=N) (one sub-env per agent){single}"
        )
    return MettaGymEnv(config, seed=seed, render_mode=render_mode, obs_dtype=obs_dtype, flatten=flatten)


# gymnasium.make reads its creator's `metadata` to check `render_mode`.
make_gym_env.metadata = {"render_modes": RENDER_MODES, "render_fps": RENDER_FPS}  # type: ignore[attr-defined]


def make_vector_env(
    preset: str,
    num_envs: int = 1,
    seed: int = 0,
    overrides: Overrides | None = None,
    threads: int = 1,
    render_mode: str | None = None,
    obs_dtype: str = "uint8",
    flatten: bool = False,
) -> MettaVectorEnv:
    """The `gymnasium.make_vec` entry point: `num_envs` environments, one sub-env per agent."""
    from metta_core.env.adapters import MettaVectorEnv

    config = env_config(preset, overrides)
    return MettaVectorEnv(
        config,
        num_envs=num_envs,
        seed=seed,
        threads=threads,
        render_mode=render_mode,
        obs_dtype=obs_dtype,
        flatten=flatten,
    )


def make_parallel_env(
    preset: str = "arena",
    seed: int = 0,
    overrides: Overrides | None = None,
    render_mode: str | None = None,
    obs_dtype: str = "uint8",
    flatten: bool = False,
) -> MettaParallelEnv:
    """A preset as a PettingZoo `ParallelEnv`."""
    from metta_core.env.adapters import MettaParallelEnv

    config = env_config(preset, overrides)
    return MettaParallelEnv(config, seed=seed, render_mode=render_mode, obs_dtype=obs_dtype, flatten=flatten)


def register_presets() -> None:
    """Register `metta/<Preset>-v0` for every shipped preset (again: a no-op)."""
    from gymnasium.envs.registration import register, registry

    for preset in preset_names("env"):
        env_id = gym_id(preset)
        if env_id in registry:
            continue
        register(
            id=env_id,
            entry_point=make_gym_env,
            vector_entry_point=make_vector_env,
            kwargs={"preset": preset},
        )
