"""PPO losses: clipping, value clipping, entropy bonus, KL estimate."""

from __future__ import annotations

import pytest
import torch

from metta_core.rl.losses import ppo_loss
from metta_core.rl.settings import TrainerConfig


def _inputs(n: int = 8, pairs: int = 5):
    g = torch.Generator().manual_seed(0)
    logits = torch.randn(n, pairs, generator=g, requires_grad=True)
    actions = torch.randint(0, pairs, (n,), generator=g)
    old_logprobs = torch.log_softmax(logits.detach(), -1).gather(-1, actions.unsqueeze(-1)).squeeze(-1)
    values = torch.randn(n, generator=g, requires_grad=True)
    return (
        logits,
        values,
        actions,
        old_logprobs,
        values.detach().clone(),
        torch.randn(n, generator=g),
        torch.randn(n, generator=g),
    )


def test_unchanged_policy_has_zero_kl_and_no_clipping():
    logits, values, actions, old_lp, old_v, adv, ret = _inputs()
    terms = ppo_loss(logits, values, actions, old_lp, old_v, adv, ret, TrainerConfig())
    assert abs(float(terms.approx_kl)) < 1e-6
    assert float(terms.clipfrac) == 0.0
    terms.loss.backward()
    assert logits.grad is not None and logits.grad.abs().sum() > 0


def test_ratio_beyond_the_clip_gives_no_policy_gradient_in_the_clipped_direction():
    logits = torch.zeros(1, 2, requires_grad=True)
    actions = torch.tensor([0])
    old_lp = torch.log(torch.tensor([0.25]))  # now 0.5: ratio 2 > 1 + clip
    config = TrainerConfig(norm_adv=False, ent_coef=0.0, vf_coef=0.0)
    terms = ppo_loss(
        logits, torch.zeros(1), actions, old_lp, torch.zeros(1), torch.tensor([1.0]), torch.zeros(1), config
    )
    terms.loss.backward()
    assert float(terms.clipfrac) == 1.0
    assert torch.count_nonzero(logits.grad) == 0


def test_entropy_bonus_lowers_the_loss_of_a_uniform_policy():
    logits, values, actions, old_lp, old_v, adv, ret = _inputs()
    without = ppo_loss(logits, values, actions, old_lp, old_v, adv, ret, TrainerConfig(ent_coef=0.0)).loss
    with_bonus = ppo_loss(logits, values, actions, old_lp, old_v, adv, ret, TrainerConfig(ent_coef=0.1)).loss
    assert float(with_bonus.detach()) < float(without.detach())


def test_value_clipping_keeps_the_larger_error():
    config = TrainerConfig(vf_clip_coef=0.1, clip_vloss=True)
    new_values = torch.tensor([1.0])
    terms = ppo_loss(
        torch.zeros(1, 2),
        new_values,
        torch.tensor([0]),
        torch.log(torch.tensor([0.5])),
        torch.tensor([0.0]),
        torch.tensor([0.0]),
        torch.tensor([1.0]),
        config,
    )
    # Unclipped error is 0; clipped prediction 0.1 has error 0.81: the loss keeps the larger.
    assert abs(float(terms.value_loss) - 0.5 * 0.81) < 1e-6


def test_a_scheduled_entropy_weight_replaces_the_configured_one():
    logits, values, actions, old_lp, old_v, adv, ret = _inputs()
    scheduled = ppo_loss(logits, values, actions, old_lp, old_v, adv, ret, TrainerConfig(ent_coef=0.0), 0.1)
    configured = ppo_loss(logits, values, actions, old_lp, old_v, adv, ret, TrainerConfig(ent_coef=0.1))
    assert float(scheduled.loss.detach()) == pytest.approx(float(configured.loss.detach()))
