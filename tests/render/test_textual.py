"""The Textual viewer driven headless with App.run_test and a Pilot pressing its keys."""

from __future__ import annotations

import asyncio

from textual.widgets import Static

from metta_core.render.driver import open_driver
from metta_core.render.textual_app import RenderApp


def _text(app: RenderApp, widget_id: str) -> str:
    return str(app.query_one(widget_id, Static).render())


def _app(tiny_env_config, steps: int = 30) -> RenderApp:
    # Paused at the start so the test, not the timer, decides when the env steps.
    return RenderApp(open_driver(tiny_env_config, "random", seed=0), steps=steps, sleep=0.05, paused=True)


def test_map_and_panels_show_the_game(tiny_env_config, tiny_map) -> None:
    async def scenario() -> None:
        app = _app(tiny_env_config)
        async with app.run_test(size=(120, 30)) as pilot:
            await pilot.pause()
            assert _text(app, "#map").splitlines() == tiny_map
            assert "step 0 / 30" in _text(app, "#status") and "(paused)" in _text(app, "#status")
            assert "agent  reward  action           inventory" in _text(app, "#agents")
            assert "    0    0.00  noop(0)          -" in _text(app, "#agents")

    asyncio.run(scenario())


def test_single_step_key_advances_exactly_one_step(tiny_env_config) -> None:
    async def scenario() -> None:
        app = _app(tiny_env_config)
        async with app.run_test() as pilot:
            await pilot.press("n")
            await pilot.press("n")
            await pilot.pause()
            assert app.driver.steps == 2
            assert int(app.snapshot.step) == 2
            assert "step 2 / 30" in _text(app, "#status")

    asyncio.run(scenario())


def test_space_resumes_and_pauses_the_episode(tiny_env_config) -> None:
    async def scenario() -> None:
        app = _app(tiny_env_config)
        async with app.run_test() as pilot:
            await pilot.press("space")
            assert not app.paused
            while app.driver.steps < 3:
                await pilot.pause(0.05)
            await pilot.press("space")
            assert app.paused
            held = app.driver.steps
            await pilot.pause(0.3)
            assert app.driver.steps == held

    asyncio.run(scenario())


def test_speed_keys_halve_and_double_the_delay(tiny_env_config) -> None:
    async def scenario() -> None:
        app = _app(tiny_env_config)
        async with app.run_test() as pilot:
            await pilot.press("plus")
            assert abs(app.sleep - 0.025) < 1e-9
            await pilot.press("minus", "minus")
            assert abs(app.sleep - 0.1) < 1e-9
            assert "10.0 steps/s" in _text(app, "#status")

    asyncio.run(scenario())


def test_follow_key_cycles_through_the_agents(tiny_env_config) -> None:
    async def scenario() -> None:
        app = _app(tiny_env_config)
        async with app.run_test() as pilot:
            assert "press f" in _text(app, "#agent")
            await pilot.press("f")
            assert app.followed == 0
            assert "agent 0 (team 0) at (2,2) facing up" in _text(app, "#agent")
            assert "inventory -" in _text(app, "#agent")
            await pilot.press("f", "f")
            assert app.followed == 0  # two agents: 0 -> 1 -> 0

    asyncio.run(scenario())


def test_the_run_finishes_at_its_step_limit_and_q_quits(tiny_env_config) -> None:
    async def scenario() -> None:
        app = _app(tiny_env_config, steps=2)
        async with app.run_test() as pilot:
            await pilot.press("n", "n", "n")
            assert app.finished and app.driver.steps == 2
            assert "(finished)" in _text(app, "#status")
            await pilot.press("q")
        assert app.return_code == 0

    asyncio.run(scenario())
