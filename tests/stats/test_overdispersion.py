"""Overdispersion steps (stats.overdispersion) as units: R's rounding, z-scores per data type,
Winsorising, SHMI truncation, phi and tau²."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oversight.stats import overdispersion as od


@pytest.mark.parametrize(
    ("x", "digits", "r"),
    [
        (0.075, 2, 0.07),  # 0.075 is 0.07499999... in binary: R rounds down
        (0.125, 2, 0.12),  # an exact tie goes to the even last digit
        (0.375, 2, 0.38),
        (-0.125, 2, -0.12),
        (2.5, 0, 2.0),
        (3.5, 0, 4.0),
        (12.344, 2, 12.34),
        (12.346, 2, 12.35),
        (0.0, 2, 0.0),
    ],
)
def test_r_round_matches_r(x: float, digits: int, r: float) -> None:
    assert od.r_round(np.array([x]), digits)[0] == r


def test_r_round_leaves_non_finite_and_too_precise_values_as_they_are() -> None:
    big = 1e15 + 0.25  # no spare significant digits for 2 decimals
    out = od.r_round(np.array([math.inf, -math.inf, math.nan, big]), 2)
    assert out[0] == math.inf and out[1] == -math.inf and math.isnan(out[2])
    assert out[3] == big
    assert od.r_round(np.array([1234.5678]))[0] == 1234.57  # two digits by default


_RC_S = math.sqrt(30 / 30.5**2 + 25 / 25.5**2)
Z_CASES = [
    ("SR", "SHMI", 30.0, 25.0, 5 * math.log(30 / 25), 1 / 5),
    ("SR", "CQC", 30.0, 25.0, (math.sqrt(30 / 25) - 1) * 10, 1 / 10),
    ("PR", "", 15.0, 25.0, (math.asin(math.sqrt(15 / 25)) - math.asin(math.sqrt(0.5))) * 10, 0.1),
    ("RC", "", 30.0, 25.0, (math.log(30.5 / 25.5) - math.log(0.5)) / _RC_S, _RC_S),
]


@pytest.mark.parametrize(("data_type", "sr_method", "o", "d", "z", "s"), Z_CASES)
def test_z_scores_and_standard_errors_per_data_type(
    data_type: str, sr_method: str, o: float, d: float, z: float, s: float
) -> None:
    got_z, got_s = od.zscores(np.array([o]), np.array([d]), data_type, sr_method, 0.5)
    assert got_z[0] == pytest.approx(z, rel=1e-12) and got_s[0] == pytest.approx(s, rel=1e-12)


def test_winsorising_clamps_to_the_quantiles_and_marks_units_on_them() -> None:
    z = np.array([5.0, 1.0, 3.0, 2.0, 4.0])
    out, clamped = od.winsorise(z, 0.25)  # type 7 quantiles: 2 and 4
    assert out.tolist() == [4.0, 2.0, 3.0, 2.0, 4.0]
    assert clamped.tolist() == [True, True, False, True, True]


def test_shmi_truncation_drops_the_outer_groups() -> None:
    z = np.array([9.0, 1.0, 5.0, 2.0, 8.0, 3.0, 7.0, 4.0, 6.0, 0.5, 10.0])
    out, dropped = od.truncate(z, 0.1)  # k = 10, N = 11: group = floor(rank * 10 / 12)
    # ranks 1 (0.5) -> group 0 dropped; rank 11 (10.0) -> group 9 = k - 1 dropped;
    # rank 2 (1.0) -> floor(20/12) = 1 kept; rank 10 (9.0) -> floor(100/12) = 8 kept
    assert dropped.tolist() == [False, False, False, False, False, False, False, False, False,
                                True, True]  # fmt: skip
    assert np.isnan(out[dropped]).all() and (out[~dropped] == z[~dropped]).all()


def test_phi_is_the_mean_square_and_nan_for_no_units() -> None:
    assert od.phi(np.array([1.0, 2.0])) == 2.5
    assert math.isnan(od.phi(np.array([])))


def test_tau2_by_the_moment_estimator_and_zero_below_the_threshold() -> None:
    s = np.array([0.5, 1.0, 2.0])
    w = 1 / s**2
    expected = (3 * 2.0 - 2) / (w.sum() - (w**2).sum() / w.sum())
    assert od.tau2(3, 2.0, s) == pytest.approx(expected, rel=1e-12)
    assert od.tau2(3, 0.6, s) == 0.0  # 3 × 0.6 < 2
    assert od.tau2(3, 2 / 3, s) == pytest.approx(0.0, abs=1e-15)  # on the threshold
    assert od.tau2(0, 2.0, np.array([])) == 0.0


@pytest.mark.parametrize(
    ("x", "r"),
    [
        (5e12 + 0.123, 5000000000000.12),  # 2^42 <= x < 2^43: still digits to spare
        (4.4e12 + 0.126, 4400000000000.13),
        (2.0**43 - 0.126, 8796093022207.87),
        (2.0**43 + 0.126, 2.0**43 + 0.126),  # from 2^43 on: returned as is
        (9e12 + 0.127, 9e12 + 0.127),
        (1e13 + 0.125, 1e13 + 0.125),
    ],
)
def test_r_round_returns_values_as_is_from_two_to_the_43(x: float, r: float) -> None:
    # log10(2)·(½ + logb|x|) + 2 > 15 from logb = 43: R keeps such values unrounded
    assert od.r_round(np.array([x]), 2)[0] == r
