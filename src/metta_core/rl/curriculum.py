"""`Curriculum`: which map task each new episode is drawn from, learned from the episodes' scores.

The tasks (`trainer.curriculum.tasks`) differ from the env preset in their map (size, object counts,
a whole other builder) and may change its rules (`game_overrides`: max_steps, rewards, recipes);
what shapes observations and actions (agents, window, actions) stays the env's, so one policy plays
every task. The VecEnv asks `draw(env_index)` whenever it stages an
episode's map and tags the episode with its task; training hands every finished episode to
`record`, and the samplers turn those scores into draw probabilities:
- `uniform`: by the tasks' weights;
- `ordered`: the first task not yet mastered (its mean reward over `window` episodes below
  `advance_score`), with `exploration` of the draws going back over the tasks before it;
- `learning_progress`: as the reference trainer's curriculum does, tasks are drawn in proportion to
  how fast their score changes, the gap between a fast and a slow moving mean of it (a task never
  tried first), with `exploration` of the draws uniform.
The sampler's state is not checkpointed: a resumed run rebuilds it from its new episodes.
"""

from __future__ import annotations

from collections import deque

import numpy as np
from pydantic import ValidationError

from metta_core.config.loader import apply_overrides, describe_validation_error
from metta_core.env.config import FIXED_GAME_FIELDS, EnvConfig
from metta_core.errors import ConfigError
from metta_core.rl.settings import CurriculumConfig, CurriculumTask


def _under(section: str, texts: list[str]) -> list[str]:
    """`width=9` -> `map.width=9` (and `~x` -> `~map.x`): a task's overrides, as env paths."""
    return [f"{t[0]}{section}.{t[1:]}" if t[:1] in "~+" else f"{section}.{t}" for t in texts]


def task_env(env: EnvConfig, task: CurriculumTask) -> EnvConfig:
    """The task's env: the env's map (or the task's own `map`) and game, with the task's overrides."""
    data = env.model_dump(mode="json")
    if task.map is not None:
        data["map"] = dict(task.map)
    where = f"trainer.curriculum.tasks.{task.name}"
    for text in task.game_overrides:
        field = text.lstrip("~+").split("=", 1)[0].split(".", 1)[0].strip()
        if field in FIXED_GAME_FIELDS:
            raise ConfigError(
                f"{where}.game_overrides: game.{field} must stay the env's (one policy plays every "
                "task); a task may change max_steps, rewards and recipes"
            )
    texts = _under("map", task.map_overrides) + _under("game", task.game_overrides)
    sources = apply_overrides(data, texts)
    try:
        return EnvConfig.model_validate(data)
    except ValidationError as err:
        lines = describe_validation_error(err, sources)
        raise ConfigError([f"{where}: {line}" for line in lines]) from None


class Curriculum:
    """The tasks' maps, the episodes' scores per task, and the sampler that draws from them."""

    def __init__(self, config: CurriculumConfig, env: EnvConfig, seed: int = 0) -> None:
        self.config = config
        self.names = [task.name for task in config.tasks]
        envs = [task_env(env, task) for task in config.tasks]
        self.maps = [task_config.map for task_config in envs]
        #: Each task's game: the env's, with the task's `game_overrides`.
        self.games = [task_config.game for task_config in envs]
        self.weights = np.array([task.weight for task in config.tasks], dtype=np.float64)
        self.rng = np.random.default_rng(seed)
        count = len(self.names)
        self.recent = [deque(maxlen=config.window) for _ in range(count)]
        self.episodes = np.zeros(count, dtype=np.int64)
        self.fast = np.zeros(count)
        self.slow = np.zeros(count)

    # -- what the env and the trainer call --------------------------------------------------
    def draw(self, env_index: int) -> int:
        """A task for the next episode of env `env_index`."""
        return int(self.rng.choice(len(self.names), p=self.probabilities()))

    def record(self, task: int, score: float) -> None:
        """One finished episode of `task` with mean reward per agent `score`."""
        config = self.config
        self.recent[task].append(score)
        if self.episodes[task] == 0:
            self.fast[task] = self.slow[task] = score
        else:
            self.fast[task] += config.fast_rate * (score - self.fast[task])
            self.slow[task] += config.slow_rate * (score - self.slow[task])
        self.episodes[task] += 1

    def metrics(self) -> dict[str, float]:
        """`task/<name>/reward` (recent mean), `/probability` and `/episodes` of every task."""
        out: dict[str, float] = {}
        for k, (name, p) in enumerate(zip(self.names, self.probabilities(), strict=True)):
            if self.recent[k]:
                out[f"task/{name}/reward"] = float(np.mean(self.recent[k]))
            out[f"task/{name}/probability"] = float(p)
            out[f"task/{name}/episodes"] = float(self.episodes[k])
        return out

    # -- samplers ---------------------------------------------------------------------------
    def probabilities(self) -> np.ndarray:
        sampler = self.config.sampler
        if sampler == "uniform":
            return self.weights / self.weights.sum()
        if sampler == "ordered":
            return self._ordered()
        return self._learning_progress()

    def mastered(self, task: int) -> bool:
        scores = self.recent[task]
        return len(scores) == self.config.window and float(np.mean(scores)) >= self.config.advance_score

    def current_task(self) -> int:
        """`ordered`: the first task not mastered (the last once all are)."""
        return next((k for k in range(len(self.names)) if not self.mastered(k)), len(self.names) - 1)

    def _ordered(self) -> np.ndarray:
        current = self.current_task()
        p = np.zeros(len(self.names))
        p[: current + 1] = self.config.exploration / (current + 1)
        p[current] += 1.0 - self.config.exploration
        return p / p.sum()

    def _learning_progress(self) -> np.ndarray:
        count = len(self.names)
        progress = np.abs(self.fast - self.slow)
        untried = self.episodes == 0
        if untried.any():
            progress = np.where(untried, max(progress.max(), 1.0), 0.0)
        uniform = np.full(count, 1.0 / count)
        if progress.sum() <= 0:
            return uniform
        epsilon = self.config.exploration
        return (1 - epsilon) * progress / progress.sum() + epsilon * uniform
