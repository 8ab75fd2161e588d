"""NetHack-style text frames of one environment: the map in the game's characters, then a status
line per agent. Plain text only, so it works in pipes, logs and CI; a frame depends on the
snapshot alone, so a fixed seed gives the same frames every run. It must not step the env.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from metta_core.env.table import AGENT, EMPTY_CHAR, OBJECT_CHAR, ORIENTATIONS, TEAM_CHARS

#: Frozen agents are drawn with this character, so a fight is visible at a glance.
FROZEN_CHAR = "*"


def agent_char(agent: dict[str, Any]) -> str:
    if int(agent["frozen"]) > 0:
        return FROZEN_CHAR
    team = int(agent["team"])
    return TEAM_CHARS[team - 1] if 1 <= team <= len(TEAM_CHARS) else OBJECT_CHAR[AGENT]


def map_lines(snapshot: Any) -> list[str]:
    """The grid as text rows: objects by their canonical character, agents on top."""
    rows = [[EMPTY_CHAR] * int(snapshot.width) for _ in range(int(snapshot.height))]
    for obj in snapshot.objects:
        if int(obj["type_id"]) != AGENT:
            rows[int(obj["row"])][int(obj["col"])] = OBJECT_CHAR[int(obj["type_id"])]
    for agent in snapshot.agents:
        rows[int(agent["row"])][int(agent["col"])] = agent_char(agent)
    return ["".join(row) for row in rows]


def inventory_text(inventory: Any, item_names: list[str]) -> str:
    held = [f"{name}={int(count)}" for name, count in zip(item_names, inventory, strict=False) if int(count)]
    return " ".join(held) or "-"


def agent_line(agent: dict[str, Any], action_names: list[str], item_names: list[str]) -> str:
    action = int(agent["last_action"])
    name = action_names[action] if 0 <= action < len(action_names) else f"action{action}"
    outcome = "ok" if agent["last_action_success"] else "failed"
    facing = ORIENTATIONS[int(agent["orientation"])]
    position = f"({int(agent['row'])},{int(agent['col'])})"
    frozen = f" frozen={int(agent['frozen'])}" if int(agent["frozen"]) else ""
    return (
        f"agent {int(agent['agent_id']):>2} {agent_char(agent)} {position:<9} {facing:<5} {name}({int(agent['last_arg'])}) {outcome:<6} reward {float(agent['total_reward']):7.2f}"
        f"{frozen}  {inventory_text(agent['inventory'], item_names)}"
    )


def ascii_frame(snapshot: Any, action_names: list[str], item_names: list[str]) -> str:
    """One frame: a header line, the map, one status line per agent."""
    total = sum(float(agent["total_reward"]) for agent in snapshot.agents)
    header = f"step {int(snapshot.step)}  agents {len(snapshot.agents)}  total reward {total:.2f}"
    lines = [header, *map_lines(snapshot)]
    lines += [agent_line(agent, action_names, item_names) for agent in snapshot.agents]
    return "\n".join(lines)


def ascii_frames(driver: Any, steps: int) -> Iterator[str]:
    """The frame after reset, then one per step, for `steps` steps or until the episode ends."""
    env = driver.env
    names, items = list(env.action_names), list(env.item_names)
    yield ascii_frame(env.snapshot(0), names, items)
    for _ in range(steps):
        outcome = driver.step()
        if outcome.done:
            return
        yield ascii_frame(env.snapshot(0), names, items)
