"""`metta bench train`: end-to-end figures as name=value lines."""

from __future__ import annotations

from metta_testing import run_metta


def test_bench_train_prints_consistent_figures_for_a_tiny_setup():
    result = run_metta(
        "bench", "train", "--env", "navigation", "--agent", "fast", "--epochs", "2",
        "trainer.num_envs=2", "trainer.batch_size=256", "trainer.minibatch_size=128", "trainer.bptt_horizon=16",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    figures = dict(line.split("=", 1) for line in result.stdout.splitlines())
    assert figures["env"] == "navigation" and figures["agent"] == "fast"
    rate, low, high = (
        float(figures[k]) for k in ("agent_steps_per_s", "agent_steps_per_s_min", "agent_steps_per_s_max")
    )
    assert 0 < low <= rate <= high
    # 2 envs x 4 agents, 256 steps per epoch: the rate is the epochs' steps over their total time.
    assert figures["total_agents"] == "8" and figures["agent_steps_per_epoch"] == "256"
    per_epoch_s = float(figures["rollout_s_per_epoch"]) + float(figures["update_s_per_epoch"])
    assert abs(256 / per_epoch_s - rate) <= 0.02 * rate + 1
    assert float(figures["rollout_agent_steps_per_s"]) >= rate
