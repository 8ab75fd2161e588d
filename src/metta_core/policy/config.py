"""Settings of the policy network (`AgentConfig`, the `agent` section of `metta train`).

Shipped presets are `presets/agent/*.yaml`. This module must not import torch: `metta config schema
agent` and shell completion read it, and `policy.network` builds the network from it.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field, model_validator

from metta_core.config.base import Section


class AgentConfig(Section):
    """The policy network: a CNN over the observation window, an LSTM core, actor and critic heads."""

    name: str = Field("fast", description="Name of the agent preset these settings came from.")
    cnn_channels: tuple[int, int] = Field(
        (32, 32), description="Output channels of the two convolutions over the egocentric window."
    )
    hidden_size: int = Field(
        128, gt=0, description="Width of the encoder's output (observation window + global features)."
    )
    lstm_size: int = Field(
        128, ge=0, description="Size of the LSTM state; 0 replaces the LSTM with a feed-forward core."
    )
    head_size: int = Field(
        0, ge=0, description="Hidden width of the actor and critic heads; 0 makes them single linear layers."
    )
    object_types: Literal["value", "one_hot"] = Field(
        "value",
        description="cnn: how the window's type_id layer reaches the first convolution: value (the "
        "id as one number) or one_hot (a layer per object type, so mine, generator and altar are "
        "told apart by the first layer).",
    )
    counts: Literal["linear", "log"] = Field(
        "linear",
        description="cnn: how the inventory layers (counts) reach the first convolution: linear "
        "(count / the largest count seen) or log (log(1 + count) / log(1 + the largest seen), so "
        "holding 1 item where 50 were once seen reads 0.18, not 0.02).",
    )
    local_view: bool = Field(
        False,
        description="cnn: also feed the encoder the 3x3 cells around the agent and the cell it faces "
        "(every layer, normalised like the window), so what the agent holds and whether a converter "
        "is ahead reach the heads directly rather than through the strided convolution.",
    )
    last_action: bool = Field(
        True,
        description="Feed the encoder the agent's last action and its argument (two of the env's "
        "global features, each id as one number). Through them the critic can rank actions by "
        "their id, and with little reward that ranking alone can steer every agent into one action; "
        "false leaves them out (see `docs/training.md`).",
    )
    mask_unaffordable: bool = Field(
        False,
        description="Give probability 0 to an action the agent's own cell shows it cannot pay for "
        "(an attack without the laser it spends): it would fail and waste the step. The costs are "
        "the training env's, kept in the checkpoint.",
    )
    encoder: Literal["cnn", "latent_attn"] = Field(
        "cnn",
        description="cnn: two convolutions over the window; latent_attn: every non-empty cell a token, "
        "latent cross-attention then self-attention (the reference's latent_attn_* agents).",
    )
    fourier_freqs: int = Field(4, ge=1, le=16, description="latent_attn: position frequencies per axis.")
    latent_queries: int = Field(1, ge=1, description="latent_attn: learnt queries attending to the cells.")
    latent_dim: int = Field(32, ge=4, description="latent_attn: width of tokens and latents.")
    latent_heads: int = Field(4, ge=1, description="latent_attn: heads of the cross-attention.")
    latent_layers: int = Field(1, ge=1, description="latent_attn: cross-attention blocks.")
    self_attn_layers: int = Field(0, ge=0, description="latent_attn: self-attention layers over the latents.")
    self_attn_heads: int = Field(4, ge=1, description="latent_attn: heads of the self-attention.")

    @model_validator(mode="after")
    def _heads_divide_width(self) -> AgentConfig:
        for field in ("latent_heads", "self_attn_heads"):
            if self.latent_dim % getattr(self, field):
                raise ValueError(
                    f"{field} ({getattr(self, field)}) must divide latent_dim ({self.latent_dim})"
                )
        return self
