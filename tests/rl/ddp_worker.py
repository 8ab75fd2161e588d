"""Run by torchrun in test_distributed.py: train a tiny run on this rank, write a digest of the
weights to <out>/rank<RANK>.txt. Not a test module itself (no test_ prefix)."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from conftest import tiny_settings  # noqa: E402
from metta_core.rl.trainer import train  # noqa: E402


def main() -> None:
    out = Path(sys.argv[1])
    result = train(tiny_settings(out / "runs", run="ddp", total=1024))
    digest = hashlib.sha256()
    for tensor in result.policy.state_dict().values():
        digest.update(tensor.detach().cpu().numpy().tobytes())
    reward = result.final_metrics.get("reward_per_step", 0.0)
    (out / f"rank{os.environ['RANK']}.txt").write_text(
        f"{digest.hexdigest()} {result.agent_steps} {reward}\n"
    )


if __name__ == "__main__":
    main()
