"""`metta sim` end to end on a tiny suite: JSON shape, stats DB contents, selectors, export, errors."""

from __future__ import annotations

import json
from pathlib import Path

import duckdb
import pytest

from metta_core.sim.policies import resolve_policies
from metta_core.sim.suite import evaluate


def test_random_policy_on_a_tiny_suite_prints_the_reference_json_and_fills_the_db(
    metta_inprocess, tiny_suite: Path, tmp_path: Path
) -> None:
    db_path = tmp_path / "eval.duckdb"
    code, out, err = metta_inprocess(
        "sim", "--policy", "random", "--suite", str(tiny_suite), "--json", "--stats-db-uri", str(db_path)
    )
    assert code == 0, err
    result = json.loads(out)  # nothing but the JSON on stdout
    assert set(result) == {"simulation_suite", "policies"} and result["simulation_suite"] == "tiny"
    [policy] = result["policies"]
    assert set(policy) == {"policy_uri", "checkpoints"} and policy["policy_uri"] == "random"
    [checkpoint] = policy["checkpoints"]
    assert set(checkpoint) == {"name", "uri", "metrics"} and checkpoint["name"] == "random"
    metrics = checkpoint["metrics"]
    assert {
        "reward_avg",
        "score",
        "passed",
        "tiny/open/reward",
        "tiny/duel/reward",
        "tiny/open/normalized",
    } <= set(metrics)
    assert "tiny/duel/normalized" not in metrics  # no baseline recorded for it

    con = duckdb.connect(str(db_path), read_only=True)
    sims = con.execute("SELECT name, suite, env_name FROM simulations ORDER BY name").fetchall()
    episodes = con.execute(
        "SELECT s.name, COUNT(*), MIN(e.length), MAX(e.num_agents) FROM episodes e "
        "JOIN simulations s ON s.id = e.simulation_id GROUP BY 1 ORDER BY 1"
    ).fetchall()
    duel_agents = con.execute(
        "SELECT policy_name, COUNT(*) FROM agent_policies p JOIN episodes e ON e.id = p.episode "
        "JOIN simulations s ON s.id = e.simulation_id WHERE s.name = 'duel' GROUP BY 1"
    ).fetchall()
    open_reward = con.execute(
        "SELECT AVG(value) FROM episode_metrics WHERE simulation = 'open' AND metric = 'reward'"
    ).fetchone()[0]
    counters = {r[0] for r in con.execute("SELECT DISTINCT metric FROM agent_metrics").fetchall()}
    assert sims == [("duel", "tiny", "navigation"), ("open", "tiny", "navigation")]
    assert episodes == [("duel", 2, 24, 2), ("open", 3, 24, 1)]
    assert duel_agents == [("random", 4)]  # both halves are `random`: evaluated and opponent
    assert open_reward == pytest.approx(metrics["tiny/open/reward"])
    assert {"reward", "raw_reward", "action.move.success", "heart.gained"} <= counters


def test_evaluate_returns_scores_normalized_by_the_recorded_baseline(tiny_suite: Path) -> None:
    result = evaluate("simple", suite=str(tiny_suite))
    again = evaluate("simple", suite=str(tiny_suite))
    assert set(result.scores) == {"tiny/open", "tiny/duel"}
    assert result.normalized["tiny/open"] == pytest.approx(result.scores["tiny/open"] / 2.0)
    assert result.score == result.normalized["tiny/open"]
    assert result.passed == (result.score >= 0.5)
    assert again.scores == result.scores  # fixed seeds: the same episodes every run


def test_table_output_lists_every_simulation_and_the_verdict(metta_inprocess, tiny_suite: Path) -> None:
    code, out, err = metta_inprocess("sim", "-p", "simple", "-s", str(tiny_suite), "--episodes", "1")
    assert code == 0, err
    assert "tiny/open" in out and "tiny/duel" in out and "suite score" in out
    assert "tiny/open: score" in err  # progress goes to stderr


def test_selectors_choose_latest_top_k_or_all_checkpoints(checkpoint_run: Path) -> None:
    def names(selector: str, top_k: int = 1) -> list[str]:
        return [h.name for h in resolve_policies(str(checkpoint_run), selector, "score", top_k)]

    assert names("latest") == ["navrun:epoch_3"]
    assert names("top", 2) == ["navrun:epoch_2", "navrun:epoch_3"]
    assert names("all") == ["navrun:epoch_1", "navrun:epoch_2", "navrun:epoch_3"]


@pytest.mark.slow
def test_every_selected_checkpoint_is_evaluated_and_exported_to_s3(
    metta_inprocess, tiny_suite: Path, checkpoint_run: Path, s3_bucket: str, tmp_path: Path
) -> None:
    from metta_core import storage

    uri = f"s3://{s3_bucket}/evals/navrun.duckdb"
    code, out, err = metta_inprocess(
        "sim",
        "-p",
        str(checkpoint_run),
        "-s",
        str(tiny_suite),
        "--selector",
        "all",
        "--episodes",
        "1",
        "--json",
        "--stats-db-uri",
        uri,
    )
    assert code == 0, err
    [policy] = json.loads(out)["policies"]
    assert [c["name"] for c in policy["checkpoints"]] == [
        "navrun:epoch_1",
        "navrun:epoch_2",
        "navrun:epoch_3",
    ]
    assert policy["checkpoints"][0]["uri"].endswith("epoch_000001.pt")
    local = tmp_path / "downloaded.duckdb"
    local.write_bytes(storage.read_bytes(uri))
    con = duckdb.connect(str(local), read_only=True)
    rows = con.execute("SELECT policy_name, epoch, agent_steps FROM policy_metadata ORDER BY 1").fetchall()
    assert rows[:3] == [("navrun:epoch_1", 1, 1000), ("navrun:epoch_2", 2, 2000), ("navrun:epoch_3", 3, 3000)]
    assert ("random", None, None) in rows  # the duel's opponent


@pytest.mark.slow
def test_replay_dir_gets_one_replay_per_simulation(metta_inprocess, tiny_suite: Path, tmp_path: Path) -> None:
    from metta_core.replay.recorder import load_replay

    code, _, err = metta_inprocess(
        "sim",
        "-p",
        "random",
        "-s",
        str(tiny_suite),
        "--episodes",
        "1",
        "--replay-dir",
        str(tmp_path / "replays"),
    )
    assert code == 0, err
    files = sorted(p.name for p in (tmp_path / "replays" / "random").iterdir())
    assert len(files) == 2 and files[0].startswith("tiny_duel") and files[1].startswith("tiny_open")
    replay = load_replay(tmp_path / "replays" / "random" / files[1])
    assert isinstance(replay, dict) and replay


def test_user_errors_are_one_red_line(metta_inprocess, tiny_suite: Path, tmp_path: Path) -> None:
    bad_env = tmp_path / "bad.yaml"
    bad_env.write_text(tiny_suite.read_text().replace("game.max_steps=24]", "game.max_stepz=24]", 1))
    cases = [
        (["-s", str(tiny_suite)], "policies"),
        (["-p", "random", "-s", "nosuchsuite"], "nosuchsuite"),
        (["-p", str(tmp_path / "missing_run"), "-s", str(tiny_suite)], "missing_run"),
        (["-p", "random", "-s", str(bad_env)], "simulation tiny/open"),
        (["-p", "random", "-s", str(tiny_suite), "--selector", "best"], "selector"),
        (["-p", "random", "-s", str(tiny_suite), "--stats-db-uri", "ftp://x/y.duckdb", "-n", "1"], "ftp://"),
    ]
    for args, expected in cases:
        code, out, err = metta_inprocess("sim", *args)
        assert code == 2, (args, err)
        assert expected in err, (args, err)
        assert "Traceback" not in err and out == ""


def test_device_auto_evaluates_a_trained_policy_on_the_machines_device(
    metta_inprocess, tiny_suite: Path, checkpoint_run: Path
) -> None:
    # `auto` is a valid --device everywhere; it used to reach torch as the name "auto" and fail.
    code, out, err = metta_inprocess(
        "sim",
        "-p",
        str(checkpoint_run),
        "-s",
        str(tiny_suite),
        "--episodes",
        "1",
        "--device",
        "auto",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["policies"][0]["checkpoints"][0]["name"] == "navrun:epoch_3"
