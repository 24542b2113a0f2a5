"""Funnel limits by formula for every data type and limit set, and the plotting grid."""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest

from oversight.stats.funnel import GRID_POINTS, funnel

Z95, Z998 = 1.959964, 3.090232
NUM = [1.0, 3.0, 2.0, 10.0, 4.0, 6.0]
DEN = [40.0, 150.0, 60.0, 400.5, 250.0, 300.0]


@pytest.mark.parametrize(("data_type", "start"), [("SR", 1.1), ("PR", 3.0), ("RC", 3.0)])
def test_the_grid_runs_from_its_start_to_the_largest_denominator_rounded_up(
    data_type: str, start: float
) -> None:
    res = funnel(NUM, DEN, data_type=data_type, draw_adjusted=False, shmi_rounding=False)
    grid = res.limits["denominator"].to_numpy()
    expected = np.unique(np.concatenate([np.linspace(start, 401.0, GRID_POINTS), DEN]))
    assert GRID_POINTS == 1000
    np.testing.assert_array_equal(grid, expected)


def test_pr_limits_at_each_unit_follow_the_arcsine_formula() -> None:
    res = funnel(NUM, DEN, data_type="PR", draw_adjusted=False)
    centre = math.asin(math.sqrt(res.target))
    units = res.units.set_index("denominator")
    for d in (150.0, 250.0, 300.0, 400.5):
        for z, lo, hi in ((Z95, "LCL95", "UCL95"), (Z998, "LCL99", "UCL99")):
            spread = z / (2 * math.sqrt(d))
            assert units.loc[d, lo] == pytest.approx(math.sin(centre - spread) ** 2, rel=1e-12)
            assert units.loc[d, hi] == pytest.approx(math.sin(centre + spread) ** 2, rel=1e-12)


def test_pr_grid_lower_limits_stay_at_or_below_the_target_and_uppers_above() -> None:
    res = funnel(NUM, DEN, data_type="PR", draw_adjusted=False)
    for lo, hi in (("LCL95", "UCL95"), ("LCL99", "UCL99")):
        assert np.all(res.limits[lo] <= res.target) and np.all(res.limits[hi] >= res.target)
        assert np.all(np.diff(res.limits[lo].to_numpy()) >= 0)
        assert np.all(np.diff(res.limits[hi].to_numpy()) <= 0)


def test_rc_lower_limits_follow_the_log_formula() -> None:
    num = [12.0, 30.0, 25.0, 60.0, 41.0]
    den = [10.0, 35.0, 20.0, 55.0, 50.0]
    res = funnel(num, den, data_type="RC", draw_adjusted=False)
    log_target = math.log(sum(num) / sum(den))
    for i, d in enumerate(den):
        for z, lo in ((Z95, "LCL95"), (Z998, "LCL99")):
            expected = math.exp(log_target - z / (2 * math.sqrt(d)))
            assert res.units[lo][i] == pytest.approx(expected, rel=1e-12)


def test_a_result_cannot_be_changed() -> None:
    res = funnel(NUM, DEN, data_type="PR")
    with pytest.raises(dataclasses.FrozenInstanceError):
        res.phi = 2.0  # type: ignore[misc]


def test_a_unit_exactly_on_a_limit_is_not_an_outlier() -> None:
    # at 5 people the PR lower limit is 0 (clipped and guarded): a rate of 0 sits on it;
    # 5 of 5 is allowed (numerator equal to denominator) and is far above the upper limit
    num = [0.0, 5.0, 30.0, 60.0, 90.0, 40.0]
    den = [5.0, 5.0, 300.0, 500.0, 800.0, 350.0]
    res = funnel(num, den, data_type="PR", limit=95, draw_adjusted=False)
    assert res.units["LCL95"][0] == 0.0 and res.units["rr"][0] == 0.0
    assert res.units["outlier"].tolist() == [0, 1, 0, 0, 0, 0]


def test_only_shmi_rounds_the_expected_counts() -> None:
    den = [12.344, 20.001, 6.0]
    for kwargs in ({"sr_method": "CQC"}, {"data_type": "RC"}, {"shmi_rounding": False}):
        res = funnel([10.0, 20.0, 5.0], den, **kwargs)
        assert res.units["denominator"].tolist() == den, kwargs
    assert funnel([10.0, 20.0, 5.0], den).units["denominator"].tolist() == [12.34, 20.0, 6.0]


def test_an_expected_count_that_rounds_to_zero_is_refused() -> None:
    with pytest.raises(ValueError, match=r"denominator \(rounded to 2 dp\): value must be greater"):
        funnel([1.0, 2.0], [0.004, 3.0])


def test_phi_just_above_one_keeps_the_adjusted_limits() -> None:
    observed = [92.0, 112.8, 100.0, 119.2, 84.0, 106.4, 95.2, 116.0, 88.8, 101.6]
    res = funnel(observed, [100.0] * 10, sr_method="CQC")
    assert 1 < res.phi < 1.1
    assert res.draw_adjusted and not res.draw_unadjusted and res.messages == ()
    assert res.tau2 > 0


def test_a_unit_exactly_on_its_upper_limit_is_not_an_outlier() -> None:
    # target about 0.5: at 3 people the 99.8% upper limit is guarded to 1, where 3 of 3 sits
    num, den = [3.0, 50.0, 60.0, 45.0, 52.0], [3.0, 100.0, 110.0, 95.0, 105.0]
    res = funnel(num, den, data_type="PR", limit=99, draw_adjusted=False)
    assert res.units["UCL99"][0] == 1.0 and res.units["rr"][0] == 1.0
    assert res.units["outlier"].tolist() == [0, 0, 0, 0, 0]
