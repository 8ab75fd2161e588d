"""The latent-attention observation encoder (the reference's `latent_attn_*` agents).

Each visible non-empty cell of the egocentric window is a token: its feature values (divided by
the per-feature normaliser) and Fourier features of its position (cos and sin of x and y, scaled
to [-1, 1], at frequencies 2^0 .. 2^(k-1)). A few learnt latent queries cross-attend to the
tokens (empty cells masked out), then self-attention layers mix the latents with a learnt cls
token, whose output is the encoding (without self-attention layers: the first latent's). Unlike the CNN, nothing depends on the window's size, and a
cell's meaning does not depend on where the network first saw such a cell.
"""

from __future__ import annotations

import math

import torch
from torch import nn

from metta_core.policy.config import AgentConfig


def fourier_positions(height: int, width: int, freqs: int) -> torch.Tensor:
    """(height * width, 4 * freqs): cos/sin of each cell's row and column at 2^k, in row-major order."""
    rows = torch.linspace(-1.0, 1.0, height).view(height, 1).expand(height, width)
    cols = torch.linspace(-1.0, 1.0, width).view(1, width).expand(height, width)
    scales = (2.0 ** torch.arange(freqs, dtype=torch.float32)) * math.pi / 2
    angles = torch.stack([rows, cols], dim=-1).reshape(-1, 2, 1) * scales  # (cells, 2, freqs)
    return torch.cat([angles.cos(), angles.sin()], dim=-1).reshape(height * width, -1)


class CrossAttentionBlock(nn.Module):
    """Latents attend to the tokens (pre-LayerNorm, residual), then a GELU MLP (x4), residual."""

    def __init__(self, dim: int, heads: int):
        super().__init__()
        self.norm_latents = nn.LayerNorm(dim)
        self.norm_tokens = nn.LayerNorm(dim)
        self.attention = nn.MultiheadAttention(dim, heads, batch_first=True)
        self.norm_mlp = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, latents: torch.Tensor, tokens: torch.Tensor, padding: torch.Tensor) -> torch.Tensor:
        keys = self.norm_tokens(tokens)
        attended, _ = self.attention(
            self.norm_latents(latents), keys, keys, key_padding_mask=padding, need_weights=False
        )
        latents = latents + attended
        return latents + self.mlp(self.norm_mlp(latents))


class LatentAttentionEncoder(nn.Module):
    """(N, C, H, W) uint8 window -> (N, out_size): tokens -> latent cross-attention -> self-attention."""

    def __init__(self, channels: int, height: int, width: int, config: AgentConfig):
        super().__init__()
        dim = config.latent_dim
        self.register_buffer(
            "positions", fourier_positions(height, width, config.fourier_freqs), persistent=False
        )
        self.token_in = nn.Linear(channels + 4 * config.fourier_freqs, dim)
        self.queries = nn.Parameter(torch.randn(config.latent_queries, dim) * 0.02)
        self.cross = nn.ModuleList(
            CrossAttentionBlock(dim, config.latent_heads) for _ in range(config.latent_layers)
        )
        self.cls = nn.Parameter(torch.zeros(1, 1, dim)) if config.self_attn_layers else None
        layer = nn.TransformerEncoderLayer(
            dim,
            config.self_attn_heads,
            4 * dim,
            dropout=0.0,
            activation="gelu",
            batch_first=True,
            norm_first=True,
        )
        self.self_attention = (
            nn.TransformerEncoder(layer, config.self_attn_layers, enable_nested_tensor=False)
            if config.self_attn_layers
            else None
        )
        self.norm_out = nn.LayerNorm(dim)
        self.out_size = dim

    def forward(self, obs: torch.Tensor, feature_max: torch.Tensor) -> torch.Tensor:
        batch, channels = obs.shape[:2]
        cells = obs.reshape(batch, channels, -1).transpose(1, 2)  # (N, cells, C)
        padding = ~cells.bool().any(dim=-1)  # empty cells are not tokens
        padding[:, padding.shape[1] // 2] = False  # the agent's own cell always is (never all-masked)
        values = cells.float() / feature_max
        tokens = self.token_in(torch.cat([values, self.positions.expand(batch, -1, -1)], dim=-1))
        latents = self.queries.expand(batch, -1, -1)
        for block in self.cross:
            latents = block(latents, tokens, padding)
        if self.self_attention is not None:  # a cls token gathers the latents
            latents = self.self_attention(torch.cat([self.cls.expand(batch, -1, -1), latents], dim=1))
        return self.norm_out(latents[:, 0])  # without self-attention: the first latent query
