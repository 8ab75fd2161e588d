"""The latent-attention observation encoder (the reference's `latent_attn_*` agents).

Each visible non-empty cell of the egocentric window is a token: its feature values (divided by
the per-feature normaliser) and Fourier features of its position (cos and sin of row and column,
scaled to [-1, 1], at frequencies 2^0 .. 2^(k-1)). A few learnt latent queries cross-attend to
the tokens (empty cells masked out), then self-attention layers mix the latents with a learnt cls
token, whose output is the encoding (without self-attention layers: the first latent's).

Speed: a window has ~121 cells but only a few latents, so nothing is computed per token that
can be computed per latent: keys and values are linear in a token's features and position, so
queries are taken to feature space instead (see CrossAttentionBlock); no token is normalised,
projected or copied.
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
    """Latents attend to the tokens (pre-LayerNorm queries, residual), then a GELU MLP (x4), residual.

    A token's key and value are linear in the token t (features and position): k = Wk t. So
    q . k = (Wk^T q) . t and the attention-weighted value is Wv (sum_i a_i t_i) + b: the queries
    go to token space (a few dozen numbers) instead of every token to key space, the same result
    with far less work and memory per token (a key bias would cancel in the softmax)."""

    def __init__(self, dim: int, heads: int, token_size: int):
        super().__init__()
        self.heads, self.head_dim = heads, dim // heads
        self.norm_latents = nn.LayerNorm(dim)
        self.query = nn.Linear(dim, dim)
        self.keys = nn.Parameter(torch.empty(heads, dim // heads, token_size))
        self.values = nn.Parameter(torch.empty(heads, dim // heads, token_size))
        self.value_bias = nn.Parameter(torch.zeros(dim))
        for weight in (self.keys, self.values):
            nn.init.normal_(weight, std=token_size**-0.5)
        self.out = nn.Linear(dim, dim)
        self.norm_mlp = nn.LayerNorm(dim)
        self.mlp = nn.Sequential(nn.Linear(dim, 4 * dim), nn.GELU(), nn.Linear(4 * dim, dim))

    def forward(self, latents: torch.Tensor, tokens: torch.Tensor, attend: torch.Tensor) -> torch.Tensor:
        """latents (N, Q, D); tokens (N, T, token_size); attend (N, T) bool, False for padding."""
        batch, queries, dim = latents.shape
        q = self.query(self.norm_latents(latents)).view(batch, queries, self.heads, self.head_dim)
        query_in_token_space = torch.einsum("nqhd,hdc->nqhc", q * self.head_dim**-0.5, self.keys)
        scores = torch.einsum("nqhc,ntc->nqht", query_in_token_space, tokens)
        weights = scores.masked_fill(~attend.view(batch, 1, 1, -1), float("-inf")).softmax(dim=-1)
        pooled = torch.einsum("nqht,ntc->nqhc", weights, tokens)
        attended = torch.einsum("nqhc,hdc->nqhd", pooled, self.values).reshape(batch, queries, dim)
        latents = latents + self.out(attended + self.value_bias)
        return latents + self.mlp(self.norm_mlp(latents))


class LatentAttentionEncoder(nn.Module):
    """(N, C, H, W) uint8 window -> (N, out_size): tokens -> latent cross-attention -> self-attention."""

    def __init__(self, channels: int, height: int, width: int, config: AgentConfig):
        super().__init__()
        dim, layers = config.latent_dim, config.latent_layers
        self.register_buffer(
            "positions", fourier_positions(height, width, config.fourier_freqs), persistent=False
        )
        token_size = channels + 4 * config.fourier_freqs
        self.queries = nn.Parameter(torch.randn(config.latent_queries, dim) * 0.02)
        self.cross = nn.ModuleList(
            CrossAttentionBlock(dim, config.latent_heads, token_size) for _ in range(layers)
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
        cells = obs.reshape(batch, channels, -1).transpose(1, 2)  # (N, cells, C), a view
        attend = cells.amax(dim=-1) > 0  # empty cells are not tokens
        attend[:, attend.shape[1] // 2] = True  # the agent's own cell always is (never all-masked)
        # Pack the tokens: most cells are empty (15-25 of 121 in the shipped games), so each window's
        # tokens move to the front, in cell order, and the batch keeps as many as its fullest window.
        count = int(attend.sum(dim=1).max())
        order = torch.argsort((~attend).to(torch.uint8), dim=1, stable=True)[:, :count]
        features = torch.gather(cells, 1, order.unsqueeze(-1).expand(-1, -1, channels)).float() / feature_max
        tokens = torch.cat([features, self.positions[order]], dim=-1)
        attend = torch.gather(attend, 1, order)
        latents = self.queries.expand(batch, -1, -1)
        for block in self.cross:
            latents = block(latents, tokens, attend)
        if self.self_attention is not None:  # a cls token gathers the latents
            latents = self.self_attention(torch.cat([self.cls.expand(batch, -1, -1), latents], dim=1))
        return self.norm_out(latents[:, 0])  # without self-attention: the first latent query
