"""Suite baselines: every simulation's `random_score` and `reference_score`, measured, never hand-set.

`random_score` is the `random` policy's score and `reference_score` the `scripted` planner's, both
with the actors' seed 0 on the simulation's fixed seeds (so both are reproducible exactly).
`measure_baselines` runs them; `rewrite_baselines` puts the figures into a suite file in place,
keeping its comments and layout; `baseline_drift` lists the simulations whose recorded figures no
longer match the shipped env and planner.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

from metta_core import storage
from metta_core.errors import ConfigError
from metta_core.sim.policies import builtin
from metta_core.sim.suite import SimulationSuite, load_suite

RANDOM, REFERENCE = "random", "scripted"
#: How far a recorded baseline may sit from a fresh measurement (relative, and absolute floor).
RELATIVE_TOLERANCE = 0.02
ABSOLUTE_TOLERANCE = 0.01

_NAME = re.compile(r"^(\s*)- name:\s*(\S+)\s*$")
_FIELD = re.compile(r"^(\s*)(random_score|reference_score):.*$")


@dataclass(frozen=True)
class Baseline:
    simulation: str  # the simulation's name within its suite
    random_score: float
    reference_score: float


def measure_baselines(suite: str) -> list[Baseline]:
    """Scores of `random` and `scripted` on every simulation defined in `suite` (not included ones)."""
    config = load_suite(suite)
    own = config.model_copy(update={"include": []})
    scores = {}
    for policy in (RANDOM, REFERENCE):
        result = SimulationSuite(own, builtin(policy), seed=0).run()
        scores[policy] = {key.split("/", 1)[1]: value for key, value in result.scores.items()}
    baselines = [
        Baseline(sim.name, scores[RANDOM][sim.name], scores[REFERENCE][sim.name]) for sim in own.simulations
    ]
    for baseline in baselines:
        if baseline.reference_score <= baseline.random_score:
            raise ConfigError(
                f"sim suite {suite}: simulation {baseline.simulation}: the scripted policy scores "
                f"{baseline.reference_score:.4g}, no better than random ({baseline.random_score:.4g})"
            )
    return baselines


def rewrite_baselines(text: str, baselines: list[Baseline]) -> str:
    """The suite file's text with each simulation's two scores replaced (or added after its name)."""
    by_name = {b.simulation: b for b in baselines}
    lines, out, current, written = text.splitlines(), [], None, set()

    def flush() -> None:
        # Fields the simulation did not have yet go right after its `- name:` line.
        if current is None or current[0] not in by_name:
            return
        name, indent, at = current
        baseline = by_name[name]
        missing = [f for f in ("random_score", "reference_score") if (name, f) not in written]
        for offset, field in enumerate(missing, start=1):
            out.insert(at + offset, f"{indent}  {field}: {_format(getattr(baseline, field))}")

    for line in lines:
        name = _NAME.match(line)
        field = _FIELD.match(line)
        if name:
            flush()
            current = (name.group(2), name.group(1), len(out))
        elif field and current is not None and current[0] in by_name:
            value = getattr(by_name[current[0]], field.group(2))
            line = f"{field.group(1)}{field.group(2)}: {_format(value)}"
            written.add((current[0], field.group(2)))
        out.append(line)
    flush()
    return "\n".join(out) + "\n"


def _format(value: float) -> str:
    return f"{value:.6g}"


def baseline_drift(suite: str) -> list[str]:
    """One line per recorded score that a fresh measurement no longer matches."""
    config = load_suite(suite)
    recorded = {sim.name: sim for sim in config.simulations}
    problems = []
    for baseline in measure_baselines(suite):
        sim = recorded[baseline.simulation]
        for field in ("random_score", "reference_score"):
            old, new = getattr(sim, field), getattr(baseline, field)
            if old is None or abs(old - new) > max(ABSOLUTE_TOLERANCE, RELATIVE_TOLERANCE * abs(new)):
                problems.append(f"{suite}/{sim.name}: {field} recorded {old}, measured {new:.6g}")
    return problems


def update_suite_file(path: Path, suite: str) -> list[Baseline]:
    """Measure `suite` and write its baselines into `path` (its YAML file)."""
    baselines = measure_baselines(suite)
    storage.write_bytes(path, rewrite_baselines(path.read_text(), baselines).encode())
    return baselines
