"""The Textual live viewer of `metta render --renderer textual`.

A coloured map, a panel with the followed agent's inventory, reward and action, and a table of
every agent. Keys: space pause/resume, n single step (while paused), + / - speed up / slow down,
f follow the next agent, q quit. It reads snapshots and calls the driver; the game's rules and
the policy live elsewhere.
"""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Footer, Header, Static

from metta_core.env.table import AGENT, OBJECT_CHAR, OBJECT_NAMES, ORIENTATIONS
from metta_core.render.ascii import agent_char, inventory_text

#: Rich styles of each object type; unnamed types are drawn plain.
OBJECT_STYLES: dict[str, str] = {
    "wall": "grey50",
    "block": "tan",
    "mine_red": "red3",
    "mine_blue": "dodger_blue2",
    "mine_green": "green3",
    "generator_red": "indian_red1",
    "generator_blue": "light_sky_blue1",
    "generator_green": "pale_green1",
    "altar": "bold gold1",
    "armory": "medium_purple",
    "lasery": "hot_pink",
    "lab": "dark_cyan",
    "factory": "dark_orange3",
    "temple": "bold white",
}
TEAM_STYLES = ("bold white", "bold red", "bold blue", "bold green", "bold yellow")
FROZEN_STYLE = "bold cyan"
MIN_SLEEP, MAX_SLEEP = 0.01, 5.0


def map_text(snapshot: Any, followed: int | None) -> Text:
    """The map as styled text: objects in their colours, agents by team, the followed one reversed."""
    height, width = int(snapshot.height), int(snapshot.width)
    cells: list[list[tuple[str, str]]] = [[(".", "grey23")] * width for _ in range(height)]
    for obj in snapshot.objects:
        type_id = int(obj["type_id"])
        if type_id != AGENT:
            style = OBJECT_STYLES.get(OBJECT_NAMES[type_id], "")
            cells[int(obj["row"])][int(obj["col"])] = (OBJECT_CHAR[type_id], style)
    for agent in snapshot.agents:
        style = FROZEN_STYLE if int(agent["frozen"]) else TEAM_STYLES[int(agent["team"]) % len(TEAM_STYLES)]
        if followed is not None and int(agent["agent_id"]) == followed:
            style += " reverse"
        cells[int(agent["row"])][int(agent["col"])] = (agent_char(agent), style)
    text = Text(no_wrap=True)
    for row_index, row in enumerate(cells):
        for char, style in row:
            text.append(char, style)
        if row_index < height - 1:
            text.append("\n")
    return text


class RenderApp(App):
    """Plays an episode through `driver`, one step every `sleep` seconds."""

    TITLE = "metta render"
    CSS = """
    #map { width: auto; padding: 0 1; }
    #side { width: 1fr; min-width: 40; }
    #status { height: auto; }
    #agent { height: auto; border: round $accent; padding: 0 1; }
    #agents { height: 1fr; }
    """
    BINDINGS = [
        Binding("space", "toggle_pause", "Pause"),
        Binding("n", "single_step", "Step"),
        Binding("plus,equals_sign", "faster", "Faster"),
        Binding("minus", "slower", "Slower"),
        Binding("f", "follow", "Follow next agent"),
        Binding("q", "quit", "Quit"),
    ]

    def __init__(self, driver: Any, steps: int, sleep: float = 0.1, paused: bool = False):
        super().__init__()
        self.driver = driver
        self.env = driver.env
        self.max_frames = steps
        self.sleep = min(max(sleep, MIN_SLEEP), MAX_SLEEP)
        self.paused = paused
        self.finished = False
        self.followed: int | None = None
        self.snapshot = self.env.snapshot(0)
        self._timer = None

    def compose(self) -> ComposeResult:
        yield Header()
        with Horizontal():
            yield Static(id="map")
            with Vertical(id="side"):
                yield Static(id="status")
                yield Static(id="agent")
                yield Static(id="agents")
        yield Footer()

    def on_mount(self) -> None:
        self._timer = self.set_interval(self.sleep, self._tick)
        self.refresh_view()

    def _tick(self) -> None:
        if not self.paused:
            self.advance()

    def advance(self) -> None:
        """One env step (unless the run is over), then redraw."""
        if self.finished:
            return
        outcome = self.driver.step()
        if outcome.done or self.driver.steps >= self.max_frames:
            # After the last step of an episode the env has already reset: keep showing the
            # episode's final view rather than the next map.
            self.finished = True
            if not outcome.done:
                self.snapshot = self.env.snapshot(0)
        else:
            self.snapshot = self.env.snapshot(0)
        self.refresh_view()

    def refresh_view(self) -> None:
        self.query_one("#map", Static).update(map_text(self.snapshot, self.followed))
        self.query_one("#status", Static).update(Text(self.status_text()))
        self.query_one("#agent", Static).update(Text(self.followed_text()))
        self.query_one("#agents", Static).update(Text(self.agents_text()))

    def status_text(self) -> str:
        state = "finished" if self.finished else ("paused" if self.paused else "running")
        return (
            f"step {int(self.snapshot.step)} / {self.max_frames}  ({state})  "
            f"{1 / self.sleep:.1f} steps/s  policy {self.driver.policy}"
        )

    def followed_text(self) -> str:
        if self.followed is None:
            return "press f to follow an agent"
        agent = self.snapshot.agents[self.followed]
        names = list(self.env.action_names)
        action = int(agent["last_action"])
        return "\n".join(
            [
                f"agent {self.followed} (team {int(agent['team'])}) at ({int(agent['row'])},{int(agent['col'])}) "
                f"facing {ORIENTATIONS[int(agent['orientation'])]}",
                f"action {names[action]}({int(agent['last_arg'])}) "
                + ("ok" if agent["last_action_success"] else "failed"),
                f"reward {float(agent['last_reward']):.2f}  total {float(agent['total_reward']):.2f}"
                + (f"  frozen {int(agent['frozen'])}" if int(agent["frozen"]) else ""),
                "inventory " + inventory_text(agent["inventory"], list(self.env.item_names)),
            ]
        )

    def agents_text(self) -> str:
        names = list(self.env.action_names)
        items = list(self.env.item_names)
        lines = ["agent  reward  action           inventory"]
        for agent in self.snapshot.agents:
            action = int(agent["last_action"])
            chosen = f"{names[action]}({int(agent['last_arg'])})"
            lines.append(
                f"{int(agent['agent_id']):>5}  {float(agent['total_reward']):6.2f}  {chosen:<16} "
                f"{inventory_text(agent['inventory'], items)}"
            )
        return "\n".join(lines)

    def action_toggle_pause(self) -> None:
        self.paused = not self.paused
        self.refresh_view()

    def action_single_step(self) -> None:
        """Advance exactly one step; pauses first, so the view holds still after it."""
        self.paused = True
        self.advance()

    def _retime(self, sleep: float) -> None:
        self.sleep = min(max(sleep, MIN_SLEEP), MAX_SLEEP)
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.set_interval(self.sleep, self._tick)
        self.refresh_view()

    def action_faster(self) -> None:
        self._retime(self.sleep / 2)

    def action_slower(self) -> None:
        self._retime(self.sleep * 2)

    def action_follow(self) -> None:
        count = len(self.snapshot.agents)
        self.followed = 0 if self.followed is None else (self.followed + 1) % count
        self.refresh_view()
