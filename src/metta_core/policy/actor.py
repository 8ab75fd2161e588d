"""`PolicyActor`: a trained network behind the Actor protocol (reset / act) of docs/interfaces.md.

Samples from the policy's distribution with its own seeded generator, keeps one LSTM state per
agent row and clears the rows whose episode restarted. It checks once that the env speaks the
same observation and action layout the network was trained on. It never steps an env itself.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import numpy as np
import torch

from metta_core.errors import PolicyError
from metta_core.policy.device import torch_device
from metta_core.policy.network import MettaPolicy, PolicySpec


def check_compatible(spec: PolicySpec, env, name: str) -> None:
    """A PolicyError when the env's observations or actions differ from what the policy knows."""
    env_spec = PolicySpec.from_env(env)
    if env_spec.obs_shape != spec.obs_shape or env_spec.num_global_features != spec.num_global_features:
        raise PolicyError(
            f"policy {name}: trained on observations {spec.obs_shape} + {spec.num_global_features} globals, "
            f"this env gives {env_spec.obs_shape} + {env_spec.num_global_features}"
        )
    if env_spec.action_names != spec.action_names or env_spec.action_max_args != spec.action_max_args:
        raise PolicyError(
            f"policy {name}: trained on actions {list(spec.action_names)}, this env has {list(env_spec.action_names)}"
        )


class PolicyActor:
    """Acts for every agent row of an env with one batched forward pass per step."""

    def __init__(self, policy: MettaPolicy, device: str | torch.device = "cpu", seed: int = 0):
        self.policy = policy.eval()
        self.device = torch_device(device)
        self.generator = torch.Generator(device=self.device)
        self.generator.manual_seed(seed)
        self.pairs = policy.spec.action_pairs()
        self.state = policy.initial_state(0, self.device)

    def reset(self, num_agents: int) -> None:
        self.state = self.policy.initial_state(num_agents, self.device)

    def act(self, obs: np.ndarray, global_obs: np.ndarray, done_mask: np.ndarray) -> np.ndarray:
        num_agents = obs.shape[0]
        if self.state[0].shape[1] != num_agents:
            self.reset(num_agents)
        keep = torch.from_numpy(~np.asarray(done_mask, dtype=bool)).to(self.device).float().view(1, -1, 1)
        state = (self.state[0] * keep, self.state[1] * keep)
        obs_t = torch.from_numpy(np.ascontiguousarray(obs)).to(self.device)
        global_t = torch.from_numpy(np.ascontiguousarray(global_obs, dtype=np.float32)).to(self.device)
        logits, _, self.state = self.policy.step(obs_t, global_t, state)
        choice = torch.multinomial(torch.softmax(logits, -1), 1, generator=self.generator).squeeze(-1)
        return self.pairs[choice.cpu().numpy()]


@dataclass
class PolicyInMemory:
    """A network held in memory (training's own evaluation) with `PolicyRecord`'s `actor()`.

    Each actor plays a copy, so evaluating never touches the training network's mode or weights.
    """

    name: str
    policy: MettaPolicy

    def actor(self, env, device: str = "cpu", seed: int = 0) -> PolicyActor:
        check_compatible(self.policy.spec, env, self.name)
        device = torch_device(device)
        return PolicyActor(copy.deepcopy(self.policy).to(device), device=device, seed=seed)
