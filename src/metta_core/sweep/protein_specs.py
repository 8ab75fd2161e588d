"""Metta/Protein sweep files, read as ours: their parameter specs mapped onto our distributions.

A Protein file nests its parameters like the train config (`parameters: {trainer: {optimizer:
{learning_rate: {distribution: log_normal, min, max, mean, scale}}}}`) and searches each in a space
normalised to [-1, 1]. Mapping (Optuna's distributions underneath):

| Protein | ours |
| --- | --- |
| `uniform` | `uniform` |
| `int_uniform` | `int` |
| `log_normal` | `log_uniform` (the centre `mean`, start-up spread `scale`) |
| `uniform_pow2` | `categorical` over the powers of two in [min, max] |
| `logit_normal` | `uniform` over [min, max] (Optuna has no logit-scaled distribution) |

Protein's `scale` perturbs a point by up to `scale` in the [-1, 1] space, i.e. `scale / 2` of the
range: that is our `scale` (a fraction of the range). `scale: auto` (and `time`) is Protein's 0.5.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

PROTEIN_DISTRIBUTIONS = {
    "int_uniform": "int",
    "log_normal": "log_uniform",
    "logit_normal": "uniform",
    "uniform_pow2": "categorical",
}
#: Protein's default perturbation in its [-1, 1] space.
AUTO_SCALE = 0.5


def flatten_parameters(parameters: Any, prefix: str = "") -> Any:
    """`{trainer: {lr: {distribution: ...}}}` -> `{"trainer.lr": {distribution: ...}}`; flat input unchanged."""
    if not isinstance(parameters, Mapping):
        return parameters
    flat: dict[str, Any] = {}
    for key, value in parameters.items():
        path = f"{prefix}{key}"
        if isinstance(value, Mapping) and "distribution" not in value and value:
            flat.update(flatten_parameters(value, f"{path}."))
        else:
            flat[path] = value
    return flat


def our_spec(spec: Any) -> Any:
    """One parameter spec in our terms (a spec already ours comes back unchanged)."""
    if not isinstance(spec, Mapping):
        return spec
    spec = dict(spec)
    kind = spec.get("distribution")
    if kind in PROTEIN_DISTRIBUTIONS or spec.get("scale") in ("auto", "time"):
        spec["scale"] = _our_scale(spec.get("scale", AUTO_SCALE))
    if kind == "uniform_pow2":
        return _powers_of_two(spec)
    if kind in PROTEIN_DISTRIBUTIONS:
        spec["distribution"] = PROTEIN_DISTRIBUTIONS[kind]
    return spec


def _our_scale(scale: Any) -> Any:
    if scale in ("auto", "time"):
        scale = AUTO_SCALE
    return scale / 2 if isinstance(scale, int | float) and not isinstance(scale, bool) else scale


def _powers_of_two(spec: dict[str, Any]) -> dict[str, Any]:
    low, high = spec.get("min"), spec.get("max")
    if not all(isinstance(v, int | float) and v > 0 for v in (low, high)):
        raise ValueError(f"uniform_pow2 needs min > 0 and max > 0, got {low}..{high}")
    choices = [2**k for k in range(math.ceil(math.log2(low)), math.floor(math.log2(high)) + 1)]
    if not choices:
        raise ValueError(f"uniform_pow2: no power of two lies within {low}..{high}")
    mean = spec.get("mean")
    centre = min(choices, key=lambda c: abs(math.log2(c) - math.log2(mean))) if mean and mean > 0 else None
    return {"distribution": "categorical", "choices": choices, "mean": centre}
