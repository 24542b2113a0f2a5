"""The acceptance measures (oversight.judge.acceptance) on small hand-made frames: which rows
each one counts, and the exact figures it reports. The demo-scale check of the judge against the
synthetic truth is test_acceptance.py (slow); these pin each measure down on its own."""

from __future__ import annotations

import datetime as dt
import math
import warnings
from typing import Any

import numpy as np
import pandas as pd
import pytest

from oversight.judge import acceptance

JAN, FEB, MAR, APR = (dt.date(2024, m, 1) for m in (1, 2, 3, 4))


def _row(
    metric: str,
    org: str,
    period: dt.date,
    variation: str,
    value: float = 50.0,
    org_type: str = "icb",
) -> dict[str, Any]:
    return {
        "metric_id": metric,
        "org_type": org_type,
        "org_code": org,
        "period": period,
        "variation": variation,
        "value": value,
    }


def _manifest() -> dict[str, Any]:
    return {
        "injections": [
            {
                "id": "x-drop",
                "metric_id": "m1",
                "icb_code": "X",
                "start": "2024-02",
                "direction": "deteriorate",
            },
            {
                "id": "y-late",
                "metric_id": "m1",
                "icb_code": "Y",
                "start": "2024-05",
                "direction": "improve",
            },
            {
                "id": "z-none",
                "metric_id": "m1",
                "icb_code": "Z",
                "start": "2024-01",
                "direction": "deteriorate",
            },
            {
                "id": "x-imd",
                "metric_id": "m1",
                "icb_code": "X",
                "start": "2024-01",
                "direction": "improve",
                "breakdown": "imd_decile",
            },
        ]
    }


def test_injected_leaves_out_injections_into_one_breakdown_group() -> None:
    assert [i["id"] for i in acceptance.injected(_manifest())] == ["x-drop", "y-late", "z-none"]


def test_injection_outcomes_count_the_months_since_the_start_of_that_series_only() -> None:
    frame = pd.DataFrame(
        [
            _row("m1", "X", JAN, "improvement"),
            _row("m1", "X", FEB, "concern"),
            _row("m1", "X", MAR, "concern"),
            _row("m1", "X", APR, "common_cause"),
            _row("m2", "X", MAR, "concern"),  # another metric of the same ICB
            _row("m1", "W", MAR, "concern"),  # another ICB of the same metric
            _row("m1", "Y", JAN, "concern"),
            _row("m1", "Y", APR, "improvement"),
        ]
    )
    out = acceptance.injection_outcomes(frame, _manifest())
    assert out == [
        {
            "id": "x-drop",
            "icb": "X",
            "metric": "m1",
            "start": "2024-02",
            "expected": "concern",
            "latest": "common_cause",
            "months_since": 3,
            "share_of_months_flagged": 0.667,
        },
        {
            "id": "y-late",
            "icb": "Y",
            "metric": "m1",
            "start": "2024-05",
            "expected": "improvement",
            "latest": "improvement",
            "months_since": 0,
            "share_of_months_flagged": 0.0,
        },
        {
            "id": "z-none",
            "icb": "Z",
            "metric": "m1",
            "start": "2024-01",
            "expected": "concern",
            "latest": "no data",
            "months_since": 0,
            "share_of_months_flagged": 0.0,
        },
    ]


def _latest_frame() -> pd.DataFrame:
    return pd.DataFrame(
        [
            _row("m1", "X", APR, "concern"),  # injected: not counted
            _row("m1", "A", APR, "concern"),
            _row("m1", "B", APR, "improvement"),
            _row("m1", "C", APR, "common_cause"),
            _row("m1", "D", APR, "concern", value=np.nan),  # no figure: not judged
            _row("m1", "R", APR, "concern", org_type="region"),
            _row("m3", "A", APR, "concern"),  # nothing injected into m3
            _row("m1", "A", MAR, "concern"),  # not the latest month
            _row("m1", "C", MAR, "improvement"),
        ]
    )


def test_untouched_rates_count_the_latest_month_of_untouched_icbs_of_injected_metrics() -> None:
    out = acceptance.untouched_rates(_latest_frame(), _manifest())
    assert out == {
        "per_metric": {"m1": {"icbs": 3, "concern": 1, "improvement": 1}},
        "icb_metric_pairs": 3,
        "concern_rate": 0.3333,
        "special_cause_rate": 0.6667,
    }


def test_untouched_rates_without_any_untouched_icb_are_none() -> None:
    frame = pd.DataFrame([_row("m1", "X", APR, "concern"), _row("m1", "Y", APR, "concern")])
    out = acceptance.untouched_rates(frame, _manifest())
    assert out == {
        "per_metric": {},
        "icb_metric_pairs": 0,
        "concern_rate": None,
        "special_cause_rate": None,
    }


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ([1, 2, 4, 3, 5], 0.4),
        ([0, 2, 1], -1.0),  # the first n-1 points have a standard deviation of exactly 1
        ([5, 0, 2], -1.0),  # the last n-1 too
        ([1, 3, 4, 4], 0.944911),  # the last two are level, the last three are not
        ([5, 5, 1, 2], 0.277350),  # the first two are level, the first three are not
    ],
)
def test_lag1_correlation_of_neighbouring_months(series: list[float], expected: float) -> None:
    assert acceptance.lag1_correlation(np.array(series, float)) == pytest.approx(expected, abs=1e-6)


@pytest.mark.parametrize(
    "series", [[1.0, 2.0], [1.0], [3.0, 3.0, 3.0, 4.0], [1.0, 4.0, 4.0, 4.0], [1.0, np.nan, 3.0]]
)
def test_lag1_correlation_is_nan_without_numpy_warnings(series: list[float]) -> None:
    """Too short, a level half or a missing month: NaN, decided before numpy divides by zero."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        found = acceptance.lag1_correlation(np.array(series))
    assert isinstance(found, float) and math.isnan(found)


def test_stable_concern_rate_is_seeded_and_its_defaults_are_4000_series_seed_1() -> None:
    once = acceptance.stable_concern_rate(15, 0.3)
    assert once == acceptance.stable_concern_rate(15, 0.3, n_series=4000, seed=1)
    assert once != acceptance.stable_concern_rate(15, 0.3, n_series=4001, seed=1)
    assert once != acceptance.stable_concern_rate(15, 0.3, n_series=4000, seed=2)


def _concern_rate_of(y: np.ndarray) -> float:
    """The share of series (rows of y, monthly) whose latest point is special-cause concern."""
    from oversight.stats.spc import spc_many

    n, length = y.shape
    months = pd.date_range("2010-01-01", periods=length, freq="MS")
    frame = pd.DataFrame(
        {"f": np.repeat(np.arange(n), length), "x": np.tile(months.values, n), "y": y.reshape(-1)}
    )
    points = spc_many(frame, by="f", date="x", value="y", improvement="increase").points
    latest = points[points["x"] == months[-1]]
    assert len(latest) == n
    return float((latest["point_type"] == "special_cause_concern").mean())


@pytest.mark.parametrize("rho", [0.0, 0.9])
def test_stable_concern_rate_is_that_of_a_stationary_ar1_process(rho: float) -> None:
    """Unit-variance normal months, each `rho` times the last plus fresh noise of variance
    1 - rho^2 (scipy's filter, not the function's loop), from the same seeded generator."""
    from scipy.signal import lfilter

    e = np.random.default_rng(5).normal(0.0, 1.0, (2000, 14))
    s = np.sqrt(1 - rho**2)
    y, _ = lfilter([s], [1.0, -rho], e, axis=1, zi=((1 - s) * e[:, :1]))
    expected = _concern_rate_of(y)
    assert acceptance.stable_concern_rate(14, rho, n_series=2000, seed=5) == pytest.approx(
        expected, abs=0.5 / 2000
    )
    if rho:
        assert expected != _concern_rate_of(e)  # the correlation matters at this size


MONTHS = [dt.date(2023, m, 1) for m in range(7, 13)]


def _series(
    metric: str, org: str, values: list[float], org_type: str = "icb"
) -> list[dict[str, Any]]:
    return [
        _row(metric, org, p, "common_cause", v, org_type)
        for p, v in zip(MONTHS, values, strict=True)
    ]


def test_expected_untouched_simulates_each_injected_metric_as_its_untouched_icbs_correlate() -> (
    None
):
    a, b = [3.0, 5.0, 4.0, 6.0, 7.0, 6.5], [3.0, 3.5, 5.0, 4.5, 6.0, 7.0]
    rows = [
        *_series("m1", "A", a),
        *_series("m1", "B", b),
        *_series("m1", "C", [1.0, 2.0, 3.0, 2.0, 4.0, np.nan]),  # no latest figure, no correlation
        *_series("m1", "X", [9.0, 1.0, 9.0, 1.0, 9.0, 1.0]),  # injected: left out
        *_series("m1", "R", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0], org_type="region"),
        *_series("m2", "A", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),  # correlation 1, capped at 0.95
        *_series("m4", "A", [2.0] * 6),  # no correlation to be had: 0
        *_series("m5", "A", [1.0, 3.0, 1.0, 3.0, 1.0, 3.0]),  # negative: floored at 0
        *_series("m3", "A", [1.0, 2.0, 3.0, 4.0, 5.0, 6.0]),  # nothing injected
        _row("m1", "A", dt.date(2023, 6, 1), "common_cause", 8.0),  # a month before: counted
    ]
    manifest = {
        "injections": [
            {"id": m, "metric_id": m, "icb_code": "X", "start": "2023-09", "direction": "improve"}
            for m in ("m1", "m2", "m4", "m5")
        ]
    }
    out = acceptance.expected_untouched(pd.DataFrame(rows), manifest)
    rho = (
        acceptance.lag1_correlation(np.array([8.0, *a])) + acceptance.lag1_correlation(np.array(b))
    ) / 2
    rates = {
        "m1": acceptance.stable_concern_rate(7, rho),
        "m2": acceptance.stable_concern_rate(6, 0.95),
        "m4": acceptance.stable_concern_rate(6, 0.0),
        "m5": acceptance.stable_concern_rate(6, 0.0),
    }
    assert 0 < rho < 0.95 and len(set(rates.values())) == 3
    assert out["per_metric"] == {
        "m1": {
            "lag1_correlation": round(rho, 3),
            "months": 7,
            "expected_concern_rate": round(rates["m1"], 4),
            "icbs": 2,
        },
        "m2": {
            "lag1_correlation": 0.95,
            "months": 6,
            "expected_concern_rate": round(rates["m2"], 4),
            "icbs": 1,
        },
        "m4": {
            "lag1_correlation": 0.0,
            "months": 6,
            "expected_concern_rate": round(rates["m4"], 4),
            "icbs": 1,
        },
        "m5": {
            "lag1_correlation": 0.0,
            "months": 6,
            "expected_concern_rate": round(rates["m5"], 4),
            "icbs": 1,
        },
    }
    count = 2 * rates["m1"] + rates["m2"] + rates["m4"] + rates["m5"]
    assert out["expected_concern"] == round(count, 2)
