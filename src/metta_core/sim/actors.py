"""Actors: whatever chooses actions for a block of agents (a trained policy, `random`, `simple`).

`make_actor(uri, env, device, seed)` is the one entry point that renderers, replays, sim and play
use. The built-ins need no torch; trained policies come from the PolicyStore (imported only when
asked for). This module must not step environments: callers own the loop.
"""

from __future__ import annotations

from typing import Protocol

import numpy as np

from metta_core.env.table import BLOCK, CONVERTER_NAMES, OBJECT_ID
from metta_core.errors import PolicyError

BUILTIN_ACTORS = ("random", "simple", "scripted")
CONVERTER_TYPE_IDS = np.array([OBJECT_ID[name] for name in CONVERTER_NAMES], dtype=np.int64)

# Cell offsets (row, col) of the cell in front of an agent facing each orientation (game order:
# up, down, left, right; rotate's argument is the orientation).
_FRONT = np.array([(-1, 0), (1, 0), (0, -1), (0, 1)], dtype=np.int64)


class Actor(Protocol):
    """Chooses `(action, argument)` for `n` agents each step."""

    def reset(self, num_agents: int) -> None:
        """Forget all recurrent state (a fresh batch of `num_agents` agents)."""

    def act(self, obs: np.ndarray, global_obs: np.ndarray, done_mask: np.ndarray) -> np.ndarray:
        """int32 `(n, 2)` actions; rows where `done_mask` is set start a new episode."""


class RandomActor:
    """Uniformly random valid actions: an action type, then an argument within its maximum."""

    def __init__(self, action_max_args, seed: int = 0) -> None:
        self.max_args = np.asarray(action_max_args, dtype=np.int64)
        self.rng = np.random.default_rng(seed)

    def reset(self, num_agents: int) -> None:
        """The random actor has no state to clear."""

    def act(self, obs: np.ndarray, global_obs: np.ndarray, done_mask: np.ndarray) -> np.ndarray:
        n = obs.shape[0]
        actions = self.rng.integers(0, len(self.max_args), size=n)
        args = (self.rng.random(n) * (self.max_args[actions] + 1)).astype(np.int64)
        return np.stack([actions, args], axis=1).astype(np.int32)


class ObservationReader:
    """Reads, by layer name, what the cell in front of each agent holds in its observation.

    Observations are egocentric, so the agent sits at the window's centre. The layer encodings
    are the env's (`metta_core.env.layout`): `agent:orientation` holds orientation + 1 and
    `type_id` holds object type id + 1. A layer the env lacks reads as absent, so the heuristic
    degrades to a random walk rather than failing.
    """

    def __init__(self, feature_names, obs_shape) -> None:
        names = [str(n) for n in feature_names]
        self.center = (int(obs_shape[1]) // 2, int(obs_shape[2]) // 2)
        self.orientation = _find(names, "agent:orientation")
        self.wall = _find(names, "wall")
        self.agent = _find(names, "agent")
        self.type_id = _find(names, "type_id")
        self.converter_layers = [
            i for i in (_find(names, "converter:ready"), _find(names, "converter:working")) if i is not None
        ]

    def orientations(self, obs: np.ndarray) -> np.ndarray:
        if self.orientation is None:
            return np.zeros(obs.shape[0], dtype=np.int64)
        raw = obs[:, self.orientation, self.center[0], self.center[1]].astype(np.int64)
        return np.clip(raw - 1, 0, 3)

    def front(self, obs: np.ndarray, orientation: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(row, col) of the front cell of every agent, clipped into the window."""
        rows = np.clip(self.center[0] + _FRONT[orientation, 0], 0, obs.shape[2] - 1)
        cols = np.clip(self.center[1] + _FRONT[orientation, 1], 0, obs.shape[3] - 1)
        return rows, cols

    def _type_in_front(self, obs: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray | None:
        if self.type_id is None:
            return None
        return obs[np.arange(obs.shape[0]), self.type_id, rows, cols].astype(np.int64) - 1

    def facing_converter(self, obs: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        n = np.arange(obs.shape[0])
        found = np.zeros(obs.shape[0], dtype=bool)
        for layer in self.converter_layers:
            found |= obs[n, layer, rows, cols] > 0
        type_ids = self._type_in_front(obs, rows, cols)
        if type_ids is not None:
            found |= np.isin(type_ids, CONVERTER_TYPE_IDS)
        return found

    def blocked(self, obs: np.ndarray, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
        n = np.arange(obs.shape[0])
        hit = np.zeros(obs.shape[0], dtype=bool)
        for layer in (self.wall, self.agent):
            if layer is not None:
                hit |= obs[n, layer, rows, cols] > 0
        type_ids = self._type_in_front(obs, rows, cols)
        if type_ids is not None:
            hit |= type_ids == BLOCK
        return hit


def _find(names: list[str], name: str) -> int | None:
    return names.index(name) if name in names else None


class SimpleActor:
    """A heuristic: a biased random walk that uses the object in front of it.

    Facing a converter it alternates put_items (hand over recipe inputs) and get_items (take
    output); facing a wall or agent it turns; otherwise it mostly walks forward (60%), sometimes
    turns (25%), and rarely idles or does something random (15%).
    """

    def __init__(self, env, seed: int = 0) -> None:
        self.rng = np.random.default_rng(seed)
        self.names = list(env.action_names)
        self.max_args = np.asarray(env.action_max_args, dtype=np.int64)
        self.reader = ObservationReader(getattr(env, "feature_names", ()), env.obs_shape)
        self.ids = {name: i for i, name in enumerate(self.names)}
        self.fallback = RandomActor(self.max_args, seed + 1)
        self.use_count = np.zeros(0, dtype=np.int64)

    def reset(self, num_agents: int) -> None:
        self.use_count = np.zeros(num_agents, dtype=np.int64)

    def act(self, obs: np.ndarray, global_obs: np.ndarray, done_mask: np.ndarray) -> np.ndarray:
        n = obs.shape[0]
        if self.use_count.shape[0] != n:
            self.reset(n)
        self.use_count[np.asarray(done_mask, dtype=bool)] = 0
        actions = self.fallback.act(obs, global_obs, done_mask).astype(np.int64)
        roll = self.rng.random(n)
        orientation = self.reader.orientations(obs)
        rows, cols = self.reader.front(obs, orientation)
        facing = self.reader.facing_converter(obs, rows, cols)
        blocked = self.reader.blocked(obs, rows, cols) & ~facing

        def choose(mask: np.ndarray, name: str, arg) -> None:
            if name in self.ids and mask.any():
                actions[mask, 0] = self.ids[name]
                actions[mask, 1] = arg if np.isscalar(arg) else np.asarray(arg)[mask]

        random_turn = self.rng.integers(0, 4, size=n)
        walker = ~facing & ~blocked
        choose(walker & (roll < 0.85), "rotate", random_turn)
        choose(walker & (roll < 0.60), "move", 0)
        choose(blocked & (roll < 0.9), "rotate", random_turn)
        # Facing a converter: hand over inputs, then take the output, a few times, then move on.
        use = facing & (self.use_count < 6)
        choose(use & (self.use_count % 2 == 0), "put_items", 0)
        choose(use & (self.use_count % 2 == 1), "get_items", 0)
        self.use_count = np.where(use, self.use_count + 1, 0)
        choose(facing & ~use, "rotate", random_turn)
        actions[:, 1] = np.minimum(actions[:, 1], self.max_args[actions[:, 0]])
        return actions.astype(np.int32)


def make_actor(uri: str, env, device: str = "cpu", seed: int = 0) -> Actor:
    """An actor for `env`'s agents: `random`, `simple`, or any policy URI of the PolicyStore."""
    if uri == "random":
        return RandomActor(env.action_max_args, seed)
    if uri == "simple":
        return SimpleActor(env, seed)
    if uri == "scripted":
        from metta_core.sim.scripted import ScriptedActor

        return ScriptedActor(env, seed)
    try:
        from metta_core.policy.store import PolicyStore
    except ImportError as err:
        raise PolicyError(f"{uri}: cannot load trained policies ({err})") from None
    records = PolicyStore().records(uri, selector="latest", top_k=1)
    if not records:
        raise PolicyError(f"{uri}: no policy found")
    return records[0].actor(env, device, seed)
