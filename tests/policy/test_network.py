"""The policy network: shapes, the flattened action space, and the recurrent state handling."""

from __future__ import annotations

import numpy as np
import pytest
import torch

from metta_core.policy.config import AgentConfig
from metta_core.policy.network import MettaPolicy, PolicySpec, count_parameters

from .conftest import ACTIONS, MAX_ARGS, TINY_AGENT


def _globals_read(policy: MettaPolicy, global_obs: torch.Tensor) -> torch.Tensor:
    """The global features the encoder reads: without `last_action`, episode progress and last
    reward only (the engine's features 0 and 3), each divided by its largest value seen."""
    scaled = global_obs / policy.global_max
    return scaled if policy.config.last_action else scaled[:, [0, 3]]


def _batch(n: int, horizon: int | None = None, seed: int = 0):
    g = torch.Generator().manual_seed(seed)
    lead = (n,) if horizon is None else (n, horizon)
    obs = torch.randint(0, 5, (*lead, 19, 11, 11), generator=g, dtype=torch.uint8)
    return obs, torch.rand(*lead, 4, generator=g)


def test_action_space_holds_every_valid_pair_and_no_invalid_argument(spec):
    pairs = spec.action_pairs()
    assert len(pairs) == sum(m + 1 for m in MAX_ARGS)
    for action, arg in pairs:
        assert 0 <= arg <= MAX_ARGS[action]
    assert len({tuple(p) for p in pairs}) == len(pairs)


def test_step_gives_logits_over_pairs_values_and_next_state(spec):
    policy = MettaPolicy(spec, TINY_AGENT)
    obs, global_obs = _batch(6)
    logits, values, (h, c) = policy.step(obs, global_obs, policy.initial_state(6))
    assert logits.shape == (6, len(spec.action_pairs()))
    assert values.shape == (6,)
    assert h.shape == c.shape == (1, 6, TINY_AGENT.lstm_size)
    assert h.abs().sum() > 0


def test_sequence_forward_matches_stepping_one_step_at_a_time(spec):
    policy = MettaPolicy(spec, TINY_AGENT)
    obs, global_obs = _batch(3, horizon=5)
    starts = torch.zeros(3, 5, dtype=torch.bool)
    starts[1, 2] = True  # agent 1's episode restarts at step 2: its state must be cleared there
    state = policy.initial_state(3)
    logits, values = policy(obs, global_obs, starts, state)
    h, c = state
    for t in range(5):
        keep = (~starts[:, t]).float().view(1, -1, 1)
        step_logits, step_values, (h, c) = policy.step(obs[:, t], global_obs[:, t], (h * keep, c * keep))
        torch.testing.assert_close(logits[:, t], step_logits, atol=1e-5, rtol=1e-5)
        torch.testing.assert_close(values[:, t], step_values, atol=1e-5, rtol=1e-5)


def test_fused_and_per_step_lstm_paths_agree_without_restarts(spec):
    policy = MettaPolicy(spec, TINY_AGENT)
    obs, global_obs = _batch(2, horizon=4)
    none = torch.zeros(2, 4, dtype=torch.bool)
    restart_other = none.clone()
    restart_other[1, 3] = True  # forces the per-step path; agent 0's rows must not change
    fused, _ = policy(obs, global_obs, none, policy.initial_state(2))
    stepped, _ = policy(obs, global_obs, restart_other, policy.initial_state(2))
    torch.testing.assert_close(fused[0], stepped[0], atol=1e-5, rtol=1e-5)
    assert not torch.allclose(fused[1, 3], stepped[1, 3])


def test_feed_forward_core_when_lstm_size_is_zero(spec):
    policy = MettaPolicy(spec, AgentConfig(cnn_channels=(4, 4), hidden_size=16, lstm_size=0))
    obs, global_obs = _batch(2, horizon=3)
    logits, values = policy(obs, global_obs, torch.zeros(2, 3, dtype=torch.bool), policy.initial_state(2))
    assert logits.shape[:2] == values.shape == (2, 3)


def test_observation_normalisers_only_grow(spec):
    policy = MettaPolicy(spec, TINY_AGENT)
    obs, global_obs = _batch(4)
    obs[:, 6] = 15
    policy.observe_ranges(obs, global_obs)
    assert policy.feature_max[6] == 15
    policy.observe_ranges(torch.zeros_like(obs), global_obs)
    assert policy.feature_max[6] == 15


def _reference_encode(policy: MettaPolicy, obs: torch.Tensor, global_obs: torch.Tensor) -> torch.Tensor:
    """The encoder as written in the layers: normalise the input, run the conv stack as is."""
    x = obs.float() / policy.feature_max.view(1, -1, 1, 1)
    features = torch.cat([policy.cnn(x), _globals_read(policy, global_obs)], dim=1)
    return policy.encoder(features)


def test_fast_encoder_equals_the_layers_it_rewrites():
    # `encode` folds the normalisers into the first layer's weights and runs a second layer whose
    # kernel covers the whole map as a linear layer (11x11); a 7x7 window keeps the convolution.
    for size in (11, 7):
        spec = PolicySpec((19, size, size), 4, ("noop", "move"), (0, 1))
        policy = MettaPolicy(spec, AgentConfig(cnn_channels=(8, 16), hidden_size=32, lstm_size=8))
        g = torch.Generator().manual_seed(size)
        obs = torch.randint(0, 6, (5, 19, size, size), generator=g, dtype=torch.uint8)
        global_obs = torch.rand(5, 4, generator=g)
        policy.observe_ranges(obs, global_obs)
        assert policy.feature_max.max() == 5
        with torch.no_grad():
            torch.testing.assert_close(
                policy.encode(obs, global_obs),
                _reference_encode(policy, obs, global_obs),
                rtol=1e-5,
                atol=1e-5,
            )


def test_small_windows_build_with_stride_one():
    spec = PolicySpec((19, 5, 5), 4, ("noop", "move"), (0, 1))
    policy = MettaPolicy(spec, TINY_AGENT)
    logits, _, _ = policy.step(
        torch.zeros(2, 19, 5, 5, dtype=torch.uint8), torch.zeros(2, 4), policy.initial_state(2)
    )
    assert logits.shape == (2, 3)


def test_lstm256_preset_has_about_0_9_million_parameters(spec):
    from metta_core.config.presets import load_preset

    policy = MettaPolicy(spec, AgentConfig(**load_preset("agent", "lstm256")))
    assert 0.8e6 <= count_parameters(policy) <= 1.0e6


def test_spec_round_trips_through_plain_data(spec):
    assert PolicySpec.from_dict(spec.to_dict()) == spec
    assert np.array_equal(PolicySpec.from_dict(spec.to_dict()).action_pairs(), spec.action_pairs())


def test_one_hot_object_types_add_a_layer_per_type_to_the_first_convolution():
    from torch.nn import functional as F

    from metta_core.env.layout import FEATURE_NAMES
    from metta_core.env.table import OBJECT_TYPES

    spec = PolicySpec((19, 11, 11), 4, ("noop", "move"), (0, 1), feature_names=FEATURE_NAMES)
    policy = MettaPolicy(
        spec, AgentConfig(cnn_channels=(8, 16), hidden_size=32, lstm_size=8, object_types="one_hot")
    )
    assert policy.cnn[0].in_channels == 19 + len(OBJECT_TYPES)
    g = torch.Generator().manual_seed(3)
    obs = torch.randint(0, 6, (5, 19, 11, 11), generator=g, dtype=torch.uint8)
    type_layer = FEATURE_NAMES.index("type_id")
    obs[:, type_layer] = torch.randint(0, len(OBJECT_TYPES) + 1, (5, 11, 11), generator=g, dtype=torch.uint8)
    global_obs = torch.rand(5, 4, generator=g)
    policy.observe_ranges(obs, global_obs)
    # Spelled out: the normalised layers, then one layer per type id (1 = agent ... ; 0, empty, has none).
    types = F.one_hot(obs[:, type_layer].long(), len(OBJECT_TYPES) + 1)[..., 1:].permute(0, 3, 1, 2)
    x = torch.cat([obs.float() / policy.feature_max.view(1, -1, 1, 1), types.float()], dim=1)
    expected = policy.encoder(torch.cat([policy.cnn(x), _globals_read(policy, global_obs)], dim=1))
    with torch.no_grad():
        torch.testing.assert_close(policy.encode(obs, global_obs), expected, rtol=1e-5, atol=1e-5)


def test_one_hot_object_types_need_a_type_id_layer():
    spec = PolicySpec((19, 11, 11), 4, ("noop", "move"), (0, 1))  # no feature names
    with pytest.raises(ValueError, match="object_types=one_hot: the env's observations name no type_id"):
        MettaPolicy(spec, AgentConfig(object_types="one_hot"))


def test_log_counts_feed_the_inventory_layers_as_log1p_of_the_largest_count_seen():
    from metta_core.env.layout import FEATURE_NAMES

    spec = PolicySpec((19, 11, 11), 4, ("noop", "move"), (0, 1), feature_names=FEATURE_NAMES)
    policy = MettaPolicy(spec, AgentConfig(cnn_channels=(8, 16), hidden_size=32, lstm_size=8, counts="log"))
    g = torch.Generator().manual_seed(4)
    obs = torch.randint(0, 3, (5, 19, 11, 11), generator=g, dtype=torch.uint8)
    inventory = [i for i, name in enumerate(FEATURE_NAMES) if name.startswith("inv:")]
    obs[0, inventory[0], 5, 5] = 50  # one large count widens that layer's normaliser to 50
    global_obs = torch.rand(5, 4, generator=g)
    policy.observe_ranges(obs, global_obs)
    # Spelled out: counts on a log scale against the log of the largest seen, other layers linear.
    x = obs.float() / policy.feature_max.view(1, -1, 1, 1)
    x[:, inventory] = torch.log1p(obs[:, inventory].float()) / torch.log1p(
        policy.feature_max[inventory]
    ).view(1, -1, 1, 1)
    expected = policy.encoder(torch.cat([policy.cnn(x), _globals_read(policy, global_obs)], dim=1))
    with torch.no_grad():
        torch.testing.assert_close(policy.encode(obs, global_obs), expected, rtol=1e-5, atol=1e-5)
        linear = MettaPolicy(spec, AgentConfig(cnn_channels=(8, 16), hidden_size=32, lstm_size=8))
        linear.load_state_dict(policy.state_dict())
        assert not torch.allclose(linear.encode(obs, global_obs), expected, atol=1e-4)


def test_log_counts_need_inventory_layers():
    spec = PolicySpec((19, 11, 11), 4, ("noop", "move"), (0, 1))  # no feature names
    with pytest.raises(
        ValueError, match="agent.counts=log: the env's observations name no run of inv: layers"
    ):
        MettaPolicy(spec, AgentConfig(counts="log"))


def test_local_view_gives_the_encoder_the_cells_around_the_agent_the_one_it_faces_and_its_counts():
    from metta_core.env.layout import FEATURE_NAMES

    spec = PolicySpec((19, 11, 11), 4, ("noop", "move"), (0, 1), feature_names=FEATURE_NAMES)
    policy = MettaPolicy(
        spec, AgentConfig(cnn_channels=(8, 16), hidden_size=32, lstm_size=8, local_view=True)
    )
    g = torch.Generator().manual_seed(5)
    obs = torch.randint(0, 6, (4, 19, 11, 11), generator=g, dtype=torch.uint8)
    orientation = FEATURE_NAMES.index("agent:orientation")
    obs[:, orientation, 5, 5] = torch.tensor([1, 2, 3, 4], dtype=torch.uint8)  # up, down, left, right
    inventory = [i for i, name in enumerate(FEATURE_NAMES) if name.startswith("inv:")]
    obs[0, inventory[0], 5, 5] = 200  # past the last bin: reads as 16
    global_obs = torch.rand(4, 4, generator=g)
    policy.observe_ranges(obs, global_obs)
    # Spelled out: the window through the CNN, then the 3x3 around the centre and the cell ahead.
    x = obs.float() / policy.feature_max.view(1, -1, 1, 1)
    ahead = torch.stack([x[0, :, 4, 5], x[1, :, 6, 5], x[2, :, 5, 4], x[3, :, 5, 6]])
    local = torch.cat([x[:, :, 4:7, 4:7].flatten(2), ahead.unsqueeze(2)], dim=2).flatten(1)
    held = torch.zeros(4, len(inventory), 17)
    for agent in range(4):
        for k, layer in enumerate(inventory):
            held[agent, k, min(int(obs[agent, layer, 5, 5]), 16)] = 1.0
    local = torch.cat([local, held.flatten(1)], dim=1)
    expected = policy.encoder(torch.cat([policy.cnn(x), local, _globals_read(policy, global_obs)], dim=1))
    with torch.no_grad():
        torch.testing.assert_close(policy.encode(obs, global_obs), expected, rtol=1e-5, atol=1e-5)


def test_local_view_needs_an_orientation_layer():
    spec = PolicySpec((19, 11, 11), 4, ("noop", "move"), (0, 1))  # no feature names
    with pytest.raises(
        ValueError, match="agent.local_view: the env's observations need an agent:orientation"
    ):
        MettaPolicy(spec, AgentConfig(local_view=True))


def test_without_last_action_the_network_ignores_the_last_action_and_its_argument(spec):
    """With `last_action=false` the network reads episode progress and last reward but not the last
    action and argument (through them the critic could rank the next action by its id)."""
    assert AgentConfig().last_action  # what every network read before the setting existed
    obs, global_obs = _batch(5)
    other_action = global_obs.clone()
    other_action[:, 1:3] = torch.tensor([6.0, 3.0])  # last_action, last_arg
    other_progress = global_obs.clone()
    other_progress[:, 0] += 0.5
    for last_action, action_matters in ((False, False), (True, True)):
        policy = MettaPolicy(spec, TINY_AGENT.model_copy(update={"last_action": last_action}))
        state = policy.initial_state(5)
        logits, values, _ = policy.step(obs, global_obs, state)
        moved_logits, moved_values, _ = policy.step(obs, other_action, state)
        assert (not torch.equal(values, moved_values)) == action_matters
        assert (not torch.equal(logits, moved_logits)) == action_matters
        assert not torch.equal(values, policy.step(obs, other_progress, state)[1])


def test_envs_with_other_global_features_keep_all_of_them():
    """`last_action=false` skips the engine's last-action features; another env's one global
    feature is not one of them and is still read."""
    spec = PolicySpec((19, 11, 11), 1, ("noop", "move"), (0, 1))
    policy = MettaPolicy(spec, TINY_AGENT.model_copy(update={"last_action": False}))
    obs = _batch(2)[0]
    values = [policy.step(obs, torch.full((2, 1), x), policy.initial_state(2))[1] for x in (0.0, 1.0)]
    assert not torch.equal(*values)


def _costed_spec() -> PolicySpec:
    from metta_core.env.layout import FEATURE_NAMES

    return PolicySpec(
        (len(FEATURE_NAMES), 11, 11), 4, ACTIONS, MAX_ARGS, tuple(FEATURE_NAMES), (("attack", "laser", 1),)
    )


def test_mask_unaffordable_gives_an_attack_without_a_laser_probability_zero():
    """With `mask_unaffordable`, the attack's 9 pairs get probability 0 where the agent's own cell
    (the window's centre) holds no laser, in `step` and in the update's `forward` alike; holding
    one, or without the setting, they keep their probability."""
    spec = _costed_spec()
    laser = spec.feature_names.index("inv:laser")
    attack = slice(9, 18)  # after the 9 pairs of noop (1), move (2), rotate (4), put and get (1 each)
    assert [spec.action_names[a] for a, _ in spec.action_pairs()[attack]] == ["attack"] * 9
    obs = torch.zeros(4, *spec.obs_shape, dtype=torch.uint8)
    obs[2:, laser, 5, 5] = 1  # agents 2 and 3 hold a laser
    obs[3, laser, 5, 6] = 0  # (a laser in another cell is another agent's: agent 0 stays without)
    obs[0, laser, 5, 6] = 3
    global_obs = torch.zeros(4, 4)
    for masked in (True, False):
        policy = MettaPolicy(spec, TINY_AGENT.model_copy(update={"mask_unaffordable": masked}))
        logits, _, _ = policy.step(obs, global_obs, policy.initial_state(4))
        probs = logits.softmax(-1)
        assert bool((probs[:2, attack] == 0).all()) == masked
        assert (probs[2:, attack] > 0).all() and (probs[:, :9] > 0).all()
        entropy = torch.distributions.Categorical(logits=logits).entropy()
        assert torch.isfinite(entropy).all()
        sequence, _ = policy(
            obs.unsqueeze(1),
            global_obs.unsqueeze(1),
            torch.zeros(4, 1, dtype=torch.bool),
            policy.initial_state(4),
        )
        torch.testing.assert_close(sequence[:, 0], logits, atol=1e-5, rtol=1e-5)


def test_action_costs_travel_with_the_spec_and_old_specs_still_fit():
    spec = _costed_spec()
    again = PolicySpec.from_dict(spec.to_dict())
    assert again.action_costs == (("attack", "laser", 1),)
    old = spec.to_dict()
    del old["action_costs"]  # a checkpoint saved before costs were recorded
    assert PolicySpec.from_dict(old) == spec and PolicySpec.from_dict(old).action_costs == ()


def test_mask_unaffordable_needs_the_cost_items_layer():
    spec = PolicySpec((19, 11, 11), 4, ACTIONS, MAX_ARGS, ("agent:orientation",), (("attack", "laser", 1),))
    with pytest.raises(ValueError, match="agent.mask_unaffordable: the env's observations name no inv:laser"):
        MettaPolicy(spec, TINY_AGENT.model_copy(update={"mask_unaffordable": True}))


def test_a_masked_policy_never_attacks_without_a_laser_in_the_arena():
    """The real env and the untrained network: without the mask ~9/23 of its steps are attacks that
    fail for want of a laser; with it there are none, and the env's attack cost reaches the spec."""
    from metta_core.env.registration import env_config
    from metta_core.env.vecenv import VecEnv

    config = env_config("arena", ["map.width=20", "map.height=20", "game.num_agents=6", "map.agents=6"])
    env = VecEnv(config, num_envs=2, seed=3)
    spec = PolicySpec.from_env(env)
    assert spec.action_costs == (("attack", "laser", 1),)
    pairs = torch.from_numpy(spec.action_pairs())
    failed = {}
    for masked in (False, True):
        torch.manual_seed(0)
        policy = MettaPolicy(spec, TINY_AGENT.model_copy(update={"mask_unaffordable": masked}))
        obs, global_obs = env.reset(seed=3)
        state = policy.initial_state(env.total_agents)
        for _ in range(50):
            logits, _, state = policy.step(torch.from_numpy(obs), torch.from_numpy(global_obs), state)
            choice = torch.distributions.Categorical(logits=logits).sample()
            obs, global_obs, *_ = env.step(pairs[choice].numpy().astype(np.int32))
        index = env.stat_names.index("action.attack.failed")
        failed[masked] = int(env.state.stats[:, :, index].sum())
    assert failed[False] > 100 and failed[True] == 0
