"""The checkpoint file: round trip, atomic writes, and clear errors for damaged or foreign files."""

from __future__ import annotations

import pytest
import torch

from metta_core.errors import PolicyError
from metta_core.policy.checkpoint import load_checkpoint, save_checkpoint

from .conftest import make_checkpoint


def test_checkpoint_round_trips_weights_metadata_and_spec(tmp_path, spec):
    original = make_checkpoint(spec, 7, {"score": 0.25})
    path = tmp_path / "epoch_000007.pt"
    save_checkpoint(original, str(path))
    loaded = load_checkpoint(str(path))
    assert loaded.spec == spec
    assert loaded.metadata["epoch"] == 7 and loaded.metadata["scores"] == {"score": 0.25}
    policy = loaded.build_policy()
    for name, tensor in original.state_dict.items():
        torch.testing.assert_close(policy.state_dict()[name], tensor)


def test_writing_leaves_no_temporary_files(tmp_path, spec):
    save_checkpoint(make_checkpoint(spec, 1), str(tmp_path / "epoch_000001.pt"))
    assert [p.name for p in tmp_path.iterdir()] == ["epoch_000001.pt"]


def test_truncated_checkpoint_is_a_policy_error_naming_the_file(tmp_path, spec):
    path = tmp_path / "epoch_000001.pt"
    save_checkpoint(make_checkpoint(spec, 1), str(path))
    path.write_bytes(path.read_bytes()[: path.stat().st_size // 2])
    with pytest.raises(PolicyError, match="epoch_000001.pt: truncated or not a metta checkpoint"):
        load_checkpoint(str(path))


def test_foreign_torch_file_is_a_policy_error(tmp_path):
    path = tmp_path / "other.pt"
    torch.save({"model": torch.zeros(3)}, path)
    with pytest.raises(PolicyError, match="not a metta checkpoint"):
        load_checkpoint(str(path))


def test_random_bytes_are_a_policy_error(tmp_path):
    path = tmp_path / "junk.pt"
    path.write_bytes(b"not a checkpoint at all")
    with pytest.raises(PolicyError, match="junk.pt"):
        load_checkpoint(str(path))


def test_newer_format_version_is_refused(tmp_path, spec):
    from metta_core.policy import checkpoint as module

    data = make_checkpoint(spec, 1).to_bytes()
    import io

    payload = torch.load(io.BytesIO(data), weights_only=True)
    payload["version"] = module.VERSION + 1
    path = tmp_path / "future.pt"
    torch.save(payload, path)
    with pytest.raises(PolicyError, match="format version"):
        load_checkpoint(str(path))


def test_any_damaged_bytes_are_a_policy_error_naming_the_file():
    """torch's unpickler fails on garbage in many ways (IndexError among them): all one error."""
    import random
    import warnings

    from metta_core.errors import PolicyError
    from metta_core.policy.checkpoint import checkpoint_from_bytes

    rng = random.Random(0)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # torch warns about the odd pickle protocols it reads
        for _ in range(2000):
            with pytest.raises(PolicyError, match="garbage.pt"):
                checkpoint_from_bytes(rng.randbytes(1000), "garbage.pt")
