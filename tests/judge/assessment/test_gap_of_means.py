"""The gap between two groups' means (a mean-type metric, such as a response time): the
difference of the means on the metric's scale, with a normal 95% interval from each group's
standard deviation; a mean without its standard deviations is refused."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oversight.judge.assessment.gaps import gap

Z = 1.959963984540054  # the normal 97.5% point


def test_a_gap_of_means_is_the_difference_with_an_interval_from_the_sds() -> None:
    """Group a: 100 people, mean 12 (sd 5); group b: 50 people, mean 10 (sd 4)."""
    d, lower, upper = gap("mean", np.array([1200.0]), np.array([100.0]), np.array([500.0]),
                          np.array([50.0]), sd_a=np.array([5.0]), sd_b=np.array([4.0]))  # fmt: skip
    half = Z * math.sqrt(25 / 100 + 16 / 50)  # 1.4797
    assert d[0] == pytest.approx(2.0, rel=1e-12)
    assert (lower[0], upper[0]) == (pytest.approx(2.0 - half, rel=1e-12),
                                    pytest.approx(2.0 + half, rel=1e-12))  # fmt: skip


def test_a_gap_of_means_scales_the_means_but_not_the_sds() -> None:
    """Totals stored in hours, the metric shown in minutes (multiplier 60); the sds are
    already on the value scale."""
    d, lower, upper = gap("mean", np.array([20.0]), np.array([100.0]), np.array([5.0]),
                          np.array([50.0]), multiplier=60.0, sd_a=np.array([3.0]),
                          sd_b=np.array([2.0]))  # fmt: skip
    half = Z * math.sqrt(9 / 100 + 4 / 50)
    assert d[0] == pytest.approx((0.2 - 0.1) * 60, rel=1e-12)  # 6 minutes
    assert upper[0] - d[0] == pytest.approx(half, rel=1e-12)
    assert d[0] - lower[0] == pytest.approx(half, rel=1e-12)


@pytest.mark.parametrize(("sd_a", "sd_b"), [([1.0], None), (None, [1.0]), (None, None)])
def test_a_mean_without_both_standard_deviations_is_refused(
    sd_a: list[float] | None, sd_b: list[float] | None
) -> None:
    a = None if sd_a is None else np.array(sd_a)
    b = None if sd_b is None else np.array(sd_b)
    with pytest.raises(ValueError, match="means need each group's standard deviation"):
        gap("mean", np.array([10.0]), np.array([5.0]), np.array([8.0]), np.array([4.0]),
            sd_a=a, sd_b=b)  # fmt: skip


def test_an_unknown_statistic_is_refused_naming_the_three() -> None:
    with pytest.raises(ValueError, match="'median' must be proportion, rate or mean"):
        gap("median", np.array([1.0]), np.array([2.0]), np.array([1.0]), np.array([2.0]))
