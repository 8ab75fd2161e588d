"""Built-in actors: random actions are valid and seeded; the heuristic uses what is in front of it."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest

from metta_core.env.table import ACTION_TYPES
from metta_core.errors import MettaError
from metta_core.sim.actors import RandomActor, SimpleActor, make_actor

FEATURES = ("agent", "agent:orientation", "wall", "type_id")
ALTAR_TYPE = 9  # the env encodes type id + 1 (altar is type 8)


def fake_env() -> SimpleNamespace:
    return SimpleNamespace(
        action_names=[a.name for a in ACTION_TYPES],
        action_max_args=np.array([a.max_arg for a in ACTION_TYPES], dtype=np.int32),
        feature_names=FEATURES,
        obs_shape=(len(FEATURES), 5, 5),
    )


def obs_facing(layer: str | None, n: int, orientation: int = 0) -> np.ndarray:
    """Observations of n agents at the centre facing `orientation`, `layer` set in front."""
    obs = np.zeros((n, len(FEATURES), 5, 5), dtype=np.uint8)
    obs[:, FEATURES.index("agent"), 2, 2] = 1
    obs[:, FEATURES.index("agent:orientation"), 2, 2] = orientation + 1  # the env stores it + 1
    if layer is not None:
        row, col = {0: (1, 2), 1: (3, 2), 2: (2, 1), 3: (2, 3)}[orientation]
        obs[:, FEATURES.index(layer), row, col] = ALTAR_TYPE if layer == "type_id" else 1
    return obs


def test_random_actions_are_always_valid_and_cover_every_action() -> None:
    env = fake_env()
    actor = RandomActor(env.action_max_args, seed=3)
    actions = np.concatenate(
        [actor.act(np.zeros((64, 1, 1, 1)), None, np.zeros(64, bool)) for _ in range(50)]
    )
    assert actions.dtype == np.int32 and actions.shape == (3200, 2)
    assert (actions[:, 1] >= 0).all()
    assert (actions[:, 1] <= env.action_max_args[actions[:, 0]]).all()
    assert set(actions[:, 0]) == set(range(len(ACTION_TYPES)))
    attack = ACTION_TYPES.index(next(a for a in ACTION_TYPES if a.name == "attack"))
    assert set(actions[actions[:, 0] == attack, 1]) == set(range(9))


def test_random_actor_is_reproducible_from_its_seed() -> None:
    env = fake_env()
    obs, done = np.zeros((8, 1, 1, 1)), np.zeros(8, bool)
    first = [make_actor("random", env, seed=7).act(obs, None, done) for _ in range(2)]
    other = make_actor("random", env, seed=8).act(obs, None, done)
    assert np.array_equal(first[0], first[1])
    assert not np.array_equal(first[0], other)


@pytest.mark.parametrize("orientation", [0, 1, 2, 3])
def test_simple_actor_puts_and_gets_items_at_a_converter_in_front(orientation: int) -> None:
    env = fake_env()
    actor = make_actor("simple", env, seed=1)
    actor.reset(16)
    obs, done = obs_facing("type_id", 16, orientation), np.zeros(16, bool)
    names = env.action_names
    first = actor.act(obs, None, done)
    second = actor.act(obs, None, done)
    assert {names[a] for a in first[:, 0]} == {"put_items"}
    assert {names[a] for a in second[:, 0]} == {"get_items"}


def test_simple_actor_mostly_turns_when_facing_a_wall_and_walks_in_the_open() -> None:
    env = fake_env()
    actor = SimpleActor(env, seed=2)
    names = env.action_names
    walled = actor.act(obs_facing("wall", 400, 3), None, np.zeros(400, bool))
    open_ = actor.act(obs_facing(None, 400, 3), None, np.zeros(400, bool))
    walled_moves = np.mean([names[a] == "move" for a in walled[:, 0]])
    open_moves = np.mean([names[a] == "move" and arg == 0 for a, arg in open_])
    assert np.mean([names[a] == "rotate" for a in walled[:, 0]]) > 0.8
    assert walled_moves < 0.1
    assert open_moves > 0.5
    assert (open_[:, 1] <= env.action_max_args[open_[:, 0]]).all()


def test_an_unknown_policy_uri_is_a_user_error(tmp_path) -> None:
    with pytest.raises(MettaError, match="nowhere"):
        make_actor(str(tmp_path / "nowhere.pt"), fake_env())
