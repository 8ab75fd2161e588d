"""Hyperparameters that change over a run: functions of the agent steps done, so a resumed run
follows exactly the values an uninterrupted one would have used."""

from __future__ import annotations

from metta_core.rl.settings import TrainerConfig


def progress(config: TrainerConfig, agent_steps: int) -> float:
    """The fraction of `total_agent_steps` done, in [0, 1]."""
    return min(max(agent_steps / config.total_agent_steps, 0.0), 1.0)


def learning_rate(config: TrainerConfig, agent_steps: int) -> float:
    """`learning_rate`, falling linearly to 0 over the run with `anneal_lr`."""
    if not config.anneal_lr:
        return config.learning_rate
    return config.learning_rate * (1.0 - progress(config, agent_steps))


def entropy_weight(config: TrainerConfig, agent_steps: int) -> float:
    """`ent_coef`, moving linearly to `ent_coef_final` over the run when that is set.

    Exploration matters most before the first rewards are found; afterwards a large bonus keeps
    the policy wandering (arena agents sat at 1.3-1.6 nats of entropy after 30 minutes), while a
    small bonus from the start collapsed the entropy before any heart was made.
    """
    if config.ent_coef_final is None:
        return config.ent_coef
    done = progress(config, agent_steps)
    return config.ent_coef + (config.ent_coef_final - config.ent_coef) * done
