"""The rollout buffer: segment views, minibatch gathering, sizes."""

from __future__ import annotations

import pytest
import torch

from metta_core.rl.buffer import RolloutBuffer, rollout_horizon


def test_minibatch_gathers_whole_bptt_segments_with_their_start_state():
    buffer = RolloutBuffer(
        num_agents=2, horizon=8, bptt_horizon=4, obs_shape=(1, 1, 1), num_global_features=1, lstm_size=3
    )
    buffer.rewards.copy_(torch.arange(16, dtype=torch.float32).view(2, 8))
    buffer.state_h.copy_(torch.arange(12, dtype=torch.float32).view(2, 2, 3))
    batch = buffer.minibatch(torch.tensor([3, 0]))  # agent 1's second segment, agent 0's first
    assert batch.returns.shape == (2, 4)
    assert buffer._segments(buffer.rewards)[3].tolist() == [12, 13, 14, 15]
    assert batch.state[0].shape == (1, 2, 3)
    assert batch.state[0][0, 0].tolist() == [9.0, 10.0, 11.0]


def test_horizon_must_be_whole_segments():
    with pytest.raises(ValueError, match="multiple of bptt_horizon"):
        RolloutBuffer(2, 10, 4, (1, 1, 1), 1, 3)


def test_rollout_horizon_covers_the_batch_in_whole_segments():
    assert rollout_horizon(8192, 64, 16) == 128
    assert rollout_horizon(1000, 64, 16) == 16
    assert rollout_horizon(100, 4, 8) == 32
