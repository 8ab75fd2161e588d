"""Device names as users write them (`cpu`, `cuda`, `cuda:N`, `auto`) turned into torch devices."""

from __future__ import annotations

import torch

from metta_core.errors import ConfigError


def torch_device(name: str | torch.device) -> torch.device:
    """`auto` -> cuda when torch sees a GPU, else cpu; a CUDA name without CUDA is a clear error
    (torch's own would be a traceback deep in the first tensor copy)."""
    if isinstance(name, torch.device):
        return name
    if name == "auto":
        name = "cuda" if torch.cuda.is_available() else "cpu"
    if name.startswith("cuda") and not torch.cuda.is_available():
        raise ConfigError(
            f"device: {name} is not available on this machine (torch sees no CUDA device; use --device cpu)"
        )
    return torch.device(name)
