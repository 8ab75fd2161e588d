"""PPO's losses on one minibatch: clipped policy loss, (clipped) value loss, entropy bonus.

Pure functions of tensors, written like CleanRL's update so each line can be checked against the
paper; the optimiser step and logging live in `ppo.py`.
"""

from __future__ import annotations

from dataclasses import dataclass

import torch

from metta_core.rl.settings import TrainerConfig


@dataclass
class LossTerms:
    loss: torch.Tensor
    policy_loss: torch.Tensor
    value_loss: torch.Tensor
    entropy: torch.Tensor
    approx_kl: torch.Tensor
    clipfrac: torch.Tensor


def ppo_loss(
    logits: torch.Tensor,
    new_values: torch.Tensor,
    actions: torch.Tensor,
    old_logprobs: torch.Tensor,
    old_values: torch.Tensor,
    advantages: torch.Tensor,
    returns: torch.Tensor,
    config: TrainerConfig,
    ent_coef: float | None = None,
) -> LossTerms:
    """All inputs flattened to one row per agent step (logits: (n, pairs), the rest (n,)).
    `ent_coef` overrides `config.ent_coef` (the scheduled weight of this update)."""
    log_probs = torch.log_softmax(logits, dim=-1)
    new_logprobs = log_probs.gather(-1, actions.unsqueeze(-1)).squeeze(-1)
    entropy = -(log_probs.exp() * log_probs).sum(-1).mean()
    log_ratio = new_logprobs - old_logprobs
    ratio = log_ratio.exp()
    with torch.no_grad():
        # The low-variance KL estimator of http://joschu.net/blog/kl-approx.html
        approx_kl = ((ratio - 1) - log_ratio).mean()
        clipfrac = ((ratio - 1.0).abs() > config.clip_coef).float().mean()

    if config.norm_adv and advantages.numel() > 1:
        advantages = (advantages - advantages.mean()) / (advantages.std() + 1e-8)
    policy_loss = torch.max(
        -advantages * ratio, -advantages * ratio.clamp(1 - config.clip_coef, 1 + config.clip_coef)
    ).mean()

    if config.clip_vloss:
        clipped = old_values + (new_values - old_values).clamp(-config.vf_clip_coef, config.vf_clip_coef)
        value_loss = 0.5 * torch.max((new_values - returns) ** 2, (clipped - returns) ** 2).mean()
    else:
        value_loss = 0.5 * ((new_values - returns) ** 2).mean()

    ent_coef = config.ent_coef if ent_coef is None else ent_coef
    loss = policy_loss - ent_coef * entropy + config.vf_coef * value_loss
    return LossTerms(loss, policy_loss.detach(), value_loss.detach(), entropy.detach(), approx_kl, clipfrac)
