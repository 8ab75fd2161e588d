"""PettingZoo-style entry points, named like PettingZoo's own environment modules:

    from metta_core.env import metta_v0
    env = metta_v0.parallel_env("arena", seed=0)      # ParallelEnv, agents agent_0..agent_23
    aec = metta_v0.env("arena")                       # the AEC view (PettingZoo's parallel_to_aec)

Both take the arguments of `registration.make_parallel_env`: preset, seed, overrides,
render_mode, obs_dtype, flatten.
"""

from __future__ import annotations

from typing import Any

from metta_core.env.registration import make_parallel_env


def parallel_env(preset: str = "arena", **kwargs: Any):
    """A preset as a PettingZoo `ParallelEnv`."""
    return make_parallel_env(preset, **kwargs)


def env(preset: str = "arena", **kwargs: Any):
    """A preset as a PettingZoo `AECEnv`: agents act in turn, the step runs when all have acted."""
    from pettingzoo.utils.conversions import parallel_to_aec

    return parallel_to_aec(make_parallel_env(preset, **kwargs))


raw_env = parallel_env
