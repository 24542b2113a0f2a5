"""Figures published in NHSRplotthedots' own test snapshots (tests/testthat/_snaps/ptd_spc.md).

Input: R's ``set.seed(123); rnorm(20)`` on dates 2020-01-02 .. 2020-01-21. The snapshot prints
mean_col, lpl and upl rounded to 3 significant figures; we must round to the same figures.
"""

from __future__ import annotations

import pandas as pd

from oversight.stats.spc import spc, spc_many

# fmt: off
RNORM_123 = [
    -0.56047565, -0.23017749, 1.55870831, 0.07050839, 0.12928774, 1.71506499, 0.46091621,
    -1.26506123, -0.68685285, -0.44566197, 1.22408180, 0.35981383, 0.40077145, 0.11068272,
    -0.55584113, 1.78691314, 0.49785048, -1.96661716, 0.70135590, -0.47279141,
]
# fmt: on
DATES = pd.date_range("2020-01-02", periods=20, freq="D")


def sig3(x: float) -> float:
    return float(f"{x:.3g}")


def test_single_series_matches_the_snapshot() -> None:
    r = spc(RNORM_123, DATES, target=0.5)
    first = r.points.iloc[0]
    assert (sig3(first["mean_col"]), sig3(first["lpl"]), sig3(first["upl"])) == (0.142, -3.01, 3.29)
    assert not r.points["special_cause_flag"].any()
    assert r.variation_type == "common_cause"


def test_rebase_before_the_first_date_changes_nothing() -> None:
    # The snapshot's rebase 2020-01-01 is not a date of the series: rebase_group stays 0.
    r = spc(RNORM_123, DATES, rebase=["2020-01-01"])
    assert (r.points["rebase_group"] == 0).all()
    assert sig3(r.points["upl"].iloc[0]) == 3.29


def test_facets_match_the_snapshot() -> None:
    table = pd.DataFrame({"f": [0] * 10 + [1] * 10, "x": DATES, "y": RNORM_123})
    first = spc_many(table, by="f", date="x", value="y").points.groupby("f").first()
    got = [tuple(sig3(v) for v in first.loc[k, ["mean_col", "lpl", "upl"]]) for k in (0, 1)]
    assert got == [(0.0746, -2.60, 2.75), (0.209, -3.28, 3.70)]


def test_close_points_on_opposite_sides_are_common_cause() -> None:
    # From test-ptd_spc_standard.R: symmetric 1, -1 data with 5.5 and -5.5 at the end.
    y = [1.0, -1.0] * 8
    y[14], y[15] = 5.5, -5.5
    r = spc(y, pd.date_range("2020-01-02", periods=16, freq="D"))
    assert list(r.points["point_type"].astype(str).iloc[-2:]) == ["common_cause"] * 2
