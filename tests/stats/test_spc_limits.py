"""Worked examples for the SPC centre line and limits (statistics.md §1.2-1.3).

Every expected number below is derived by hand from the formulas:
mean, MR_i = |y_i - y_{i-1}|, AMR, one-pass screening (MR < 3.267 × AMR), limits
mean ± 2.66 × AMR and near lines mean ± (2/3 × 2.66) × AMR.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oversight.stats.spc import spc

CLOSE = 2 * (2.66 / 3)


def test_limits_of_a_simple_series_with_one_screened_moving_range() -> None:
    # MRs: seven 1s, a 2, five 1s, a 4, a 0 -> AMR 18/15 = 1.2; 3.267 × 1.2 = 3.92 drops the 4;
    # AMR = 14/14 = 1. mean = 67/16.
    y = [1, 2, 3, 4, 5, 6, 7, 8, 6, 5, 4, 3, 2, 1, 5, 5]
    p = spc(y).points
    assert p["mean_col"].iloc[0] == pytest.approx(67 / 16, rel=1e-15)
    assert p["lpl"].iloc[0] == pytest.approx(67 / 16 - 2.66, rel=1e-15)
    assert p["upl"].iloc[0] == pytest.approx(67 / 16 + 2.66, rel=1e-15)
    assert p["nlpl"].iloc[0] == pytest.approx(67 / 16 - CLOSE, rel=1e-15)
    assert p["nupl"].iloc[0] == pytest.approx(67 / 16 + CLOSE, rel=1e-15)
    assert (p["mean"] == p["mean_col"]).all()


def test_screening_is_one_pass_only() -> None:
    # Ten MRs of 1, then 5, then 40. AMR = 55/12; 3.267 × 55/12 = 14.97 drops 40 only.
    # A second pass (AMR 15/11, threshold 4.45) would drop the 5 too; the reference does not.
    y = [0, 1, 0, 1, 0, 1, 0, 1, 0, 1, 0, 5, 45]
    p = spc(y).points
    amr = 15 / 11
    assert p["upl"].iloc[0] == pytest.approx(55 / 13 + 2.66 * amr, rel=1e-14)
    unscreened = spc(y, screen_outliers=False).points
    assert unscreened["upl"].iloc[0] == pytest.approx(55 / 13 + 2.66 * 55 / 12, rel=1e-14)


def test_flat_series_with_screening_has_nan_limits_and_common_cause() -> None:
    p = spc([3.0] * 15).points
    assert p["lpl"].isna().all() and p["upl"].isna().all()
    assert p["nlpl"].isna().all() and p["nupl"].isna().all()
    assert (p["mean_col"] == 3.0).all()
    assert p["outside_limits"].isna().all() and p["close_to_limits"].isna().all()
    assert (p["special_cause_type"] == "Common Cause").all()
    assert not p["special_cause_flag"].any()
    assert (p["relative_to_mean"] == 0).all()


def test_flat_series_without_screening_has_limits_on_the_mean() -> None:
    p = spc([3.0] * 15, screen_outliers=False).points
    assert (p["lpl"] == 3.0).all() and (p["upl"] == 3.0).all()
    assert not p["outside_limits"].any() and not p["close_to_limits"].any()
    assert p["outside_limits"].notna().all()
    assert (p["special_cause_type"] == "Common Cause").all()


def test_single_point_has_nan_limits() -> None:
    r = spc([7.0], ["2024-01-01"])
    p = r.points
    assert p["mean_col"].iloc[0] == 7.0
    assert np.isnan(p["lpl"].iloc[0]) and np.isnan(p["upl"].iloc[0])
    assert p["outside_limits"].isna().all()
    assert p["special_cause_type"].iloc[0] == "Common Cause"
    assert r.variation_icon == "common_cause"
    assert bool(p["short_group_warning"].iloc[0])


def test_rebase_on_a_mid_date_starts_a_new_group_at_that_point() -> None:
    # 1..12 rising is one trend (the ends are also outside 6.5 ± 2.66); a rebase at the 7th
    # date leaves two groups of 6, each too short for a trend, with means 3.5 and 9.5 and
    # limits ± 2.66, so nothing is flagged (1 and 6 are close, but alone in their windows).
    dates = pd.date_range("2023-01-01", periods=12, freq="MS")
    whole = spc(list(range(1, 13)), dates).points
    assert whole["special_cause_flag"].all()
    assert (whole["special_cause_type"].iloc[3:9] == "7 Point Trend (Increasing)").all()
    p = spc(list(range(1, 13)), dates, rebase=[dates[6]]).points
    assert list(p["rebase_group"]) == [0] * 6 + [1] * 6
    assert list(p["mean_col"]) == [3.5] * 6 + [9.5] * 6
    assert (p["special_cause_type"] == "Common Cause").all()


def test_rebase_on_the_first_date_makes_the_first_group_one() -> None:
    dates = pd.date_range("2023-01-01", periods=5, freq="MS")
    p = spc([1, 2, 3, 2, 1], dates, rebase=[dates[0]]).points
    assert list(p["rebase_group"]) == [1] * 5


def test_rebase_on_the_last_date_gives_a_one_point_group_with_nan_limits() -> None:
    dates = pd.date_range("2023-01-01", periods=14, freq="MS")
    y = [1, 2] * 7
    r = spc(y, dates, rebase=[dates[-1]])
    last = r.points.iloc[-1]
    assert last["rebase_group"] == 1 and np.isnan(last["upl"])
    assert pd.isna(last["outside_limits"])
    assert list(r.points["short_group_warning"]) == [False] * 13 + [True]


def test_rebase_date_not_in_the_series_is_ignored_with_a_warning() -> None:
    dates = pd.date_range("2023-01-01", periods=13, freq="MS")
    r = spc(list(range(13)), dates, rebase=["2023-02-15"])
    assert (r.points["rebase_group"] == 0).all()
    assert any("2023-02-15" in w for w in r.warnings)


def test_fix_after_n_points_uses_the_first_k_points_of_each_group() -> None:
    # Baseline [1, 2] × 6: mean 1.5, eleven MRs of 1 -> limits 1.5 ± 2.66; the later 100s are
    # outside and do not move the limits.
    y = [1, 2] * 6 + [100, 100, 100]
    p = spc(y, fix_after_n_points=12).points
    assert (p["mean_col"] == 1.5).all()
    assert p["upl"].iloc[-1] == pytest.approx(1.5 + 2.66, rel=1e-15)
    assert p["fix_y"].iloc[:12].tolist() == y[:12] and p["fix_y"].iloc[12:].isna().all()
    assert list(p["special_cause_type"].iloc[12:]) == ["Above UCL"] * 3


def test_short_group_warning_is_for_fewer_than_13_points() -> None:
    twelve = spc([1, 2] * 6)
    thirteen = spc([1, 2] * 6 + [1])
    assert twelve.points["short_group_warning"].all() and twelve.warnings
    assert not thirteen.points["short_group_warning"].any() and not thirteen.warnings


def test_points_are_sorted_by_date_and_trajectory_passes_through() -> None:
    dates = ["2023-03-01", "2023-01-01", "2023-02-01"]
    r = spc([3.0, 1.0, 2.0], dates, trajectory=[30.0, 10.0, 20.0])
    assert list(r.points["y"]) == [1.0, 2.0, 3.0]
    assert list(r.points["trajectory"]) == [10.0, 20.0, 30.0]
    without = spc([3.0, 1.0, 2.0], dates)
    cols = ["mean_col", "lpl", "upl", "special_cause_type"]
    pd.testing.assert_frame_equal(r.points[cols], without.points[cols])
