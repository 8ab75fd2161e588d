"""Training flushes denormal floats to zero (they make x86 arithmetic many times slower)."""

from __future__ import annotations

import pytest
import torch

from metta_core.rl.distributed import use_fast_cpu_math


def test_denormals_become_zero_after_use_fast_cpu_math():
    supported = torch.set_flush_denormal(True)  # False on CPUs without the mode: nothing changes
    torch.set_flush_denormal(False)
    tiny = torch.tensor([1e-39], dtype=torch.float32)  # below float32's smallest normal, 1.2e-38
    assert float(tiny * 1.0) != 0.0
    use_fast_cpu_math()
    assert (float(tiny * 1.0) == 0.0) == supported
    assert float(torch.tensor([1e-30]) * 1.0) == pytest.approx(1e-30)  # normal numbers untouched
