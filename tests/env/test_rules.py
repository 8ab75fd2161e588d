"""Each rule of the game pinned down on a tiny hand-written map."""

from __future__ import annotations

import numpy as np

ROOM = ["#####", "#...#", "#.@.#", "#...#", "#####"]
CENTER = 5  # of the default 11x11 observation window


def test_move_forward_into_empty_cell_succeeds_and_into_wall_fails(kit):
    env = kit.ascii_env(["###", "#.#", "#@#", "###"])
    kit.step(env, ("move", 0))
    assert (kit.agent(env)["row"], kit.agent(env)["col"]) == (1, 1)
    assert kit.agent(env)["last_action_success"]
    kit.step(env, ("move", 0))
    assert (kit.agent(env)["row"], kit.agent(env)["col"]) == (1, 1)
    assert not kit.agent(env)["last_action_success"]
    assert kit.stats(env)["action.move.success"] == 1
    assert kit.stats(env)["action.move.failed"] == 1


def test_move_backward_keeps_orientation(kit):
    env = kit.ascii_env(ROOM)
    kit.step(env, ("move", 1))
    snap = kit.agent(env)
    assert (snap["row"], snap["col"], snap["orientation"]) == (3, 2, kit.UP)


def test_rotate_sets_orientation_and_its_observation_layer(kit):
    env = kit.ascii_env(ROOM)
    for orientation in (kit.DOWN, kit.LEFT, kit.RIGHT, kit.UP):
        kit.step(env, ("rotate", orientation))
        assert kit.agent(env)["orientation"] == orientation
        assert kit.layer(env, "agent:orientation")[5, 5] == orientation + 1


def test_moving_into_another_agent_fails(kit):
    env = kit.ascii_env(["####", "#@@#", "####"])
    kit.step(env, ("rotate", kit.RIGHT), ("noop", 0))
    kit.step(env, ("move", 0), ("noop", 0))
    assert kit.agent(env, 0)["col"] == 1
    assert kit.stats(env, 0)["action.move.failed"] == 1


def test_get_items_takes_a_prefilled_altar_heart_and_pays_one(kit):
    env = kit.ascii_env(
        ["###", "#_#", "#@#", "###"], objects={"altar": {"initial_output": 1, "cooldown": 100}}
    )
    _, _, rewards, _, _ = kit.step(env, ("get_items", 0))
    assert rewards[0] == 1.0
    assert kit.agent(env)["inventory"][6] == 1  # heart
    counters = kit.stats(env)
    assert counters["heart.gained"] == 1 and counters["heart.get"] == 1 and counters["altar.used"] == 1
    _, _, rewards, _, _ = kit.step(env, ("get_items", 0))
    assert rewards[0] == 0.0
    assert kit.stats(env)["action.get_items.failed"] == 1


def test_get_items_facing_a_wall_fails(kit):
    env = kit.ascii_env(ROOM)
    kit.step(env, ("get_items", 0))
    assert kit.stats(env)["action.get_items.failed"] == 1


def _generator_env(kit, **recipe):
    return kit.ascii_env(
        ["###", "#n#", "#@#", "###"],
        objects={"generator_red": {"cooldown": 3, "conversion_ticks": 2, **recipe}},
        inventory_limits={"ore_red": 5},
    )


def _give(env, item: str, count: int, agent_index: int = 0) -> None:
    """Put items straight into an agent's inventory (tests only)."""
    st = env.state
    st.agent_inventory[0, agent_index, env.item_names.index(item)] = count


def test_put_items_hands_over_the_recipe_inputs_and_starts_converting(kit):
    env = _generator_env(
        kit,
    )
    _give(env, "ore_red", 3)
    kit.step(env, ("put_items", 0))
    assert kit.agent(env)["inventory"][0] == 2  # only what the recipe needs (1 ore)
    generator = next(o for o in env.snapshot().objects if o["type_name"] == "generator_red")
    assert generator["converting"]
    assert kit.stats(env)["ore_red.put"] == 1 and kit.stats(env)["ore_red.lost"] == 1


def test_conversion_completes_after_conversion_ticks_then_cools_down(kit):
    env = _generator_env(
        kit,
    )
    _give(env, "ore_red", 3)
    kit.step(env, ("put_items", 0))  # step 1: starts converting (2 ticks)
    kit.step(env, ("get_items", 0))  # step 2: one tick left, nothing to take
    assert kit.agent(env)["inventory"][3] == 0
    kit.step(env, ("get_items", 0))  # step 3: converted at the start of the step
    assert kit.agent(env)["inventory"][3] == 1  # battery_red
    kit.step(env, ("put_items", 0))  # inputs handed in, but the generator cools down for 3 ticks
    generator = next(o for o in env.snapshot().objects if o["type_name"] == "generator_red")
    assert not generator["converting"] and generator["cooldown_remaining"] == 2
    for _ in range(2):
        kit.step(env, ("noop", 0))
    generator = next(o for o in env.snapshot().objects if o["type_name"] == "generator_red")
    assert generator["converting"]


def test_converter_stops_at_max_output(kit):
    env = kit.ascii_env(["###", "#m#", "#@#", "###"], objects={"mine_red": {"cooldown": 0, "max_output": 2}})
    for _ in range(6):
        kit.step(env, ("noop", 0))
    mine = next(o for o in env.snapshot().objects if o["type_name"] == "mine_red")
    assert mine["inventory"][0] == 2 and not mine["converting"]


def test_inventory_limit_caps_what_get_items_takes(kit):
    env = kit.ascii_env(
        ["###", "#m#", "#@#", "###"],
        objects={"mine_red": {"initial_output": 4, "max_output": 10, "conversion_ticks": 50}},
        inventory_limits={"ore_red": 3},
    )
    kit.step(env, ("get_items", 0))
    assert kit.agent(env)["inventory"][0] == 3
    mine = next(o for o in env.snapshot().objects if o["type_name"] == "mine_red")
    assert mine["inventory"][0] == 1  # the rest stays in the mine
    kit.step(env, ("get_items", 0))
    assert kit.stats(env)["action.get_items.failed"] == 1


ARENA = ["#####", "#.@.#", "#.@.#", "#####"]  # agent 0 above agent 1


def _attack_env(kit, **game):
    env = kit.ascii_env(ARENA, **game)
    kit.step(env, ("rotate", kit.DOWN), ("noop", 0))  # agent 0 faces agent 1
    return env


def test_attack_spends_a_laser_freezes_the_target_and_steals_its_inventory(kit):
    env = _attack_env(
        kit,
    )
    _give(env, "laser", 2, 0)
    _give(env, "ore_red", 4, 1)
    kit.step(env, ("attack", 0), ("noop", 0))
    attacker, target = kit.agent(env, 0), kit.agent(env, 1)
    assert attacker["inventory"][8] == 1  # one laser spent
    assert attacker["inventory"][0] == 4 and target["inventory"][0] == 0
    assert target["frozen"] == 9  # 10, and this step's noop already failed
    assert kit.stats(env, 0)["attack.hit"] == 1 and kit.stats(env, 1)["attack.frozen"] == 1
    assert kit.stats(env, 1)["action.noop.failed"] == 1


def test_attack_on_armored_agent_spends_armor_instead_of_freezing(kit):
    env = _attack_env(
        kit,
    )
    _give(env, "laser", 1, 0)
    _give(env, "armor", 2, 1)
    _give(env, "ore_red", 4, 1)
    kit.step(env, ("attack", 0), ("noop", 0))
    target = kit.agent(env, 1)
    assert target["inventory"][7] == 1 and target["frozen"] == 0 and target["inventory"][0] == 4
    assert kit.stats(env, 0)["attack.blocked"] == 1 and kit.stats(env, 1)["action.noop.success"] == 2


def test_attack_without_a_laser_fails_and_costs_nothing(kit):
    env = _attack_env(
        kit,
    )
    kit.step(env, ("attack", 0), ("noop", 0))
    assert kit.agent(env, 1)["frozen"] == 0
    assert kit.stats(env, 0)["action.attack.failed"] == 1


def test_attack_with_no_agent_at_the_index_fails(kit):
    env = _attack_env(
        kit,
    )
    _give(env, "laser", 1, 0)
    kit.step(env, ("attack", 1), ("noop", 0))  # only one agent in the block ahead
    assert kit.agent(env, 0)["inventory"][8] == 1
    assert kit.stats(env, 0)["action.attack.failed"] == 1


def test_frozen_agent_actions_fail_for_freeze_duration_steps(kit):
    env = _attack_env(kit, attack={"freeze_duration": 3})
    _give(env, "laser", 1, 0)
    kit.step(env, ("attack", 0), ("move", 1))  # attacks resolve first: this move already fails
    kit.step(env, ("noop", 0), ("move", 1))
    kit.step(env, ("noop", 0), ("move", 1))
    assert kit.agent(env, 1)["row"] == 2 and kit.agent(env, 1)["frozen"] == 0
    kit.step(env, ("noop", 0), ("rotate", kit.UP))
    assert kit.agent(env, 1)["orientation"] == kit.UP
    assert kit.stats(env, 1)["action.move.failed"] == 3


def test_attacks_resolve_before_other_actions(kit):
    env = _attack_env(kit, attack={"freeze_duration": 5})
    _give(env, "laser", 1, 0)
    for _ in range(20):  # whatever the random order, the attack lands first
        kit.step(env, ("attack", 0), ("rotate", kit.LEFT))
        if kit.agent(env, 1)["frozen"]:
            break
    assert kit.agent(env, 1)["orientation"] == kit.UP
    assert kit.stats(env, 1)["action.rotate.failed"] == 1


def test_attack_cost_is_configurable(kit):
    env = _attack_env(kit, attack={"cost": {"battery_red": 2}})
    _give(env, "battery_red", 2, 0)
    kit.step(env, ("attack", 0), ("noop", 0))
    assert kit.agent(env, 0)["inventory"][3] == 0 and kit.agent(env, 1)["frozen"] > 0


def test_swap_exchanges_places_with_a_block_but_not_a_wall(kit):
    env = kit.ascii_env(["#####", "#.s.#", "#.@.#", "#####"])
    kit.step(env, ("swap", 0))
    snap = env.snapshot()
    block = next(o for o in snap.objects if o["type_name"] == "block")
    assert (snap.agents[0]["row"], block["row"]) == (1, 2)
    kit.step(env, ("swap", 0))  # now facing the wall
    assert kit.stats(env)["action.swap.failed"] == 1 and kit.stats(env)["block.used"] == 1


def test_change_color_sets_the_colour_layer(kit):
    env = kit.ascii_env(ROOM)
    kit.step(env, ("change_color", 2))
    assert kit.agent(env)["color"] == 2 and kit.layer(env, "color")[5, 5] == 2


def test_invalid_argument_is_counted_and_penalised_once_never_clipped(kit):
    env = kit.ascii_env(ROOM, action_failure_penalty=0.5)
    _, _, rewards, _, _ = kit.step(env, ("rotate", 7))
    assert kit.agent(env)["orientation"] == kit.UP
    assert rewards[0] == -0.5
    counters = kit.stats(env)
    assert counters["action.invalid"] == 1 and counters["action.rotate.failed"] == 1
    _, _, rewards, _, _ = env.step(np.array([[99, 0]], dtype=np.int32))
    assert rewards[0] == -0.5 and kit.stats(env)["action.invalid"] == 2


def test_failed_action_carries_the_failure_penalty(kit):
    env = kit.ascii_env(["###", "#@#", "###"], action_failure_penalty=0.25)
    _, _, rewards, _, _ = kit.step(env, ("move", 0))
    assert rewards[0] == -0.25


def test_disabled_actions_are_not_in_the_action_space(kit):
    env = kit.ascii_env(ROOM, actions={"attack": False, "swap": False})
    assert env.action_names == ["noop", "move", "rotate", "put_items", "get_items", "change_color"]
    assert list(env.action_max_args) == [0, 1, 3, 0, 0, 3]


def test_reward_for_an_item_is_capped_per_episode(kit):
    env = kit.ascii_env(
        ["#####", "#_@_#", "#####"],
        objects={"altar": {"initial_output": 1}},
        rewards={"heart": 1.0},
        rewards_max={"heart": 1.5},
    )
    kit.step(env, ("rotate", kit.LEFT))
    _, _, first, _, _ = kit.step(env, ("get_items", 0))
    assert first[0] == 1.0
    kit.step(env, ("rotate", kit.RIGHT))
    _, _, second, _, _ = kit.step(env, ("get_items", 0))
    assert second[0] == 0.5
    assert kit.agent(env)["inventory"][6] == 2


def test_losing_an_item_costs_its_reward(kit):
    env = kit.ascii_env(["###", "#n#", "#@#", "###"], rewards={"ore_red": 0.5})
    _give(env, "ore_red", 1)
    _, _, rewards, _, _ = kit.step(env, ("put_items", 0))
    assert rewards[0] == -0.5


def test_team_reward_sharing_splits_rewards_and_stats_keep_both(kit):
    env = kit.ascii_env(
        ["#####", "#_1.#", "#.1.#", "#####"],
        objects={"altar": {"initial_output": 1}},
        group_reward_pct=0.5,
        max_steps=3,
    )
    kit.step(env, ("rotate", kit.LEFT), ("noop", 0))
    _, _, rewards, _, _ = kit.step(env, ("get_items", 0), ("noop", 0))
    assert list(rewards) == [0.75, 0.25]
    kit.step(env, ("noop", 0), ("noop", 0))
    episode = env.drain_episodes()[0]
    assert episode.raw_rewards == [1.0, 0.0] and episode.rewards == [0.75, 0.25]
    assert episode.agent_teams == [1, 1]


def test_agents_of_different_teams_do_not_share(kit):
    env = kit.ascii_env(
        ["#####", "#_1.#", "#.2.#", "#####"], objects={"altar": {"initial_output": 1}}, group_reward_pct=0.5
    )
    kit.step(env, ("rotate", kit.LEFT), ("noop", 0))
    _, _, rewards, _, _ = kit.step(env, ("get_items", 0), ("noop", 0))
    assert list(rewards) == [1.0, 0.0]


def test_episode_truncates_at_max_steps_and_resets_with_no_wasted_step(kit):
    env = kit.ascii_env(ROOM, max_steps=3)
    kit.step(env, ("move", 0))
    _, _, _, terminals, truncations = kit.step(env, ("noop", 0))
    assert not truncations[0]
    obs, global_obs, _, terminals, truncations = kit.step(env, ("noop", 0))
    assert truncations[0] and not terminals[0]
    assert kit.agent(env)["row"] == 2  # the new episode's start position
    assert env.snapshot().step == 0 and global_obs[0, 0] == 0.0
    episodes = env.drain_episodes()
    assert len(episodes) == 1 and episodes[0].length == 3
    assert episodes[0].agent_stats[0]["action.move.success"] == 1
    assert env.drain_episodes() == []
    _, _, _, _, truncations = kit.step(env, ("noop", 0))
    assert not truncations[0]


def test_episode_end_can_be_reported_as_termination(kit):
    env = kit.ascii_env(ROOM, max_steps=1, episode_end="termination")
    _, _, _, terminals, truncations = kit.step(env, ("noop", 0))
    assert terminals[0] and not truncations[0]


def test_reset_restores_the_map_and_clears_inventories(kit):
    env = kit.ascii_env(["###", "#_#", "#@#", "###"], objects={"altar": {"initial_output": 1}})
    kit.step(env, ("get_items", 0))
    env.reset()
    assert kit.agent(env)["inventory"][6] == 0
    altar = env.snapshot().objects[[o["type_name"] for o in env.snapshot().objects].index("altar")]
    assert altar["inventory"][6] == 1 and altar["ready"]


def test_observation_layers_at_known_positions(kit):
    env = kit.ascii_env(
        ["#######", "#.....#", "#.@.1.#", "#._...#", "#######"],
        objects={"altar": {"initial_output": 1}},
    )
    # Agent 0 at (2, 2): the window centre (5, 5) is map (2, 2); map (r, c) is window (r + 3, c + 3).
    assert kit.layer(env, "agent")[5, 5] == 1 and kit.layer(env, "agent")[5, 7] == 1
    assert kit.layer(env, "agent:team")[5, 5] == 1 and kit.layer(env, "agent:team")[5, 7] == 2
    assert kit.layer(env, "wall")[3, 3] == 1 and kit.layer(env, "wall")[4, 4] == 0
    assert kit.layer(env, "type_id")[6, 5] == 9  # altar (type 8) + 1
    assert kit.layer(env, "converter:ready")[6, 5] == 1
    assert kit.layer(env, "inv:heart")[6, 5] == 1
    assert kit.layer(env, "wall")[0, 0] == 0  # outside the map reads 0
    assert env.obs.shape == (2, len(env.feature_names), 11, 11)
    assert env.global_obs.shape == (2, len(env.global_feature_names))


def test_global_features_report_progress_last_action_and_reward(kit):
    env = kit.ascii_env(["###", "#_#", "#@#", "###"], objects={"altar": {"initial_output": 1}}, max_steps=4)
    _, global_obs, _, _, _ = kit.step(env, ("get_items", 0))
    assert list(global_obs[0]) == [0.25, env.action_names.index("get_items"), 0.0, 1.0]


def test_own_inventory_is_observed_at_the_window_centre(kit):
    env = kit.ascii_env(["###", "#_#", "#@#", "###"], objects={"altar": {"initial_output": 1}})
    kit.step(env, ("get_items", 0))
    assert kit.layer(env, "inv:heart")[5, 5] == 1


def test_snapshot_lists_objects_and_agents_in_map_coordinates(kit):
    env = kit.ascii_env(["####", "#@_#", "####"])
    snap = env.snapshot()
    assert (snap.height, snap.width, snap.step) == (3, 4, 0)
    assert {(o["type_name"], o["row"], o["col"]) for o in snap.objects} >= {("altar", 1, 2), ("wall", 0, 0)}
    assert (snap.agents[0]["row"], snap.agents[0]["col"]) == (1, 1)
    assert set(snap.agents[0]) >= {"agent_id", "object_id", "orientation", "frozen", "team", "total_reward"}


# -- the rules changed lately (game spec): holdings value, attack scan order, swap, freeze timing


def test_reward_follows_the_capped_value_of_holdings_so_surplus_is_free_to_use(kit):
    env = kit.ascii_env(
        ["###", "#n#", "#@#", "###"],
        rewards={"ore_red": 0.5},
        rewards_max={"ore_red": 1.0},
        objects={"generator_red": {"input": {"ore_red": 2}, "cooldown": 0, "conversion_ticks": 50}},
    )
    _give(env, "ore_red", 4)  # worth min(0.5 * 4, 1.0) = 1.0
    _, _, rewards, _, _ = kit.step(env, ("put_items", 0))  # 2 left: still worth 1.0
    assert kit.agent(env)["inventory"][0] == 2 and rewards[0] == 0.0
    env.state.object_items[0, :, 0] = 0  # take the generator's inputs back out, so it needs more
    _, _, rewards, _, _ = kit.step(env, ("put_items", 0))  # 0 left: worth 0
    assert kit.agent(env)["inventory"][0] == 0 and rewards[0] == -1.0


def test_gaining_beyond_the_cap_pays_nothing_and_below_it_pays_the_value(kit):
    env = kit.ascii_env(
        ["###", "#m#", "#@#", "###"],
        rewards={"ore_red": 0.5},
        rewards_max={"ore_red": 1.0},
        objects={"mine_red": {"initial_output": 1, "max_output": 1, "conversion_ticks": 50}},
    )
    _give(env, "ore_red", 1)  # worth 0.5: one more is worth 0.5
    _, _, rewards, _, _ = kit.step(env, ("get_items", 0))
    assert rewards[0] == 0.5
    env.state.object_items[0, :, 1, 0] = 1  # a full mine again
    _, _, rewards, _, _ = kit.step(env, ("get_items", 0))  # 3 ore: still worth the cap
    assert kit.agent(env)["inventory"][0] == 3 and rewards[0] == 0.0


def test_attack_scans_each_row_centre_then_left_then_right(kit):
    # Agent 0 faces down; in the row ahead stand agent 1 (its left, the map's east) and agent 2
    # (straight ahead). Index 0 is the centre, index 1 the left one.
    env = kit.ascii_env(["#####", "#.@.#", "#.@@#", "#####"])
    kit.step(env, ("rotate", kit.DOWN), ("noop", 0), ("noop", 0))
    _give(env, "laser", 2, 0)
    kit.step(env, ("attack", 0), ("noop", 0), ("noop", 0))
    ahead = next(i for i in (1, 2) if kit.agent(env, i)["col"] == 2)
    side = 3 - ahead
    assert kit.agent(env, ahead)["frozen"] > 0 and kit.agent(env, side)["frozen"] == 0
    kit.step(env, ("attack", 1), ("noop", 0), ("noop", 0))
    assert kit.agent(env, side)["frozen"] > 0


def test_swap_exchanges_places_with_a_frozen_agent_but_not_an_unfrozen_one(kit):
    env = _attack_env(kit, attack={"freeze_duration": 5})
    kit.step(env, ("swap", 0), ("noop", 0))
    assert kit.agent(env, 0)["row"] == 1 and kit.stats(env, 0)["action.swap.failed"] == 1
    _give(env, "laser", 1, 0)
    kit.step(env, ("attack", 0), ("noop", 0))
    kit.step(env, ("swap", 0), ("noop", 0))
    assert (kit.agent(env, 0)["row"], kit.agent(env, 1)["row"]) == (2, 1)
    assert kit.agent(env, 1)["frozen"] > 0 and kit.stats(env, 0)["action.swap.success"] == 1
    # Both windows follow their agents: each sees the other in the cell it left.
    assert kit.layer(env, "agent", 0)[CENTER - 1, CENTER] == 1
    assert kit.layer(env, "agent", 1)[CENTER + 1, CENTER] == 1


def test_a_freeze_lasts_exactly_freeze_duration_steps_whatever_the_frozen_agent_submits(kit):
    env = _attack_env(kit, attack={"freeze_duration": 3})
    _give(env, "laser", 1, 0)
    kit.step(env, ("attack", 0), ("noop", 0))  # hit before its turn: this step's action is lost
    invalid = np.array([[0, 0], [env.action_names.index("rotate"), 9]], dtype=np.int32)
    env.step(invalid)  # an invalid action still uses up a frozen step
    env.step(invalid)
    assert kit.agent(env, 1)["frozen"] == 0
    kit.step(env, ("noop", 0), ("rotate", kit.LEFT))
    assert kit.agent(env, 1)["orientation"] == kit.LEFT
    assert kit.stats(env, 1)["action.invalid"] == 2
