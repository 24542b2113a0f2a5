"""When a quarter's ratio is pooled from its parts, and when it falls back to the mean of the
monthly values: every part present and a positive denominator, or no pooling."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest
from tests.judge.segmentation.segmentation_fixtures import Q3, metrics

from oversight.judge.segmentation.quarter import quarter_values

JUL, AUG, SEP = (dt.date(2025, m, 1) for m in (7, 8, 9))


def rows(*data: tuple) -> pd.DataFrame:
    cols = ["org_code", "metric_id", "period", "value", "numerator", "denominator"]
    return pd.DataFrame(list(data), columns=cols)


@pytest.mark.parametrize(
    "missing", [(None, 100), (70, None)], ids=["numerator missing", "denominator missing"]
)
def test_a_month_without_both_parts_means_the_quarter_is_not_pooled(missing: tuple) -> None:
    # pooled would be (90 + 95) / (200 + 100) or a sum that skips the gap; the mean is 80
    monthly = rows(("A", "ae_4hr", JUL, 70.0, *missing), ("A", "ae_4hr", AUG, 90.0, 180, 200),
                   ("A", "ae_4hr", SEP, 80.0, 80, 100))  # fmt: skip
    got = quarter_values(monthly, metrics(), Q3).to_dict("records")
    assert got == [{"org": "A", "metric": "ae_4hr", "value": 80.0, "months": 3, "pooled": False}]


def test_a_zero_denominator_total_falls_back_to_the_mean() -> None:
    monthly = rows(("A", "ae_4hr", JUL, 70.0, 0, 0), ("A", "ae_4hr", AUG, 90.0, 0, 0),
                   ("A", "ae_4hr", SEP, 80.0, 0, 0))  # fmt: skip
    got = quarter_values(monthly, metrics(), Q3).to_dict("records")
    assert got == [{"org": "A", "metric": "ae_4hr", "value": 80.0, "months": 3, "pooled": False}]


def test_a_denominator_of_one_is_pooled() -> None:
    monthly = rows(("A", "ae_4hr", SEP, 100.0, 1, 1))
    got = quarter_values(monthly, metrics(), Q3, min_months=1).to_dict("records")
    assert got == [{"org": "A", "metric": "ae_4hr", "value": 100.0, "months": 1, "pooled": True}]


def test_organisations_and_metrics_come_out_in_order_whatever_the_input_order() -> None:
    monthly = rows(
        ("B", "rtt_18wk", SEP, 60.0, 60, 100),
        ("A", "rtt_18wk", SEP, 50.0, 50, 100),
        ("B", "ae_4hr", SEP, 70.0, 70, 100),
        ("A", "ae_4hr", SEP, 80.0, 80, 100),
    )
    got = quarter_values(monthly, metrics(), Q3, min_months=1)
    assert list(zip(got["org"], got["metric"], strict=True)) == [
        ("A", "ae_4hr"), ("A", "rtt_18wk"), ("B", "ae_4hr"), ("B", "rtt_18wk")
    ]  # fmt: skip
    assert got["value"].tolist() == [80.0, 50.0, 70.0, 60.0]
