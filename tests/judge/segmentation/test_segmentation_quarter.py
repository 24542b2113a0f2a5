"""A quarter's value from monthly values: pooled ratios, else the mean; too few months, none."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from tests.judge.segmentation.segmentation_fixtures import Q3, metrics

from oversight.judge.segmentation.inputs import inputs_from_frame
from oversight.judge.segmentation.quarter import quarter_values
from oversight.period import Period

JUL, AUG, SEP, OCT = (dt.date(2025, m, 1) for m in (7, 8, 9, 10))


def rows(*data: tuple) -> pd.DataFrame:
    cols = ["org_code", "metric_id", "period", "value", "numerator", "denominator"]
    return pd.DataFrame(list(data), columns=cols)


def test_ratio_pooled_from_numerators_and_denominators() -> None:
    monthly = rows(
        ("A", "ae_4hr", JUL, 50.0, 50, 100),
        ("A", "ae_4hr", AUG, 90.0, 900, 1000),
        ("A", "ae_4hr", SEP, 80.0, 80, 100),
        ("A", "ae_4hr", OCT, 10.0, 1, 10),  # another quarter: ignored
    )
    got = quarter_values(monthly, metrics(), Q3)
    assert got.to_dict("records") == [
        {
            "org": "A",
            "metric": "ae_4hr",
            "value": pytest.approx(1030 / 1200 * 100),
            "months": 3,
            "pooled": True,
        }
    ]


def test_counts_and_ratios_without_parts_take_the_mean() -> None:
    monthly = rows(
        ("A", "rtt_over_52wk", JUL, 10.0, 10, None),
        ("A", "rtt_over_52wk", AUG, 20.0, 20, None),
        ("A", "rtt_over_52wk", SEP, 60.0, 60, None),
        ("B", "ae_4hr", JUL, 70.0, None, None),
        ("B", "ae_4hr", AUG, 80.0, 80, 100),
        ("B", "ae_4hr", SEP, 90.0, 90, 100),
    )
    got = quarter_values(monthly, metrics(), Q3).set_index(["org", "metric"])
    assert got.loc[("A", "rtt_over_52wk"), "value"] == 30.0
    assert got.loc[("B", "ae_4hr"), "value"] == 80.0 and not got.loc[("B", "ae_4hr"), "pooled"]


def test_a_quarter_missing_a_month_has_no_value_by_default() -> None:
    monthly = rows(("A", "ae_4hr", JUL, 70.0, 70, 100), ("A", "ae_4hr", AUG, None, None, None),
                   ("A", "ae_4hr", SEP, 90.0, 90, 100))  # fmt: skip
    strict = quarter_values(monthly, metrics(), Q3)
    assert strict["value"].isna().all() and strict["months"].tolist() == [2]
    lenient = quarter_values(monthly, metrics(), Q3, min_months=2)
    assert lenient["value"].tolist() == [80.0]
    inputs = inputs_from_frame(strict, Q3, orgs=["A", "B"])
    assert inputs.value("A", "ae_4hr") is None and inputs.orgs == ("A", "B")
    with pytest.raises(ValueError, match="min_months must be 1 to 3"):
        quarter_values(monthly, metrics(), Q3, min_months=4)
    with pytest.raises(ValueError, match="per quarter"):
        quarter_values(monthly, metrics(), Period.parse_month("2025-07"))


def test_quarter_outcomes_are_the_last_month_with_a_figure() -> None:
    from oversight.judge.segmentation.quarter import quarter_outcomes

    assessed = pd.DataFrame(
        [
            ("A", "ae_4hr", JUL, "total", "worse", "concern", "missed"),
            ("A", "ae_4hr", AUG, "total", "similar", "common cause", "met"),
            ("A", "ae_4hr", SEP, "total", "no data", "no data", "no data"),  # no figure
            ("A", "ae_4hr", SEP, "imd_decile", "worse", "concern", "missed"),  # not the total
            ("A", "ae_4hr", OCT, "total", "worse", "concern", "missed"),  # next quarter
        ],
        columns=["org_code", "metric_id", "period", "breakdown", "vs_england", "variation",
                 "national_status"],
    )  # fmt: skip
    got = quarter_outcomes(assessed, Q3, ("vs_england", "variation", "national_status"))
    assert got == {
        ("A", "ae_4hr"): {
            "vs_england": "similar",
            "variation": "common cause",
            "national_status": "met",
        }
    }
