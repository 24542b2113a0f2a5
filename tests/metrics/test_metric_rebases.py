"""Approved rebases in the statistics stage, on a series small enough to check by hand.

Twelve months: 10, 12, 10, 12, 10, 12 then 20, 22, 20, 22, 20, 22 (improvement: increase).
Without a rebase: mean 16; moving ranges ten 2s and one 8, AMR 28/11 (8 < 3.267 x AMR is kept),
limits 16 -/+ 2.66 x 28/11. Rebased from the seventh month: two groups, means 11 and 21, AMR 2
each, limits 11 -/+ 5.32 and 21 -/+ 5.32.
"""

from __future__ import annotations

import datetime as dt
from types import SimpleNamespace

import numpy as np
import pandas as pd
import pytest

from oversight.metrics import rebase_input, statistics

MONTHS = [dt.date(2024, m, 1) for m in range(1, 13)]
VALUES: list[float] = [10, 12, 10, 12, 10, 12, 20, 22, 20, 22, 20, 22]
METRICS = {"ae_4hr": SimpleNamespace(improvement="increase", statistic="proportion",
                                     multiplier=100.0)}


def rows(org: str = "QMJ", values: list[float] = VALUES, breakdown: str = "total",
         group: str = "total") -> pd.DataFrame:
    return pd.DataFrame({
        "metric_id": "ae_4hr", "org_type": "icb", "org_code": org, "period": MONTHS,
        "breakdown": breakdown, "group": group, "value": np.asarray(values, dtype=float),
        "numerator": np.nan, "denominator": np.nan, "sd": np.nan,
    })


def limits(stats: pd.DataFrame, org: str = "QMJ") -> list[tuple[float, float, float]]:
    mine = stats[stats["org_code"] == org].sort_values("period")
    return [(round(a, 4), round(b, 4), round(c, 4))
            for a, b, c in zip(mine["spc_lpl"], mine["spc_mean"], mine["spc_upl"], strict=True)]


def rebase(org: str = "QMJ", month: dt.date = MONTHS[6]) -> pd.DataFrame | None:
    return rebase_input.frame([("ae_4hr", org, month)])


NOT_REBASED = [(round(16 - 2.66 * 28 / 11, 4), 16.0, round(16 + 2.66 * 28 / 11, 4))] * 12
REBASED = [(5.68, 11.0, 16.32)] * 6 + [(15.68, 21.0, 26.32)] * 6


def test_without_a_rebase_one_set_of_limits_spans_the_series() -> None:
    assert limits(statistics.attach(rows(), METRICS)) == NOT_REBASED


def test_an_approved_rebase_starts_new_limits_from_its_month() -> None:
    stats = statistics.attach(rows(), METRICS, rebase())
    assert limits(stats) == REBASED
    # the jump is special cause under one set of limits (the latest point an improvement),
    # ordinary variation inside each of two
    plain = statistics.attach(rows(), METRICS)
    assert plain["spc_point_type"].iloc[-1] == "special_cause_improvement"
    assert set(plain["variation_icon"]) == {"improvement_high"}
    assert set(stats["spc_point_type"]) == set(stats["variation_icon"]) == {"common_cause"}


def test_a_rebase_applies_to_every_breakdown_group_of_its_metric_and_organisation() -> None:
    table = pd.concat([rows(), rows(breakdown="sex", group="female"), rows(org="QMF")])
    stats = statistics.attach(table, METRICS, rebase())
    female = stats[(stats["group"] == "female")]
    assert limits(female) == REBASED
    assert limits(stats, "QMF") == NOT_REBASED  # another organisation is untouched


def test_a_rebase_month_without_a_value_breaks_at_the_next_point() -> None:
    gappy = [*VALUES[:6], np.nan, *VALUES[7:]]
    stats = statistics.attach(rows(values=gappy), METRICS, rebase())
    have = stats[stats["spc_mean"].notna()]
    assert limits(have)[:6] == REBASED[:6]
    assert {m for _, m, _ in limits(have)[6:]} == {21.2}  # 22, 20, 22, 20, 22


def test_respc_applies_and_reverses_a_rebase_on_published_statistics() -> None:
    table = pd.concat([rows(), rows(org="QMF")], ignore_index=True)
    before = statistics.attach(table, METRICS)
    after = statistics.respc(before, table, METRICS, rebase(), {("ae_4hr", "QMJ")})
    pd.testing.assert_frame_equal(after, statistics.attach(table, METRICS, rebase()))
    reversed_ = statistics.respc(after, table, METRICS, None, {("ae_4hr", "QMJ")})
    pd.testing.assert_frame_equal(reversed_, before)
    assert limits(after, "QMF") == NOT_REBASED


@pytest.mark.parametrize("stored", [[["ae_4hr", "QMJ", "2024-07-01"]], [("ae_4hr", "QMJ",
                                                                         dt.date(2024, 7, 19))]])
def test_rebases_are_normalised_to_the_month_they_start(stored: list) -> None:
    assert rebase_input.normal(stored) == [("ae_4hr", "QMJ", dt.date(2024, 7, 1))]
    assert rebase_input.changed_series([], rebase_input.normal(stored)) == {("ae_4hr", "QMJ")}
