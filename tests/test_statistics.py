"""One standard deviation and one confidence interval for sim, analyze and the stats views."""

from __future__ import annotations

import math

import duckdb
import pytest

from metta_core.statistics import ci95_half_width, sample_std

VALUES = [0.0, 1.0, 1.0, 2.0, 3.0, 5.0, 8.0, 13.0]


def test_sample_std_is_duckdbs_stddev_samp():
    expected = duckdb.sql(f"SELECT STDDEV_SAMP(v) FROM (VALUES {', '.join(f'({v})' for v in VALUES)}) t(v)")
    assert sample_std(VALUES) == pytest.approx(expected.fetchall()[0][0])
    assert sample_std([4.0]) == 0.0


def test_the_interval_uses_students_t_not_the_normal_z():
    std = sample_std(VALUES)
    # t(0.975, 7) = 2.3646: with 8 episodes the normal 1.96 would be 17% too narrow.
    assert ci95_half_width(std, 8) == pytest.approx(2.364624 * std / math.sqrt(8), rel=1e-5)
    assert ci95_half_width(std, 1) == 0.0


def test_sim_fail_under_exits_1_below_the_score_and_0_above(metta_inprocess):
    code, _, err = metta_inprocess(
        "sim", "--policy", "random", "--suite", "object_use", "-n", "1", "--fail-under", "5"
    )
    assert code == 1 and "is below --fail-under 5" in err
    code, _, _ = metta_inprocess(
        "sim", "--policy", "random", "--suite", "object_use", "-n", "1", "--fail-under", "-100"
    )
    assert code == 0
