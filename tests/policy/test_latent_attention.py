"""The latent-attention agents (the reference's latent_attn_*): cells as tokens, masked, any size."""

from __future__ import annotations

import pytest
import torch

from metta_core.config.presets import load_preset
from metta_core.policy.checkpoint import Checkpoint, load_checkpoint, save_checkpoint
from metta_core.policy.config import AgentConfig
from metta_core.policy.network import MettaPolicy, PolicySpec
from metta_core.policy.token_encoder import LatentAttentionEncoder, fourier_positions

from .conftest import ACTIONS, MAX_ARGS

PRESETS = ("latent_attn_tiny", "latent_attn_small", "latent_attn_med")


def preset(name: str) -> AgentConfig:
    return AgentConfig.model_validate({"name": name, **load_preset("agent", name)})


def window(height: int = 11, width: int = 11, seed: int = 0) -> torch.Tensor:
    g = torch.Generator().manual_seed(seed)
    cells = torch.rand(3, 1, height, width, generator=g) < 0.1
    return (torch.randint(1, 4, (3, 19, height, width), generator=g) * cells).to(torch.uint8)


@pytest.mark.parametrize("name", PRESETS)
@pytest.mark.parametrize("size", [11, 5])
def test_each_preset_steps_and_trains_on_windows_of_any_size(name, size):
    spec = PolicySpec((19, size, size), 4, ACTIONS, MAX_ARGS)
    policy = MettaPolicy(spec, preset(name))
    logits, values, _ = policy.step(window(size, size), torch.rand(3, 4), policy.initial_state(3))
    assert logits.shape == (3, len(spec.action_pairs())) and torch.isfinite(logits).all()
    obs = window(size, size).unsqueeze(1).expand(-1, 4, -1, -1, -1)
    logits, values = policy(
        obs, torch.rand(3, 4, 4), torch.zeros(3, 4, dtype=torch.bool), policy.initial_state(3)
    )
    (logits.logsumexp(-1).mean() + values.mean()).backward()
    grad = policy.tokens.cross[0].keys.grad
    assert grad is not None and grad.abs().sum() > 0


def _only_filled_cells(
    encoder: LatentAttentionEncoder, obs: torch.Tensor, scale: torch.Tensor
) -> torch.Tensor:
    """The encoding of one window computed from its non-empty cells alone (no packing, no mask)."""
    cells = obs.reshape(obs.shape[0], -1).t()
    keep = cells.bool().any(-1)
    keep[cells.shape[0] // 2] = True
    tokens = torch.cat([cells[keep].float() / scale, encoder.positions[keep]], dim=-1).unsqueeze(0)
    latents = encoder.queries.unsqueeze(0)
    for block in encoder.cross:
        latents = block(latents, tokens, torch.ones(1, tokens.shape[1], dtype=torch.bool))
    if encoder.self_attention is not None:
        latents = encoder.self_attention(torch.cat([encoder.cls, latents], dim=1))
    return encoder.norm_out(latents[:, 0])[0]


@pytest.mark.parametrize("name", PRESETS)
def test_empty_cells_are_not_tokens_and_filled_cells_are(name):
    torch.manual_seed(0)
    encoder = LatentAttentionEncoder(19, 11, 11, preset(name)).eval()
    scale = torch.full((19,), 3.0)
    obs = window()
    with torch.no_grad():
        batched = encoder(obs, scale)
        for index in range(obs.shape[0]):
            torch.testing.assert_close(
                batched[index], _only_filled_cells(encoder, obs[index], scale), atol=1e-5, rtol=1e-5
            )
        filled = obs.clone()
        filled[:, 3, 0, 0] = 2  # one more non-empty cell changes the encoding
        assert not torch.allclose(encoder(filled, scale), batched)


def test_position_features_tell_cells_apart():
    positions = fourier_positions(11, 11, 4)
    assert positions.shape == (121, 16)
    assert len({tuple(row.round(decimals=4).tolist()) for row in positions}) == 121


def test_a_latent_attention_checkpoint_round_trips(tmp_path):
    spec = PolicySpec((19, 11, 11), 4, ACTIONS, MAX_ARGS)
    config = preset("latent_attn_tiny")
    policy = MettaPolicy(spec, config)
    save_checkpoint(
        Checkpoint(spec=spec, agent=config, state_dict=policy.state_dict(), metadata={}),
        str(tmp_path / "a.pt"),
    )
    loaded = load_checkpoint(str(tmp_path / "a.pt"))
    again = MettaPolicy(loaded.spec, loaded.agent)
    again.load_state_dict(loaded.state_dict)
    obs, glob = window(), torch.rand(3, 4)
    torch.testing.assert_close(
        again.step(obs, glob, again.initial_state(3))[0], policy.step(obs, glob, policy.initial_state(3))[0]
    )


def test_heads_must_divide_the_width():
    with pytest.raises(ValueError, match="latent_heads \\(5\\) must divide latent_dim \\(32\\)"):
        AgentConfig(encoder="latent_attn", latent_heads=5)
