"""The `scripted` planner: it solves tiny maps of each game and plays only the agents it is given."""

from __future__ import annotations

import numpy as np

from metta_core.env.config import EnvConfig
from metta_core.env.vecenv import VecEnv
from metta_core.sim.actors import make_actor


def _env(rows: list[str], **game) -> VecEnv:
    agents = sum(row.count("@") for row in rows)
    config = EnvConfig(
        name="tiny",
        game={"num_agents": agents, **game},
        map={"builder": "ascii", "map": rows, "validate_reachability": False},
    )
    return VecEnv(config, num_envs=1, seed=0)


def _play(env: VecEnv, steps: int, policy: str = "scripted") -> tuple[np.ndarray, VecEnv]:
    actor = make_actor(policy, env, seed=0)
    actor.reset(env.total_agents)
    obs, global_obs = env.reset()
    done = np.zeros(env.total_agents, dtype=bool)
    total = np.zeros(env.total_agents)
    for _ in range(steps):
        obs, global_obs, rewards, terminals, truncations = env.step(actor.act(obs, global_obs, done))
        total += rewards
        done = terminals | truncations
    return total, env


def _hearts(env: VecEnv) -> float:
    return float(env.state.agent_inventory[0, :, env.item_names.index("heart")].sum())


def test_navigation_walks_round_walls_to_every_prefilled_altar():
    rows = [
        "##########",
        "#@..#..._#",
        "#.#.#.#..#",
        "#.#...#._#",
        "##########",
    ]
    env = _env(rows, max_steps=200, objects={"altar": {"initial_output": 1, "cooldown": 1000}})
    total, env = _play(env, 40)
    assert _hearts(env) == 2 and total[0] == 2.0


def test_object_use_runs_the_chain_mine_generator_altar_in_order():
    rows = ["#######", "#m...n#", "#..@..#", "#..._.#", "#######"]
    env = _env(
        rows,
        max_steps=300,
        rewards={"heart": 1.0},
        objects={
            "mine_red": {"cooldown": 3},
            "generator_red": {"cooldown": 3},
            "altar": {"input": {"battery_red": 1}, "cooldown": 3},
        },
        actions={"attack": False, "swap": False, "change_color": False},
    )
    _, env = _play(env, 120)
    assert _hearts(env) >= 3  # ore -> battery -> heart, again and again
    _, random_env = _play(
        _env(rows, max_steps=300, objects={"altar": {"input": {"battery_red": 1}}}), 120, "random"
    )
    assert _hearts(random_env) == 0  # the chain is not found by chance in that time


def test_memory_returns_to_an_altar_once_it_has_refilled():
    rows = ["#######", "#@....#", "#####.#", "#_....#", "#######"]
    env = _env(
        rows,
        max_steps=300,
        objects={"altar": {"input": {}, "initial_output": 1, "cooldown": 20, "max_output": 1}},
    )
    _, env = _play(env, 100)
    assert _hearts(env) >= 4  # the first heart, then one per refill


def test_a_bound_actor_plays_only_its_rows():
    rows = ["#######", "#@...@#", "#.._..#", "#######"]
    env = _env(rows, max_steps=100, objects={"altar": {"initial_output": 1, "cooldown": 1000}})
    actor = make_actor("scripted", env, seed=0)
    actor.bind(np.array([1]))
    obs, global_obs = env.reset()
    for _ in range(10):
        actions = np.zeros((2, 2), dtype=np.int32)  # agent 0 idles
        actions[1] = actor.act(obs[1:], global_obs[1:], np.zeros(1, dtype=bool))[0]
        obs, global_obs, *_ = env.step(actions)
    hearts = env.state.agent_inventory[0, :, env.item_names.index("heart")]
    assert list(hearts) == [0, 1]
