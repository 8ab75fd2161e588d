"""Curricula: tasks drawn per episode, samplers that follow the scores, per-task metrics."""

from __future__ import annotations

import json

import numpy as np
import pytest

from metta_core.config.loader import resolve
from metta_core.config.presets import load_preset, preset_names
from metta_core.env.config import load_env_config
from metta_core.env.kernel import OB_TYPE
from metta_core.env.table import ITEM_ID, OBJECT_ID
from metta_core.env.vecenv import VecEnv
from metta_core.errors import ConfigError
from metta_core.maps.build import build_map
from metta_core.maps.grid import count_agents
from metta_core.rl.curriculum import Curriculum
from metta_core.rl.settings import CurriculumConfig, TrainSettings
from metta_core.rl.trainer import train

ENV = load_env_config("navigation", ["game.num_agents=1", "game.max_steps=10", "~map",
    "map={builder: random, width: 9, height: 9, agents: 1, objects: {altar: 1}}"])  # fmt: skip
TASKS = [
    {"name": "small", "map_overrides": ["width=7", "height=7"]},
    {"name": "large", "map_overrides": ["width=15", "height=15", "objects={altar: 3}"]},
]


def _curriculum(sampler: str, **extra) -> Curriculum:
    return Curriculum(CurriculumConfig(sampler=sampler, tasks=TASKS, **extra), ENV, seed=0)


def test_each_episode_is_drawn_from_a_task_and_tagged_with_it():
    sizes = {0: (7, 7), 1: (15, 15)}
    order = iter([0, 1] * 50)
    curriculum = _curriculum("uniform")
    env = VecEnv(ENV, num_envs=2, seed=0, tasks=curriculum.maps, choose_task=lambda e: next(order))
    env.reset()
    seen = []
    for _ in range(40):
        env.step(np.zeros((2, 2), dtype=np.int32))
        for episode in env.drain_episodes():
            seen.append(episode.task)
    assert set(seen) == {0, 1}
    # The map on each env is its current episode's task's.
    for e in range(2):
        assert tuple(env.state.map_size[e]) == sizes[int(env._current_task[e])]


def test_uniform_follows_the_weights():
    curriculum = Curriculum(
        CurriculumConfig(sampler="uniform", tasks=[{**TASKS[0], "weight": 3}, TASKS[1]]), ENV, seed=0
    )
    draws = np.bincount([curriculum.draw(0) for _ in range(4000)], minlength=2) / 4000
    assert draws == pytest.approx([0.75, 0.25], abs=0.03)


def test_ordered_moves_on_once_a_task_is_mastered_and_keeps_reviewing():
    curriculum = _curriculum("ordered", window=5, advance_score=0.5, exploration=0.2)
    assert curriculum.probabilities().tolist() == [1.0, 0.0]
    for _ in range(4):
        curriculum.record(0, 1.0)
    assert curriculum.current_task() == 0  # the window is not full yet
    curriculum.record(0, 1.0)
    assert curriculum.current_task() == 1
    assert curriculum.probabilities() == pytest.approx([0.1, 0.9])


def test_learning_progress_tries_every_task_then_draws_the_changing_ones():
    curriculum = _curriculum("learning_progress", exploration=0.1, fast_rate=0.5, slow_rate=0.05)
    curriculum.record(0, 0.0)
    assert curriculum.probabilities() == pytest.approx([0.05, 0.95])  # the untried task first
    curriculum.record(1, 0.5)
    for _ in range(20):
        curriculum.record(0, 1.0)  # task 0 is improving; task 1 stays put
        curriculum.record(1, 0.5)
    p = curriculum.probabilities()
    assert p[0] > 0.9 and p[1] >= 0.05


def test_each_task_plays_by_its_own_rules():
    # "short" ends its episodes after 4 steps; "empty" starts its altar without the heart the
    # env's recipe gives it (`initial_output: 1`); "full" keeps the env's rules.
    tasks = [
        {"name": "short", "game_overrides": ["max_steps=4"]},
        {"name": "empty", "game_overrides": ["objects.altar.initial_output=0"]},
        {"name": "full"},
    ]
    curriculum = Curriculum(CurriculumConfig(tasks=tasks), ENV, seed=0)
    assert [game.max_steps for game in curriculum.games] == [4, 10, 10]
    order = iter([0, 1, 2] * 100)
    env = VecEnv(ENV, num_envs=3, tasks=curriculum.maps, choose_task=lambda e: next(order),
                 task_games=curriculum.games)  # fmt: skip
    env.reset()
    lengths: dict[int, set[int]] = {0: set(), 1: set(), 2: set()}
    altar_hearts: dict[int, set[int]] = {0: set(), 1: set(), 2: set()}
    heart, altar_type = ITEM_ID["heart"], OBJECT_ID["altar"]
    for _ in range(60):
        env.step(np.zeros((3, 2), dtype=np.int32))  # noop: nobody takes a heart
        for episode in env.drain_episodes():
            lengths[episode.task].add(episode.length)
        st = env.state
        for e in range(3):
            altar = np.flatnonzero(st.objects[e, : st.num_objects[e], OB_TYPE] == altar_type)
            altar_hearts[int(env._current_task[e])].add(int(st.object_items[e, altar[0], 1, heart]))
    assert lengths == {0: {4}, 1: {10}, 2: {10}}
    assert altar_hearts == {0: {1}, 1: {0}, 2: {1}}


def test_a_task_cannot_change_what_shapes_observations_or_actions():
    bad = CurriculumConfig(tasks=[{"name": "crowd", "game_overrides": ["num_agents=2"]}])
    with pytest.raises(ConfigError, match=r"tasks.crowd.game_overrides: game.num_agents must stay the env's"):
        Curriculum(bad, ENV)
    narrow = ENV.game.model_copy(update={"obs_width": 5})
    with pytest.raises(ConfigError, match=r"task_games\[1\]: game.obs_width must be the env's"):
        VecEnv(ENV, tasks=[ENV.map, ENV.map], choose_task=lambda e: 0, task_games=[ENV.game, narrow])
    bad = CurriculumConfig(tasks=[{"name": "none", "game_overrides": ["max_steps=0"]}])
    with pytest.raises(ConfigError, match=r"trainer.curriculum.tasks.none: game.max_steps"):
        Curriculum(bad, ENV)


def test_training_with_a_curriculum_logs_each_tasks_score(settings_for):
    settings = settings_for(
        "trainer.curriculum={sampler: uniform, tasks: [{name: tiny, map_overrides: [width=9, height=9]}, {name: wide, map_overrides: [width=13]}]}",
        total=1024,
    )
    result = train(settings)
    rows = [json.loads(line) for line in (result.run_dir / "metrics.jsonl").read_text().splitlines()]
    last = rows[-1]
    assert last["task/tiny/probability"] == 0.5 and last["task/wide/episodes"] > 0
    assert "task/tiny/reward" in last
    assert "tasks tiny:" in (result.run_dir / "train.log").read_text()


def test_a_bad_task_is_one_error_naming_the_task():
    with pytest.raises(ConfigError, match=r"trainer.curriculum.tasks.broken: map\..*width"):
        Curriculum(CurriculumConfig(tasks=[{"name": "broken", "map_overrides": ["width=1"]}]), ENV)
    with pytest.raises(ConfigError, match="task names must be unique"):
        resolve(TrainSettings, overrides=["trainer.curriculum={tasks: [{name: a}, {name: a}]}"], environ={})


PRESETS_WITH_CURRICULA = [
    p for p in preset_names("env") if "curriculum" in load_preset("env", p).get("trainer", {})
]


def test_the_arena_preset_ships_a_curriculum():
    assert "arena" in PRESETS_WITH_CURRICULA


@pytest.mark.parametrize("preset", PRESETS_WITH_CURRICULA)
def test_a_presets_curriculum_builds_every_tasks_map_for_the_presets_agents(preset):
    settings = resolve(TrainSettings, overrides=[f"env={preset}"], environ={})
    curriculum = Curriculum(settings.trainer.curriculum, settings.env)
    rng = np.random.default_rng(0)
    for name, task_map in zip(curriculum.names, curriculum.maps, strict=True):
        grid = build_map(task_map, rng)  # MapError when the task's objects and agents do not fit
        assert count_agents(grid) == settings.env.game.num_agents, name
