"""Kickstarting: a teacher (the scripted planner or a trained policy) labels the student's steps,
and the update pulls the student towards it while the teacher's weight lasts."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from metta_core.errors import ConfigError
from metta_core.rl.build import build_training
from metta_core.rl.kickstart import kickstart_weight
from metta_core.rl.rollout import collect_rollout
from metta_core.rl.settings import KickstartConfig
from metta_core.rl.trainer import train
from metta_core.rl.update import optimise
from metta_core.sim.scripted import ScriptedActor

#: One agent and one of each object of the chain, so the planner has something to do every step.
CHAIN = [
    "env=object_use",
    "env.game.max_steps=24",
    "~env.map",
    "env.map={builder: random, width: 7, height: 7, agents: 1, objects: {mine_red: 1, generator_red: 1, altar: 1}}",
]


def _labelled_rollout(settings, seed: int):
    """The run's parts after one rollout with its teacher labelling every step."""
    parts = build_training(settings, torch.device("cpu"), seed=seed)
    parts.policy.eval()
    collect_rollout(
        parts.env, parts.policy, parts.buffer, parts.carry, parts.action_pairs, parts.generator,
        teacher=parts.teacher,
    )  # fmt: skip
    return parts


def test_the_teacher_weight_holds_then_falls_linearly_to_zero():
    config = KickstartConfig(teacher_uri="scripted", kickstart_steps=1000, anneal_ratio=0.4)
    weights = [kickstart_weight(config, steps) for steps in (0, 600, 700, 800, 1000, 5000)]
    assert weights == pytest.approx([1.0, 1.0, 0.75, 0.5, 0.0, 0.0])
    assert kickstart_weight(KickstartConfig(), 0) == 0.0  # no teacher, no weight


def test_the_scripted_teacher_labels_its_agents_in_turn_with_the_planners_actions(settings_for):
    settings = settings_for(
        *CHAIN, "trainer.kickstart.teacher_uri=scripted", "trainer.kickstart.agents_per_step=1"
    )
    parts = build_training(settings, torch.device("cpu"), seed=2)
    env, buffer, teacher = parts.env, parts.buffer, parts.teacher
    assert teacher is not None and buffer.teacher_values is None  # the planner gives no value
    planner = ScriptedActor(env, seed=2)
    pairs = [tuple(p) for p in parts.action_pairs]
    obs, global_obs = torch.from_numpy(env.reset(seed=5)[0]), torch.zeros(env.total_agents, 4)
    starts = torch.ones(env.total_agents, dtype=torch.bool)
    for t in range(2 * env.total_agents):
        teacher.label(buffer, t, obs, global_obs, starts)
        row = t % env.total_agents
        assert buffer.teacher_mask[:, t].nonzero().flatten().tolist() == [row]
        expected = planner.act(np.zeros((env.total_agents, 1)), None, None)[row]
        assert buffer.teacher_probs[row, t].tolist() == [float(p == tuple(expected)) for p in pairs]


def test_the_kickstart_loss_teaches_the_student_the_planners_actions(settings_for):
    settings = settings_for(*CHAIN, "trainer.kickstart.teacher_uri=scripted", "trainer.learning_rate=0.01")
    parts = _labelled_rollout(settings, seed=1)
    assert bool(parts.buffer.teacher_mask.all())  # every agent labelled every step
    buffer = parts.buffer

    def agreement() -> float:
        with torch.no_grad():
            logits, _ = parts.policy(buffer.obs, buffer.global_obs, buffer.starts, _first_state(buffer))
        return float((logits.argmax(-1) == buffer.teacher_probs.argmax(-1)).float().mean())

    # Only the teacher's loss: the PPO terms cancel with zero advantages and returns equal to values.
    buffer.advantages.zero_()
    buffer.returns.copy_(buffer.values)
    config = settings.trainer.model_copy(update={"ent_coef": 0.0, "vf_coef": 0.0})
    before = agreement()
    parts.policy.train()
    first = optimise(parts.policy, parts.optimizer, buffer, config, parts.generator, kickstart_weight=1.0)
    for _ in range(30):
        last = optimise(parts.policy, parts.optimizer, buffer, config, parts.generator, kickstart_weight=1.0)
    # The untrained student is near uniform (ln 9 = 2.2); the planner waits on timers the window
    # does not show, so the tiny student gets its common choices right, not every step.
    assert first["ks_action_loss"] > 2.0 and last["ks_action_loss"] < 0.75 * first["ks_action_loss"]
    assert agreement() > before + 0.2


def _first_state(buffer):
    h = buffer.state_h[:, 0].unsqueeze(0).contiguous()
    return h, buffer.state_c[:, 0].unsqueeze(0).contiguous()


def test_a_policy_teacher_gives_its_distribution_and_value(settings_for, tmp_path):
    teacher_run = train(settings_for(run="teacher", total=256))
    settings = settings_for(f"trainer.kickstart.teacher_uri={teacher_run.run_dir}", run="student")
    parts = _labelled_rollout(settings, seed=4)
    buffer = parts.buffer
    assert bool(buffer.teacher_mask.all())
    torch.testing.assert_close(buffer.teacher_probs.sum(-1), torch.ones(buffer.teacher_mask.shape))
    # The teacher's first step of each agent, recomputed from its own network.
    teacher = parts.teacher.policy
    state = teacher.initial_state(buffer.num_agents)
    logits, values, _ = teacher.step(buffer.obs[:, 0], buffer.global_obs[:, 0], state)
    torch.testing.assert_close(buffer.teacher_probs[:, 0], torch.softmax(logits, -1))
    torch.testing.assert_close(buffer.teacher_values[:, 0], values)
    metrics = optimise(parts.policy, parts.optimizer, buffer, settings.trainer, parts.generator, 1.0)
    assert metrics["ks_action_loss"] > 0 and metrics["ks_value_loss"] > 0


def test_a_teacher_for_other_actions_is_one_clear_error(settings_for):
    teacher_run = train(settings_for(run="teacher", total=256))
    settings = settings_for(*CHAIN, f"trainer.kickstart.teacher_uri={teacher_run.run_dir}", run="student")
    with pytest.raises(
        ConfigError, match="trainer.kickstart.teacher_uri: .*plays other observations or actions"
    ):
        build_training(settings, torch.device("cpu"), seed=4)


def test_training_with_a_teacher_logs_its_loss_and_weight(settings_for):
    settings = settings_for(
        *CHAIN,
        "trainer.kickstart.teacher_uri=scripted",
        "trainer.kickstart.kickstart_steps=768",
        "trainer.kickstart.anneal_ratio=0.5",
        total=1024,
    )
    import json

    result = train(settings)
    rows = [json.loads(line) for line in (result.run_dir / "metrics.jsonl").read_text().splitlines()]
    epochs = [r for r in rows if "kickstart_weight" in r]
    # Epochs of 256 agent steps start at 0, 256, 512, 768: the fade runs from 384 to 768.
    assert [r["kickstart_weight"] for r in epochs] == pytest.approx([1.0, 1.0, 2 / 3, 0.0])
    assert all(r["ks_action_loss"] > 0 for r in epochs[:3]) and "ks_action_loss" not in epochs[3]
