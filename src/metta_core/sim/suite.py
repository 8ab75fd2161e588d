"""`SimulationSuite` and `evaluate`: run a suite of simulations for one policy and score it.

Suites are shipped YAML (`presets/sim/<name>.yaml`, a `SuiteConfig`). A suite may `include`
others (`all` includes every suite); included simulations keep the suite that defines them. Each
simulation's raw score is the mean reward per agent per episode of the evaluated policy, and is
normalised by the baseline recorded in the YAML:
`normalized = (score - random_score) / (reference_score - random_score)`. The suite's `score` is
the mean normalized score; it is `passed` when that reaches the suite's `pass_score`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from metta_core.config.loader import validate_mapping
from metta_core.config.presets import load_preset, preset_path
from metta_core.errors import ConfigError
from metta_core.sim.policies import PolicyHandle, resolve_policies
from metta_core.sim.settings import SimulationConfig, SuiteConfig
from metta_core.sim.simulation import Simulation, SimulationResult

if TYPE_CHECKING:
    from metta_core.stats.db import StatsDB

SUITE_DIRECTORY = "sim"


@dataclass
class SuiteSimulation:
    """A simulation together with the suite that defines it."""

    suite: str
    config: SimulationConfig

    @property
    def key(self) -> str:
        return f"{self.suite}/{self.config.name}"


@dataclass
class SuiteResult:
    """Scores of one policy on one suite (keys are `<suite>/<simulation>`)."""

    suite: str
    policy: str
    policy_uri: str
    simulations: dict[str, SimulationResult] = field(default_factory=dict)
    scores: dict[str, float] = field(default_factory=dict)
    normalized: dict[str, float] = field(default_factory=dict)
    score: float = 0.0
    pass_score: float | None = None
    passed: bool = False

    def metrics(self) -> dict[str, float]:
        """Flat metrics for JSON output and checkpoint metadata."""
        out: dict[str, float] = {}
        if self.scores:
            out["reward_avg"] = sum(self.scores.values()) / len(self.scores)
        out["score"] = self.score
        for key, value in self.scores.items():
            out[f"{key}/reward"] = value
        for key, sim in self.simulations.items():
            out[f"{key}/reward_std"] = sim.score_std
            out[f"{key}/reward_ci95"] = sim.score_ci95
        for key, value in self.normalized.items():
            out[f"{key}/normalized"] = value
        return out


def load_suite(name: str) -> SuiteConfig:
    """A suite preset (or YAML path), validated."""
    data = load_preset(SUITE_DIRECTORY, name)
    data.setdefault("name", Path(name).stem)
    return validate_mapping(SuiteConfig, data, f"sim suite {preset_path(SUITE_DIRECTORY, name)}")


def suite_for_env(env_name: str) -> str | None:
    """The shipped suite that evaluates policies trained on env preset `env_name`: the suite of the
    same name, else of its family (`arena_combat` -> `arena`); None when there is none."""
    from metta_core.config.presets import preset_names

    suites = set(preset_names(SUITE_DIRECTORY))
    name = Path(env_name).stem.removeprefix("mettagrid/")
    while name:
        if name in suites:
            return name
        name = name.rpartition("_")[0]
    return None


def suite_simulations(config: SuiteConfig, seen: tuple[str, ...] = ()) -> list[SuiteSimulation]:
    """Every simulation of a suite, included suites expanded (each once, cycles refused)."""
    if config.name in seen:
        raise ConfigError(f"sim suite {config.name}: includes itself ({' -> '.join((*seen, config.name))})")
    sims = [SuiteSimulation(config.name, sim) for sim in config.simulations]
    for included in config.include:
        sims.extend(suite_simulations(load_suite(included), (*seen, config.name)))
    keys = [s.key for s in sims]
    duplicated = sorted({k for k in keys if keys.count(k) > 1})
    if duplicated:
        raise ConfigError(f"sim suite {config.name}: simulations included twice: {', '.join(duplicated)}")
    return sims


def normalize(score: float, config: SimulationConfig) -> float | None:
    if config.random_score is None or config.reference_score is None:
        return None
    return (score - config.random_score) / (config.reference_score - config.random_score)


def default_env_config(sim: SimulationConfig):
    from metta_core.env.config import load_env_config

    return load_env_config(sim.env, sim.env_override_list())


class SimulationSuite:
    """Runs every simulation of a suite for one policy."""

    def __init__(
        self,
        config: SuiteConfig,
        policy: PolicyHandle,
        *,
        device: str = "cpu",
        seed: int = 0,
        episodes: int | None = None,
        num_envs: int | None = None,
        env_config_for: Callable[[SimulationConfig], Any] = default_env_config,
        make_env_for: Callable[[SimulationConfig], Callable[[int, int], Any]] | None = None,
    ) -> None:
        self.config = config
        self.policy = policy
        self.device = device
        self.seed = seed
        self.env_config_for = env_config_for
        self.make_env_for = make_env_for
        self.simulations = suite_simulations(config)
        changes = {k: v for k, v in {"episodes": episodes, "num_envs": num_envs}.items() if v is not None}
        if changes:
            self.simulations = [
                SuiteSimulation(s.suite, s.config.model_copy(update=changes)) for s in self.simulations
            ]
        # Env configs are loaded up front so a bad preset or override fails before any work.
        self.env_configs = {}
        if make_env_for is None:
            problems = []
            for sim in self.simulations:
                try:
                    self.env_configs[sim.key] = env_config_for(sim.config)
                except ConfigError as err:
                    problems.extend(f"simulation {sim.key}: {p}" for p in err.problems)
            if problems:
                raise ConfigError(problems)

    def run(
        self,
        stats_db: StatsDB | None = None,
        replay_dir: Path | None = None,
        on_simulation: Callable[[str, SimulationResult], None] | None = None,
    ) -> SuiteResult:
        result = SuiteResult(
            suite=self.config.name,
            policy=self.policy.name,
            policy_uri=self.policy.uri,
            pass_score=self.config.pass_score,
        )
        for sim in self.simulations:
            opponents = [resolve_policies(uri)[0] for uri in sim.config.opponents]
            simulation = Simulation(
                sim.config,
                [self.policy, *opponents],
                self.env_configs.get(sim.key),
                suite=sim.suite,
                device=self.device,
                seed=self.seed,
                make_env=self.make_env_for(sim.config) if self.make_env_for else None,
            )
            outcome = simulation.run(stats_db, replay_dir)
            result.simulations[sim.key] = outcome
            result.scores[sim.key] = outcome.score
            normalized = normalize(outcome.score, sim.config)
            if normalized is not None:
                result.normalized[sim.key] = normalized
            if on_simulation is not None:
                on_simulation(sim.key, outcome)
        values = list(result.normalized.values())
        result.score = sum(values) / len(values) if values else 0.0
        result.passed = (
            bool(values) and self.config.pass_score is not None and result.score >= self.config.pass_score
        )
        return result


def evaluate(
    policy_uri: str,
    suite: str = "navigation",
    device: str = "cpu",
    stats_db: StatsDB | None = None,
    replay_dir: Path | None = None,
    *,
    episodes: int | None = None,
    num_envs: int | None = None,
    seed: int = 0,
    policy: PolicyHandle | None = None,
    on_simulation: Callable[[str, SimulationResult], None] | None = None,
) -> SuiteResult:
    """Evaluate one policy (the latest checkpoint of `policy_uri`, or `policy`) on a suite."""
    handle = policy or resolve_policies(policy_uri)[0]
    runner = SimulationSuite(
        load_suite(suite), handle, device=device, seed=seed, episodes=episodes, num_envs=num_envs
    )
    return runner.run(stats_db, replay_dir, on_simulation)
