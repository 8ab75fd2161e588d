"""A stats database of one run with three checkpoints that improve, plus the random policy."""

from __future__ import annotations

import pytest

from metta_testing import FakeEpisode


def episodes(count: int, hearts: float, agents: int = 2) -> list[FakeEpisode]:
    """Episodes where every agent gains `hearts` (+ episode index, for spread) and moves a lot."""
    out = []
    for e in range(count):
        gained = hearts + e
        stats = {
            "heart.gained": gained,
            "ore_red.gained": 2 * gained,
            "action.move.success": 30.0,
            "action.move.failed": 10.0,
            "action.get_items.success": gained,
            "action.get_items.failed": 5.0,
        }
        out.append(
            FakeEpisode(e, e, 100, [gained] * agents, [gained] * agents, [dict(stats)] * agents, [0] * agents)
        )
    return out


@pytest.fixture(scope="module")
def run_stats(tmp_path_factory):
    """navrun:epoch_1/2/3 score 1/3/5 (+ spread) on two evals; random scores 0 on one.
    Shared by a module's tests, which only read it."""
    from metta_core.stats.db import StatsDB

    path = tmp_path_factory.mktemp("stats") / "eval.duckdb"
    with StatsDB(path) as db:
        for epoch, hearts in ((1, 1.0), (2, 3.0), (3, 5.0)):
            name = f"navrun:epoch_{epoch}"
            for sim in ("maze", "rooms"):
                baseline = {"random_score": 0.0, "reference_score": 10.0} if sim == "maze" else {}
                uri = f"runs/navrun/checkpoints/epoch_{epoch}.pt"
                sim_id = db.add_simulation(sim, "navigation", "navigation", uri, baseline)
                db.add_episodes(sim_id, episodes(4, hearts + (sim == "rooms")), [name, name])
            db.add_policy_metadata(
                name,
                {
                    "uri": f"runs/navrun/checkpoints/epoch_{epoch}.pt",
                    "epoch": epoch,
                    "agent_steps": 1000 * epoch,
                },
            )
        sim_id = db.add_simulation("maze", "navigation", "navigation", "random")
        db.add_episodes(sim_id, episodes(4, 0.0), ["random", "random"])
        db.add_policy_metadata("random", {"uri": "random"})
    return path


@pytest.fixture(scope="module")
def analysed(run_stats, tmp_path_factory):
    """`analyze` of the run `navrun` (latest checkpoint), with PDF, done once per module."""
    from metta_core.report.analyze import analyze

    return analyze("runs/navrun", str(run_stats), str(tmp_path_factory.mktemp("analysis")))
