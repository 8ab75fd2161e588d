"""`scripted`: a full-information planner that plays every game competently (the suites' reference).

It reads the env's own state (every object, every converter's inputs, outputs and timers, its
agents' inventories), not the observation window, so it measures what a game allows rather than
what a policy can perceive. Each step, for each agent it controls:
1. every converter gets a value for this agent: what taking its output is worth (the reward it
   pays within `rewards_max`, plus the item's worth as a recipe input while the agent holds few),
   what handing it recipe inputs is worth (the output it lets the converter make, less the reward
   the agent's holdings lose), or, for a converter still converting or cooling down, its output's
   worth discounted, with the wait;
2. `pathfinding.plan_step` searches the grid from the agent and heads for the best value per step
   of walking and waiting: navigation finds the nearest hearts, memory returns to refilled altars,
   object_use and the arena run mine -> generator -> altar in order and respect cooldowns.
It never attacks or swaps. An agent whose move failed (another agent in the way) turns at random
now and then, so two agents cannot block a corridor for ever.
"""

from __future__ import annotations

import numpy as np

from metta_core.env.kernel import (
    AG_ACTION,
    AG_COL,
    AG_ORIENTATION,
    AG_ROW,
    AG_SUCCESS,
    OB_CONVERTING,
    OB_COOLDOWN,
    OB_TYPE,
    TP_MAX_OUTPUT,
    TP_TICKS,
)
from metta_core.env.table import FIRST_CONVERTER, LAST_CONVERTER
from metta_core.sim.pathfinding import MOVE_FORWARD, ROTATE, USE, WAIT, plan_step

#: A recipe input is worth this share of what its recipe makes (so a longer chain is worth less).
CHAIN_DISCOUNT = 0.8
#: Output still being made is worth this share of output ready now.
FUTURE_DISCOUNT = 0.9
#: The agent keeps wanting a recipe input until it holds this many recipes' worth.
RECIPES_WANTED = 2
#: Chance that an agent whose move failed turns a random way instead of insisting.
UNSTICK_CHANCE = 0.3


class ScriptedActor:
    """The `scripted` built-in policy (see the module docstring); needs the env, not just its
    observations. `bind(rows)` names the agent rows it plays (default: all of them)."""

    def __init__(self, env, seed: int = 0) -> None:
        self.env = env
        self.rng = np.random.default_rng(seed)
        self.rows = np.arange(env.total_agents)
        rules = env.rules
        self.inputs = rules.recipes[:, 0].astype(np.float64)  # (types, items)
        self.outputs = rules.recipes[:, 1].astype(np.float64)
        self.reward = rules.item_reward.astype(np.float64)
        self.reward_max = rules.item_reward_max.astype(np.float64)
        self.limits = rules.limits.astype(np.int64)
        self.max_output = rules.type_params[:, TP_MAX_OUTPUT].astype(np.int64)
        self.ticks = rules.type_params[:, TP_TICKS].astype(np.int64)
        names = list(env.action_names)
        self.ids = {
            name: names.index(name)
            for name in ("noop", "move", "rotate", "get_items", "put_items")
            if name in names
        }
        self._scratch: dict[tuple[int, int], tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
        self._worth_cache: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}

    def bind(self, rows: np.ndarray) -> None:
        """Play these rows of the env (a simulation gives each policy its block of agents)."""
        self.rows = np.asarray(rows, dtype=np.int64)

    def reset(self, num_agents: int) -> None:
        """The planner keeps no memory between steps."""

    def act(self, obs: np.ndarray, global_obs: np.ndarray, done_mask: np.ndarray) -> np.ndarray:
        rows = self.rows if len(self.rows) == obs.shape[0] else np.arange(obs.shape[0])
        st, per_env = self.env.state, self.env.num_agents
        actions = np.zeros((len(rows), 2), dtype=np.int32)
        actions[:, 0] = self.ids.get("noop", 0)
        worth_by_env: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        for k, row in enumerate(rows):
            e, a = divmod(int(row), per_env)
            if e not in worth_by_env:
                worth_by_env[e] = self._item_worth(st, e)
            actions[k] = self._agent_action(st, e, a, *worth_by_env[e])
        return actions

    # -- values -----------------------------------------------------------------------------
    def _item_worth(self, st, e: int) -> tuple[np.ndarray, np.ndarray]:
        """Each item's worth as a recipe input over the converters on this env's map, and how
        many of it an agent wants to hold for them."""
        present = np.unique(st.objects[e, : st.num_objects[e], OB_TYPE])
        present = present[(present >= FIRST_CONVERTER) & (present <= LAST_CONVERTER)]
        # The worths depend only on which converter types the map has: computed once per set.
        key = present.tobytes()
        if key not in self._worth_cache:
            self._worth_cache[key] = self._chain_worth(present)
        return self._worth_cache[key]

    def _chain_worth(self, present: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        worth = np.zeros_like(self.reward)
        for _ in range(6):  # chains are at most a few recipes long
            value = np.minimum(self.reward, self.reward_max) + worth
            new = np.zeros_like(worth)
            for t in present:
                needed = self.inputs[t].sum()
                if needed > 0:
                    made = CHAIN_DISCOUNT * float(self.outputs[t] @ value) / needed
                    new = np.where(self.inputs[t] > 0, np.maximum(new, made), new)
            worth = np.minimum(new, 10.0)  # a recipe that multiplies its input must not diverge
        wanted = np.zeros_like(worth)
        for t in present:
            wanted = np.maximum(wanted, RECIPES_WANTED * self.inputs[t])
        return worth, wanted

    def _gain(self, inv: np.ndarray, worth: np.ndarray, wanted: np.ndarray) -> np.ndarray:
        """What one more unit of each item is worth to an agent holding `inv`."""
        held = np.minimum(self.reward * inv, self.reward_max)
        paid = np.minimum(self.reward * (inv + 1), self.reward_max) - held
        return paid + np.where(inv < wanted, worth, 0.0)

    def _loss(self, inv: np.ndarray) -> np.ndarray:
        """The reward one unit fewer of each item costs (units beyond the cap cost nothing)."""
        held = np.minimum(self.reward * inv, self.reward_max)
        return held - np.minimum(self.reward * np.maximum(inv - 1, 0), self.reward_max)

    def _targets(self, st, e: int, a: int, worth: np.ndarray, wanted: np.ndarray):
        """Per object: value, wait (steps until its output exists) and use (get or put)."""
        count = int(st.num_objects[e])
        objects, items = st.objects[e, :count], st.object_items[e, :count].astype(np.float64)
        types = objects[:, OB_TYPE]
        inv = st.agent_inventory[e, a].astype(np.float64)
        gain, loss = self._gain(inv, worth, wanted), self._loss(inv)
        converter = (types >= FIRST_CONVERTER) & (types <= LAST_CONVERTER)
        room = np.maximum(self.limits - inv, 0)
        values = np.zeros(count)
        waits = np.zeros(count, dtype=np.int64)
        puts = np.zeros(count, dtype=bool)
        if "get_items" in self.ids:
            ready = np.minimum(items[:, 1], room) @ gain
            # Output on its way: being made now, or a mine (no inputs) cooling down before the next.
            future = self.outputs[types] @ gain * FUTURE_DISCOUNT
            converting = objects[:, OB_CONVERTING]
            restarts = (self.inputs[types].sum(axis=1) == 0) & (objects[:, OB_COOLDOWN] > 0)
            wait = np.where(converting > 0, converting, objects[:, OB_COOLDOWN] + self.ticks[types])
            coming = converter & (items[:, 1].sum(axis=1) == 0) & ((converting > 0) | restarts)
            values = np.where(coming, future, np.where(converter, ready, 0.0))
            waits = np.where(coming, wait, 0)
        if "put_items" in self.ids:
            missing = np.maximum(self.inputs[types] - items[:, 0], 0)
            give = np.minimum(missing, inv)
            full = (items[:, 1] * (self.outputs[types] > 0)).sum(axis=1) >= self.max_output[types]
            made = self.outputs[types] @ (np.minimum(self.reward, self.reward_max) + worth)
            share = np.where(
                (give >= missing).all(axis=1),
                1.0,
                0.5 * give.sum(axis=1) / np.maximum(self.inputs[types].sum(axis=1), 1),
            )
            put_value = np.where(converter & (give.sum(axis=1) > 0) & ~full, made * share - give @ loss, 0.0)
            puts = put_value > values
            values = np.where(puts, put_value, values)
            waits = np.where(puts, 0, waits)
        return objects, values, waits, puts

    # -- one agent's action -----------------------------------------------------------------
    def _agent_action(self, st, e: int, a: int, worth: np.ndarray, wanted: np.ndarray) -> tuple[int, int]:
        agent = st.agents[e, a]
        stuck = agent[AG_SUCCESS] == 0 and agent[AG_ACTION] == self.ids.get("move", -1)
        if stuck and "rotate" in self.ids and self.rng.random() < UNSTICK_CHANCE:
            return self.ids["rotate"], int(self.rng.integers(4))
        objects, values, waits, puts = self._targets(st, e, a, worth, wanted)
        grid = st.grid[e]
        dist, first, queue = self._buffers(grid.shape)
        what, arg, target = plan_step(
            grid, int(agent[AG_ROW]), int(agent[AG_COL]), int(agent[AG_ORIENTATION]),
            objects[:, 1].astype(np.int64), objects[:, 2].astype(np.int64), values, waits, dist, first, queue,
        )  # fmt: skip
        if what == MOVE_FORWARD and "move" in self.ids:
            return self.ids["move"], 0
        if what == ROTATE and "rotate" in self.ids:
            return self.ids["rotate"], int(arg)
        if what == USE:
            return self.ids["put_items" if puts[target] else "get_items"], 0
        assert what in (WAIT, MOVE_FORWARD, ROTATE, USE)
        return self.ids.get("noop", 0), 0

    def _buffers(self, shape: tuple[int, int]):
        """Search arrays for a grid of this shape, allocated once."""
        if shape not in self._scratch:
            cells = shape[0] * shape[1]
            self._scratch[shape] = (
                np.zeros(shape, dtype=np.int64),
                np.zeros(shape, dtype=np.int64),
                np.zeros((cells, 2), dtype=np.int64),
            )
        return self._scratch[shape]
