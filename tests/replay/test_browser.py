"""The viewer in a real headless Chromium (Debian's `chromium`, driven by Playwright): the canvas
draws the map, scrubbing moves the agent, and in play mode a key press moves agent 0.

CI needs `apt-get install -y chromium`; without it these tests fail saying so (they never skip).
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from metta_core.render.driver import open_driver
from metta_core.replay.server import ViewerServer
from metta_core.replay.session import PlaySession

pytestmark = pytest.mark.slow

CHROMIUM = "/usr/bin/chromium"
BACKGROUND = (27, 27, 31)
WALL = (107, 107, 107)
ALTAR = (241, 196, 15)
TEAM_1 = (255, 92, 92)
TEAM_0 = (245, 245, 245)


@pytest.fixture(scope="module")
def browser() -> Iterator:
    executable = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `apt-get install -y chromium` (as root) first")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=executable,
            args=["--headless", "--no-sandbox", "--disable-background-networking", "--disable-gpu"],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser) -> Iterator:
    page = browser.new_page(viewport={"width": 1200, "height": 800})
    errors: list[str] = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    page.close()
    assert not errors, f"JavaScript errors: {errors}"


def _canvas_pixels(page):
    from PIL import Image

    image = Image.open(io.BytesIO(page.locator("#map").screenshot())).convert("RGB")
    cell = page.evaluate("metta.layout.cell")
    return image, cell


def _cell_colours(image, cell: int, row: int, col: int) -> set[tuple[int, int, int]]:
    """Every colour inside one grid cell."""
    box = image.crop((col * cell, row * cell, (col + 1) * cell, (row + 1) * cell))
    return {colour for _, colour in box.getcolors(maxcolors=cell * cell)}


def _near(colours: set[tuple[int, int, int]], wanted: tuple[int, int, int], tolerance: int = 6) -> bool:
    return any(all(abs(a - b) <= tolerance for a, b in zip(c, wanted, strict=True)) for c in colours)


def test_viewer_canvas_draws_the_map_and_scrubbing_moves_the_agent(page, hand_replay: dict) -> None:
    server = ViewerServer(replay=hand_replay)
    url = server.start_in_thread()
    try:
        page.goto(url)
        page.wait_for_function("window.metta && window.metta.ready", timeout=30_000)
        image, cell = _canvas_pixels(page)
        assert image.size == (6 * cell, 5 * cell)
        for col in range(6):
            assert _cell_colours(image, cell, 0, col) == {WALL}
        assert _near(_cell_colours(image, cell, 2, 4), ALTAR)
        assert _cell_colours(image, cell, 4, 4) == {BACKGROUND}
        assert _near(_cell_colours(image, cell, 3, 1), TEAM_1)
        assert "move(0)" in page.locator("#agent-table").inner_text()

        page.locator("#scrubber").fill("2")
        assert page.evaluate("metta.frame") == 2
        image, cell = _canvas_pixels(page)
        assert _near(_cell_colours(image, cell, 1, 1), TEAM_1)
        assert not _near(_cell_colours(image, cell, 3, 1), TEAM_1)
        # On the last frame the altar is empty: drawn dimmed, no longer its full colour.
        assert not _near(_cell_colours(image, cell, 2, 4), ALTAR)
        assert page.locator("#frame-label").inner_text() == "2 / 2"
    finally:
        server.stop()
        server.join(10)


def test_play_mode_key_press_moves_agent_zero(page, tiny_env_config, warm_env_kernel) -> None:
    session = PlaySession(open_driver(tiny_env_config, "random", seed=0), steps=30, env_name="tiny")
    server = ViewerServer(play=session)
    url = server.start_in_thread()
    try:
        page.goto(url)
        page.wait_for_function("window.metta && window.metta.ready", timeout=30_000)
        image, cell = _canvas_pixels(page)
        assert _near(_cell_colours(image, cell, 2, 2), TEAM_0)
        assert _cell_colours(image, cell, 1, 2) == {BACKGROUND}

        page.keyboard.press("ArrowUp")  # agent 0 faces up already: step forward
        page.wait_for_function("metta.framesReceived >= 1", timeout=60_000)
        assert page.evaluate("metta.state().agents['0'].row") == 1
        image, cell = _canvas_pixels(page)
        assert _near(_cell_colours(image, cell, 1, 2), TEAM_0)
        assert not _near(_cell_colours(image, cell, 2, 2), TEAM_0)
        assert session.recorder.current_state["agents"]["0"]["row"] == 1

        page.keyboard.press("d")  # not facing right: turn right
        page.wait_for_function("metta.framesReceived >= 2", timeout=60_000)
        assert page.evaluate("metta.state().agents['0'].orientation") == 3
    finally:
        server.stop()
        server.join(10)
