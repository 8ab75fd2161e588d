"""Optimise the policy on one filled buffer: epochs of shuffled minibatches of BPTT segments.

Each minibatch replays its segments through the LSTM from the stored state, computes the PPO
losses, clips the gradient norm and steps the optimiser. Under DDP the backward pass all-reduces
gradients, and the target-KL early stop is decided on the KL averaged over ranks so that every
rank runs the same number of steps. Returns plain floats for logging.
"""

from __future__ import annotations

import torch
from torch import nn

from metta_core.rl import distributed
from metta_core.rl.buffer import RolloutBuffer
from metta_core.rl.kickstart import kickstart_losses
from metta_core.rl.losses import ppo_loss
from metta_core.rl.settings import TrainerConfig


def optimise(
    model: nn.Module,
    optimizer: torch.optim.Optimizer,
    buffer: RolloutBuffer,
    config: TrainerConfig,
    generator: torch.Generator,
    kickstart_weight: float = 0.0,
    ent_coef: float | None = None,
) -> dict[str, float]:
    """`model` is the policy, or its DDP wrapper; it is called as model(obs, global_obs, starts, state).
    With `kickstart_weight` > 0 the teacher's labels in the buffer add their weighted losses.
    `ent_coef`: the entropy bonus's weight this update (None: `config.ent_coef`)."""
    segments_per_minibatch = max(1, min(config.minibatch_size // buffer.bptt_horizon, buffer.num_segments))
    parameters = [p for p in model.parameters() if p.requires_grad]
    ppo_terms = ("policy_loss", "value_loss", "entropy", "approx_kl", "clipfrac")
    totals = dict.fromkeys(ppo_terms, 0.0)
    kickstarting = kickstart_weight > 0 and buffer.teacher_probs is not None
    if kickstarting:
        totals.update(ks_action_loss=0.0, ks_value_loss=0.0)
    steps = 0
    epochs_run = 0
    for _ in range(config.update_epochs):
        epochs_run += 1
        order = torch.randperm(buffer.num_segments, generator=generator, device=generator.device)
        epoch_kl = torch.zeros((), device=buffer.obs.device)
        epoch_steps = 0
        # Every segment is used each epoch: when the minibatch does not divide the rollout, the
        # segments are spread over near-equal minibatches instead of dropping the remainder.
        count = -(-buffer.num_segments // segments_per_minibatch)
        for indices in torch.tensor_split(order, count):
            batch = buffer.minibatch(indices)
            logits, values = model(batch.obs, batch.global_obs, batch.starts, batch.state)
            terms = ppo_loss(
                logits.flatten(0, 1),
                values.flatten(),
                batch.actions.flatten(),
                batch.logprobs.flatten(),
                batch.values.flatten(),
                batch.advantages.flatten(),
                batch.returns.flatten(),
                config,
                ent_coef,
            )
            loss = terms.loss
            if kickstarting:
                ks_action, ks_value = kickstart_losses(
                    logits.flatten(0, 1),
                    values.flatten(),
                    batch.teacher_probs.flatten(0, 1),
                    None if batch.teacher_values is None else batch.teacher_values.flatten(),
                    batch.teacher_mask.flatten(),
                )
                ks = config.kickstart
                loss = loss + kickstart_weight * (
                    ks.action_loss_coef * ks_action + ks.value_loss_coef * ks_value
                )
                totals["ks_action_loss"] += float(ks_action.detach())
                totals["ks_value_loss"] += float(ks_value.detach())
            optimizer.zero_grad(set_to_none=True)
            loss.backward()
            nn.utils.clip_grad_norm_(parameters, config.max_grad_norm)
            optimizer.step()
            for key in ppo_terms:
                totals[key] += float(getattr(terms, key))
            epoch_kl += terms.approx_kl
            epoch_steps += 1
            steps += 1
        if config.target_kl is not None:
            mean_kl = distributed.mean_across_ranks(epoch_kl / max(epoch_steps, 1))
            if float(mean_kl) > config.target_kl:
                break
    metrics = {key: value / max(steps, 1) for key, value in totals.items()}
    values, returns = buffer.values.flatten(), buffer.returns.flatten()
    variance = float(returns.var())
    metrics["explained_variance"] = (
        float("nan") if variance == 0 else 1 - float((returns - values).var()) / variance
    )
    metrics["update_epochs"] = float(epochs_run)
    return metrics
