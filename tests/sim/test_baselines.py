"""Suite baselines: measured by `metta baselines`, written in place, checked for drift."""

from __future__ import annotations

import pytest

from metta_core.sim.baselines import Baseline, baseline_drift, rewrite_baselines
from metta_core.sim.suite import load_suite

SUITE_TEXT = """# a comment that must survive
name: demo
simulations:
  - name: first
    env: navigation
    random_score: 0.5  # old
    reference_score: 3.0
  - name: second
    env: navigation
    episodes: 2
"""


def test_rewriting_replaces_the_scores_keeps_comments_and_adds_missing_fields():
    text = rewrite_baselines(SUITE_TEXT, [Baseline("first", 0.25, 4.0), Baseline("second", 0.125, 2.5)])
    assert text.startswith("# a comment that must survive\n")
    lines = text.splitlines()
    first = lines.index("  - name: first")
    assert lines[first + 2 : first + 4] == ["    random_score: 0.25", "    reference_score: 4"]
    second = lines.index("  - name: second")
    assert lines[second + 1 : second + 3] == ["    random_score: 0.125", "    reference_score: 2.5"]
    assert "    episodes: 2" in lines


def test_every_reference_is_above_random_and_comes_from_the_scripted_policy():
    for suite in ("navigation", "memory", "object_use", "arena", "multiagent", "ants"):
        for sim in load_suite(suite).simulations:
            assert sim.reference_score > sim.random_score, f"{suite}/{sim.name}"


@pytest.mark.slow
@pytest.mark.parametrize("suite", ["navigation", "memory", "object_use", "arena", "multiagent", "ants"])
def test_recorded_baselines_match_the_shipped_env_and_planner(suite):
    # Both policies are seeded, so a fresh measurement reproduces the figures unless the game,
    # a map builder or the planner changed: then run `metta baselines` and commit the files.
    assert baseline_drift(suite) == []
