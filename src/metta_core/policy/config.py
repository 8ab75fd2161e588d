"""Settings of the policy network (`AgentConfig`, the `agent` section of `metta train`).

Shipped presets are `presets/agent/*.yaml`. This module must not import torch: `metta config schema
agent` and shell completion read it, and `policy.network` builds the network from it.
"""

from __future__ import annotations

from pydantic import Field

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
