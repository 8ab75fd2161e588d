"""The policy network: CNN encoder over the observation window, LSTM core, actor and critic heads.

The actor chooses one entry of the *flattened* action space: every valid (action, argument) pair
of the env's enabled actions. An argument above an action's maximum can therefore never be
sampled (the invalid-argument mask is built into the space) and one categorical distribution
covers both choices. This module holds the network only: no environment, no optimizer, no files.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import torch
from torch import nn
from torch.nn import functional as F

from metta_core.env.layout import GLOBAL_FEATURE_NAMES
from metta_core.env.table import OBJECT_TYPES
from metta_core.policy.config import AgentConfig
from metta_core.policy.token_encoder import LatentAttentionEncoder

LSTMState = tuple[torch.Tensor, torch.Tensor]


@dataclass(frozen=True)
class PolicySpec:
    """What the network must know about the env; stored in checkpoints to rebuild the network."""

    obs_shape: tuple[int, int, int]
    num_global_features: int
    action_names: tuple[str, ...]
    action_max_args: tuple[int, ...]
    feature_names: tuple[str, ...] = ()
    #: (action, item, count): what an action spends (the attack's laser), so the network can mask
    #: an action its agent cannot pay for. Not part of the layout (not compared): a checkpoint saved
    #: before it existed still fits the same env.
    action_costs: tuple[tuple[str, str, int], ...] = field(default=(), compare=False)

    @classmethod
    def from_env(cls, env) -> PolicySpec:
        return cls(
            obs_shape=tuple(int(x) for x in env.obs_shape),
            num_global_features=int(env.num_global_features),
            action_names=tuple(env.action_names),
            action_max_args=tuple(int(x) for x in env.action_max_args),
            feature_names=tuple(getattr(env, "feature_names", ())),
            action_costs=tuple((a, i, int(n)) for a, i, n in getattr(env, "action_costs", ())),
        )

    def action_pairs(self) -> np.ndarray:
        """int32 (num_pairs, 2): the (action, argument) of each entry of the flattened space."""
        return np.array(
            [(a, arg) for a, max_arg in enumerate(self.action_max_args) for arg in range(max_arg + 1)],
            dtype=np.int32,
        ).reshape(-1, 2)

    def to_dict(self) -> dict:
        return {
            "obs_shape": list(self.obs_shape),
            "num_global_features": self.num_global_features,
            "action_names": list(self.action_names),
            "action_max_args": list(self.action_max_args),
            "feature_names": list(self.feature_names),
            "action_costs": [list(cost) for cost in self.action_costs],
        }

    @classmethod
    def from_dict(cls, data: dict) -> PolicySpec:
        return cls(
            obs_shape=tuple(data["obs_shape"]),
            num_global_features=int(data["num_global_features"]),
            action_names=tuple(data["action_names"]),
            action_max_args=tuple(data["action_max_args"]),
            feature_names=tuple(data.get("feature_names", ())),
            action_costs=tuple((a, i, int(n)) for a, i, n in data.get("action_costs", ())),
        )


def _conv_out(size: int, kernel: int, stride: int) -> int:
    return (size - kernel) // stride + 1


def _type_layer(spec: PolicySpec, config: AgentConfig) -> int | None:
    """Index of the window's type_id layer when the CNN one-hot encodes it, else None."""
    if config.object_types != "one_hot" or config.encoder != "cnn":
        return None
    if "type_id" not in spec.feature_names:
        raise ValueError("agent.object_types=one_hot: the env's observations name no type_id layer")
    return spec.feature_names.index("type_id")


def _count_layers(spec: PolicySpec, config: AgentConfig) -> slice | None:
    """The window's inventory layers (one run of them) when the CNN reads counts on a log scale."""
    if config.counts != "log" or config.encoder != "cnn":
        return None
    layers = [i for i, name in enumerate(spec.feature_names) if name.startswith("inv:")]
    if not layers or layers != list(range(layers[0], layers[-1] + 1)):
        raise ValueError("agent.counts=log: the env's observations name no run of inv: layers")
    return slice(layers[0], layers[-1] + 1)


def _orientation_layer(spec: PolicySpec, config: AgentConfig) -> int | None:
    """Index of the window's orientation layer when the encoder reads the agent's local view."""
    if not config.local_view or config.encoder != "cnn":
        return None
    if "agent:orientation" not in spec.feature_names or min(spec.obs_shape[1:]) < 3:
        raise ValueError(
            "agent.local_view: the env's observations need an agent:orientation layer and a window of 3x3 or more"
        )
    return spec.feature_names.index("agent:orientation")


#: local view: the agent's own counts are one-hot up to this many (more reads as this many), so
#: "holds 10" and "holds 9" differ by a whole input, whatever the largest count seen.
COUNT_BINS = 16

#: The cell ahead within the flattened 3x3 around the agent, by orientation layer value (orientation
#: + 1; 0 where none is seen: the agent's own cell): up, down, left, right.
_AHEAD_CELL = (4, 1, 7, 3, 5)


def _kept_globals(spec: PolicySpec, config: AgentConfig) -> list[int] | None:
    """Indices of the global features the encoder reads; None: all of them (with `last_action`,
    or when the env's global features are not the engine's, so there is no last action to skip)."""
    if config.last_action or spec.num_global_features != len(GLOBAL_FEATURE_NAMES):
        return None
    return [i for i, name in enumerate(GLOBAL_FEATURE_NAMES) if name not in ("last_action", "last_arg")]


#: The logit of a pair the agent cannot pay for: its probability is exactly 0 in float32, and
#: p * log p stays 0 (an infinity would make it NaN).
MASKED_LOGIT = -1e9


def _costed_actions(spec: PolicySpec, config: AgentConfig) -> list[tuple[slice, list[tuple[int, int]]]]:
    """With `mask_unaffordable`: for each action that spends items, its pairs in the flattened
    space and (inventory layer, count) of every item it spends. Empty without costs in the spec."""
    if not config.mask_unaffordable:
        return []
    pair_actions = spec.action_pairs()[:, 0]  # the flattened space's layout, not a second copy of it
    items: dict[str, list[tuple[int, int]]] = {}
    for action, item, count in spec.action_costs:
        if action not in spec.action_names:
            continue
        layer = f"inv:{item}"
        if layer not in spec.feature_names:
            raise ValueError(f"agent.mask_unaffordable: the env's observations name no {layer} layer")
        items.setdefault(action, []).append((spec.feature_names.index(layer), count))
    costed = []
    for action, spent in items.items():
        pairs = np.flatnonzero(pair_actions == spec.action_names.index(action))
        costed.append((slice(int(pairs[0]), int(pairs[-1]) + 1), spent))
    return costed


def _layer_init(layer: nn.Module, std: float = 2**0.5) -> nn.Module:
    # Orthogonal init with small actor/critic output gains, as in CleanRL's PPO.
    nn.init.orthogonal_(layer.weight, std)
    nn.init.zeros_(layer.bias)
    return layer


class MettaPolicy(nn.Module):
    """`forward` runs BPTT segments for the update; `step` runs one batched inference step."""

    def __init__(self, spec: PolicySpec, config: AgentConfig):
        super().__init__()
        self.spec = spec
        self.config = config
        channels, height, width = spec.obs_shape
        c1, c2 = config.cnn_channels
        # one_hot: the type_id layer (object id + 1, 0 empty) also enters as one layer per type.
        self.type_layer = _type_layer(spec, config)
        self.num_types = len(OBJECT_TYPES) if self.type_layer is not None else 0
        # log counts: small holdings stay visible after a large count widened the normaliser.
        self.count_layers = _count_layers(spec, config)
        # local view: the 3x3 around the agent, the cell it faces and its own counts one-hot, beside
        # the convolution's output.
        self.orientation_layer = _orientation_layer(spec, config)
        self.inventory_layers = [i for i, name in enumerate(spec.feature_names) if name.startswith("inv:")]
        local_size = 0
        if self.orientation_layer is not None:
            local_size = 10 * channels + len(self.inventory_layers) * (COUNT_BINS + 1)
        # A large first stride shrinks the 11x11 window to 3x3 cheaply; small windows use stride 1.
        k1, s1 = (5, 3) if min(height, width) >= 8 else (3, 1)
        h1, w1 = _conv_out(height, k1, s1), _conv_out(width, k1, s1)
        k2 = min(3, h1, w1)
        h2, w2 = _conv_out(h1, k2, 1), _conv_out(w1, k2, 1)
        self.cnn = nn.Sequential(
            _layer_init(nn.Conv2d(channels + self.num_types, c1, k1, stride=s1)),
            nn.ReLU(),
            _layer_init(nn.Conv2d(c1, c2, k2, stride=1)),
            nn.ReLU(),
            nn.Flatten(),
        )
        encoded = c2 * h2 * w2
        self.tokens = None
        if config.encoder == "latent_attn":
            self.cnn = None
            self.tokens = LatentAttentionEncoder(channels, height, width, config)
            encoded = self.tokens.out_size
        # The last action as a number lets the critic rank actions by their id (see `_globals`).
        kept = _kept_globals(spec, config)
        globals_size = spec.num_global_features if kept is None else len(kept)
        self.encoder = nn.Sequential(
            _layer_init(nn.Linear(encoded + local_size + globals_size, config.hidden_size)),
            nn.ReLU(),
        )
        core = config.lstm_size or config.hidden_size
        self.lstm = nn.LSTM(config.hidden_size, config.lstm_size) if config.lstm_size else None
        if self.lstm is not None:
            for name, param in self.lstm.named_parameters():
                if "bias" in name:
                    nn.init.zeros_(param)
                else:
                    nn.init.orthogonal_(param, 1.0)
        num_pairs = sum(m + 1 for m in spec.action_max_args)
        # mask_unaffordable: actions whose cost the agent's own cell shows it cannot pay.
        self.costed_actions = _costed_actions(spec, config)
        self.actor = self._head(core, num_pairs, 0.01)
        self.critic = self._head(core, 1, 1.0)
        # Observations are uint8 counts and flags of different ranges; each layer is divided by
        # the largest value seen so far (updated during rollouts, saved with the weights).
        self.register_buffer("feature_max", torch.ones(channels))
        self.register_buffer("global_max", torch.ones(max(spec.num_global_features, 1)))
        self.register_buffer("action_pairs", torch.from_numpy(spec.action_pairs()).long())
        if self.num_types:  # the type_id value of each one-hot layer (1 = agent, ...), built once
            type_ids = torch.arange(1, self.num_types + 1, dtype=torch.uint8).view(1, -1, 1, 1)
            self.register_buffer("type_ids", type_ids, persistent=False)
        if self.orientation_layer is not None:
            self.register_buffer("ahead_cell", torch.tensor(_AHEAD_CELL), persistent=False)
        # On the policy's device, so selecting the kept features is no host-to-device copy a step.
        self.register_buffer("kept_globals", None if kept is None else torch.tensor(kept), persistent=False)

    def _head(self, core: int, out: int, std: float) -> nn.Module:
        if self.config.head_size:
            return nn.Sequential(
                _layer_init(nn.Linear(core, self.config.head_size)),
                nn.ReLU(),
                _layer_init(nn.Linear(self.config.head_size, out), std),
            )
        return _layer_init(nn.Linear(core, out), std)

    @property
    def lstm_size(self) -> int:
        return self.config.lstm_size

    def initial_state(self, num_agents: int, device: torch.device | str = "cpu") -> LSTMState:
        size = max(self.config.lstm_size, 1)
        zeros = torch.zeros(1, num_agents, size, device=device)
        return zeros, zeros.clone()

    @torch.no_grad()
    def observe_ranges(self, obs: torch.Tensor, global_obs: torch.Tensor) -> None:
        """Widen the per-layer normalisers to cover this batch (rollouts only)."""
        # The max over agents first is one contiguous pass; reducing (0, 2, 3) at once is ~10x slower.
        per_cell = obs.amax(dim=0).flatten(1)
        self.feature_max.copy_(torch.maximum(self.feature_max, per_cell.amax(dim=1).float()))
        if global_obs.shape[-1]:
            self.global_max.copy_(torch.maximum(self.global_max, global_obs.abs().amax(dim=0)))

    def feature_cap(self) -> torch.Tensor:
        """What each input layer of the first convolution is divided by (one-hot layers: 1)."""
        cap = self.feature_max
        if self.count_layers is not None:
            cap = cap.clone()
            cap[self.count_layers] = torch.log1p(cap[self.count_layers])
        if not self.num_types:
            return cap
        return torch.cat([cap, cap.new_ones(self.num_types)])

    def encode(self, obs: torch.Tensor, global_obs: torch.Tensor) -> torch.Tensor:
        """(N, C, H, W) uint8 + (N, G) float -> (N, hidden)."""
        # channels_last makes the CPU convolutions several times faster for these small channels;
        # one copy converts the uint8 window to float in that layout. Dividing the input by the
        # per-layer normaliser equals dividing the first layer's weights by it (far fewer numbers).
        if self.tokens is not None:
            features = self.tokens(obs, self.feature_max)
            if global_obs.shape[-1]:
                features = torch.cat([features, self._globals(global_obs)], dim=1)
            return self.encoder(features)
        channels = obs.shape[1]
        shape = (obs.shape[0], channels + self.num_types, *obs.shape[2:])
        x = torch.empty(shape, dtype=torch.float32, device=obs.device, memory_format=torch.channels_last)
        x[:, :channels].copy_(obs)
        if self.count_layers is not None:
            x[:, self.count_layers].log1p_()
        first, second = self.cnn[0], self.cnn[2]
        cap = self.feature_cap()
        weight = first.weight / cap.view(1, -1, 1, 1)
        if self.type_layer is not None:
            x[:, channels:].copy_(obs[:, self.type_layer : self.type_layer + 1] == self.type_ids)
        hidden = F.relu(F.conv2d(x, weight, first.bias, first.stride))
        if tuple(hidden.shape[-2:]) == second.kernel_size:
            # The second layer's kernel covers the whole map (3x3 for 11x11 windows): it is a linear
            # layer over the flattened map, whose backward runs ~1.4x faster than the convolution's.
            flat_weight = second.weight.permute(0, 2, 3, 1).flatten(1)
            features = F.relu(F.linear(hidden.permute(0, 2, 3, 1).flatten(1), flat_weight, second.bias))
        else:
            features = self.cnn[2:](hidden)
        if self.orientation_layer is not None:
            features = torch.cat([features, self._local_view(obs, x[:, :channels], cap[:channels])], dim=1)
        if global_obs.shape[-1]:
            features = torch.cat([features, self._globals(global_obs)], dim=1)
        return self.encoder(features)

    def _globals(self, global_obs: torch.Tensor) -> torch.Tensor:
        """The global features the encoder reads, each divided by its largest value seen; without
        `last_action`, the last action and its argument are left out.

        Why leave them out: the next observation carries the action just taken, so a critic with
        any slope on the action id values the next state, and so each action's advantage, by where
        its id lies. With rewards near zero the normalised advantages are mostly that ranking: in
        `multiagent` (seed 1) it drew every agent to the highest id within 20 updates
        (change_color; swap when change_color was disabled), and once one action is always taken
        nothing corrects the slope. One flag per action instead gave each action its own random
        worth and collapsed as fast.
        """
        scaled = global_obs / self.global_max
        if self.kept_globals is None:
            return scaled
        return scaled.index_select(1, self.kept_globals)

    def _local_view(self, obs: torch.Tensor, x: torch.Tensor, cap: torch.Tensor) -> torch.Tensor:
        """(N, 10 * C + items * 17): every layer of the 3x3 cells around the agent, then of the cell
        it faces, each divided by its layer's normaliser; then the agent's own counts, one-hot."""
        cy, cx = obs.shape[2] // 2, obs.shape[3] // 2
        around = x[:, :, cy - 1 : cy + 2, cx - 1 : cx + 2].flatten(2)  # (N, C, 9)
        facing = obs[:, self.orientation_layer, cy, cx].long().clamp(max=len(_AHEAD_CELL) - 1)
        index = self.ahead_cell[facing].view(-1, 1, 1).expand(-1, around.shape[1], 1)
        cells = torch.cat([around, around.gather(2, index)], dim=2) / cap.view(1, -1, 1)
        counts = obs[:, self.inventory_layers, cy, cx].long().clamp(max=COUNT_BINS)
        held = F.one_hot(counts, COUNT_BINS + 1).flatten(1).to(cells.dtype)
        return torch.cat([cells.flatten(1), held], dim=1)

    @torch.no_grad()
    def step(
        self, obs: torch.Tensor, global_obs: torch.Tensor, state: LSTMState
    ) -> tuple[torch.Tensor, torch.Tensor, LSTMState]:
        """One inference step for N agents: (logits (N, pairs), value (N,), next state)."""
        hidden = self.encode(obs, global_obs)
        if self.lstm is not None:
            out, state = self.lstm(hidden.unsqueeze(0), state)
            hidden = out.squeeze(0)
        logits = self._mask_unaffordable(self.actor(hidden), obs)
        return logits, self.critic(hidden).squeeze(-1), state

    def _mask_unaffordable(self, logits: torch.Tensor, obs: torch.Tensor) -> torch.Tensor:
        """logits (N, pairs), obs (N, C, H, W): with `mask_unaffordable`, the pairs of an action
        the agent cannot pay for (its own cell, the window's centre, holds fewer of an item than
        the action spends) get probability 0.

        Why: such an action always fails. In the arena (no laser anywhere; 9 of the 23 pairs are
        attacks) a trained policy spent ~124 of its 500 steps on failed attacks; masked, one seed
        spent them on change_color instead (mostly waiting at generators), yet both seeds tried
        made more hearts with 14 pairs to explore (`docs/training.md`). The mask depends on the
        observation alone, so the rollout and the update see the same distribution.
        """
        if not self.costed_actions:
            return logits
        cy, cx = obs.shape[-2] // 2, obs.shape[-1] // 2
        blocked = torch.zeros_like(logits, dtype=torch.bool)
        for pairs, spent in self.costed_actions:
            short = torch.zeros(obs.shape[0], dtype=torch.bool, device=obs.device)
            for layer, count in spent:
                short |= obs[:, layer, cy, cx] < count
            blocked[:, pairs] = short.unsqueeze(1)
        return logits.masked_fill(blocked, MASKED_LOGIT)

    def forward(
        self, obs: torch.Tensor, global_obs: torch.Tensor, starts: torch.Tensor, state: LSTMState
    ) -> tuple[torch.Tensor, torch.Tensor]:
        """Segments for the update. obs (B, T, C, H, W), global_obs (B, T, G), starts (B, T) bool
        marking steps that begin a new episode (the state is cleared before them), state: the
        recurrent state before step 0 of each segment, (1, B, L). Returns logits (B, T, pairs)
        and values (B, T)."""
        batch, horizon = obs.shape[:2]
        flat_obs = obs.reshape(batch * horizon, *obs.shape[2:])
        hidden = self.encode(flat_obs, global_obs.reshape(batch * horizon, -1))
        if self.lstm is not None:
            sequence = hidden.view(batch, horizon, -1).transpose(0, 1)  # (T, B, hidden)
            if not bool(starts[:, 1:].any()):
                # No episode boundary inside any segment: one fused LSTM call.
                out, _ = self.lstm(sequence, state)
            else:
                keep = (~starts).float().t().unsqueeze(-1)  # (T, B, 1)
                h, c = state
                outs = []
                for t in range(horizon):
                    h, c = h * keep[t], c * keep[t]
                    o, (h, c) = self.lstm(sequence[t : t + 1], (h, c))
                    outs.append(o)
                out = torch.cat(outs, 0)
            hidden = out.transpose(0, 1).reshape(batch * horizon, -1)
        logits = self._mask_unaffordable(self.actor(hidden), flat_obs).view(batch, horizon, -1)
        values = self.critic(hidden).view(batch, horizon)
        return logits, values


def count_parameters(model: nn.Module) -> int:
    return sum(p.numel() for p in model.parameters())
