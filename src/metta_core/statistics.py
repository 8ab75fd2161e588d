"""The statistics every report prints: sample standard deviation and Student-t confidence intervals.

One definition for `metta sim`, `metta analyze`/`dashboard` and the stats DB views (DuckDB's
`STDDEV_SAMP`): the standard deviation divides by n - 1, and a mean's 95% interval is
`t(0.975, n - 1) * std / sqrt(n)`: with the 8-16 episodes a suite runs, the normal z of 1.96
would claim intervals 7-15% narrower than the data support.
"""

from __future__ import annotations

import math
from collections.abc import Sequence


def sample_std(values: Sequence[float]) -> float:
    """Standard deviation with Bessel's correction; 0 for fewer than two values."""
    n = len(values)
    if n < 2:
        return 0.0
    mean = sum(values) / n
    return math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))


def ci95_half_width(std: float, n: int) -> float:
    """Half the width of the two-sided 95% Student-t interval of a mean of `n` samples."""
    if n < 2:
        return 0.0
    from scipy.stats import t

    return float(t.ppf(0.975, n - 1)) * std / math.sqrt(n)
