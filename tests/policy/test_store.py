"""PolicyStore: URIs (paths, file://, s3://) and selectors (latest, top, all)."""

from __future__ import annotations

import numpy as np
import pytest

from metta_core import storage
from metta_core.errors import PolicyError
from metta_core.policy.store import PolicyStore


def test_run_directory_resolves_to_its_latest_checkpoint(run_dir):
    [record] = PolicyStore().records(str(run_dir))
    assert record.name == "navrun:epoch_3"
    assert record.metadata["agent_steps"] == 3000


def test_file_uri_of_one_checkpoint(run_dir):
    path = run_dir / "checkpoints" / "epoch_000002.pt"
    [record] = PolicyStore().records(f"file://{path}")
    assert record.metadata["epoch"] == 2


def test_top_selector_orders_by_metadata_score(run_dir):
    records = PolicyStore().records(str(run_dir), selector="top", metric="score", top_k=2)
    assert [r.metadata["epoch"] for r in records] == [2, 3]


def test_all_selector_lists_every_checkpoint_in_epoch_order(run_dir):
    assert [r.metadata["epoch"] for r in PolicyStore().records(str(run_dir), selector="all")] == [1, 2, 3]


def test_top_selector_without_the_metric_takes_the_latest_and_says_so(run_dir, caplog):
    # As the reference's selector does when no checkpoint has a score to rank by.
    with caplog.at_level("WARNING", logger="metta"):
        (record,) = PolicyStore().records(str(run_dir), selector="top", metric="navigation")
    assert record.uri == PolicyStore().records(str(run_dir), selector="latest")[0].uri
    assert any(
        "no checkpoint has the metric 'navigation'; taking the latest" in r.getMessage()
        for r in caplog.records
    )


def test_unknown_selector_and_missing_path_are_policy_errors(tmp_path, run_dir):
    with pytest.raises(PolicyError, match="selector 'best'"):
        PolicyStore().records(str(run_dir), selector="best")
    with pytest.raises(PolicyError, match="no such checkpoint"):
        PolicyStore().records(str(tmp_path / "nowhere"))
    (tmp_path / "empty").mkdir()
    with pytest.raises(PolicyError, match="no checkpoints"):
        PolicyStore().records(str(tmp_path / "empty"))


def test_s3_prefix_and_object_resolve(s3_bucket, run_dir):
    for path in sorted((run_dir / "checkpoints").glob("*.pt")):
        storage.upload_file(path, f"s3://{s3_bucket}/runs/navrun/{path.name}")
    [latest] = PolicyStore().records(f"s3://{s3_bucket}/runs/navrun")
    assert latest.metadata["epoch"] == 3
    [one] = PolicyStore().records(f"s3://{s3_bucket}/runs/navrun/epoch_000001.pt")
    assert one.load().spec.obs_shape == (19, 11, 11)


def test_malformed_wandb_uri_is_a_policy_error(tmp_path):
    with pytest.raises(PolicyError, match="wandb://run/<name>"):
        PolicyStore(cache_dir=tmp_path).records("wandb://just-a-name")


class _FakeEnv:
    """Only the attributes the actor checks and uses."""

    def __init__(self, spec, actions=None):
        self.obs_shape = spec.obs_shape
        self.num_global_features = spec.num_global_features
        self.action_names = list(actions or spec.action_names)
        self.action_max_args = np.array(spec.action_max_args[: len(self.action_names)], dtype=np.int32)
        self.feature_names = []


def test_actor_returns_valid_action_pairs_and_clears_restarted_rows(run_dir, spec):
    record = PolicyStore().records(str(run_dir))[0]
    actor = record.actor(_FakeEnv(spec), seed=3)
    actor.reset(5)
    rng = np.random.default_rng(0)
    obs = rng.integers(0, 3, (5, 19, 11, 11), dtype=np.uint8)
    global_obs = rng.random((5, 4), dtype=np.float32)
    actions = actor.act(obs, global_obs, np.zeros(5, dtype=bool))
    assert actions.shape == (5, 2) and actions.dtype == np.int32
    assert all(0 <= arg <= spec.action_max_args[a] for a, arg in actions)
    actor.act(obs, global_obs, np.array([True, False, False, False, False]))
    assert actor.state[0].shape == (1, 5, 8)


def test_actor_refuses_an_env_with_other_actions(run_dir, spec):
    record = PolicyStore().records(str(run_dir))[0]
    with pytest.raises(PolicyError, match="trained on actions"):
        record.actor(_FakeEnv(spec, actions=("noop", "move")))
