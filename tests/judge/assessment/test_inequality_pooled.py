"""Hand-built edges of the inequality measures (issue 18): pooling months with missing or tiny
numerators and denominators, the deciles that make an SII usable, the intercept that allows an
RII, and the quintiles with no or one person."""

from __future__ import annotations

import datetime as dt
import math
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tests.judge.assessment.inequality_rows import rows

from oversight.catalogue import load
from oversight.judge.assessment import inequality as iq

METRICS: Any = load().metrics
MEAN: Any = {"m": SimpleNamespace(statistic="mean", multiplier=1.0)}
MAY, JUNE = dt.date(2024, 5, 1), dt.date(2024, 6, 1)
NAN = float("nan")


def _months(*groups: tuple[str, list[tuple[float, float, float, float]]]) -> pd.DataFrame:
    """Mean rows of one ICB: per group, May then June as (numerator, denominator, value, sd)."""
    out = [
        ("m", "icb", "QAA", period, "imd_decile", group, *cells)
        for group, months in groups
        for period, cells in zip((MAY, JUNE), months, strict=True)
    ]
    columns = ["metric_id", "org_type", "org_code", "period", "breakdown", "group",
               "numerator", "denominator", "value", "sd"]  # fmt: skip
    return pd.DataFrame(out, columns=columns)


def _pooled(*groups: tuple[str, list[tuple[float, float, float, float]]]) -> pd.DataFrame:
    return iq.pooled(_months(*groups), MEAN, 2).set_index("group")


def test_two_months_pool_into_the_later_month_only() -> None:
    out = iq.pooled(_months(("1", [(8, 4, 2, 1), (18, 6, 3, 2)])), MEAN, 2)
    assert list(out.columns) == ["metric_id", "org_type", "org_code", "breakdown", "group",
                                 "period", "numerator", "denominator", "value", "sd",
                                 "ci_lower", "ci_upper"]  # fmt: skip
    assert list(out.index) == [0] and out["period"].tolist() == [JUNE]
    row = out.iloc[0]
    assert (row["numerator"], row["denominator"], row["value"]) == (26, 10, 2.6)
    # Σ(n−1)sd² + Σn·v² = 3 + 16 + 20 + 54 = 93; minus 10·2.6² over 9.
    assert math.isclose(row["sd"], math.sqrt((93 - 67.6) / 9))


def test_a_month_without_a_numerator_value_or_sd_adds_only_its_people() -> None:
    row = _pooled(("1", [(NAN, 4, NAN, NAN), (18, 6, 3, 2)])).loc["1"]
    assert (row["numerator"], row["denominator"]) == (18, 10)
    assert math.isclose(row["value"], 1.8)
    assert math.isclose(row["sd"], math.sqrt((5 * 4 + 6 * 9 - 10 * 1.8**2) / 9))


def test_a_month_without_a_denominator_adds_no_people() -> None:
    row = _pooled(("1", [(0, NAN, NAN, NAN), (18, 6, 3, 2)])).loc["1"]
    assert (row["numerator"], row["denominator"], row["value"]) == (18, 6, 3)


def test_a_one_person_month_adds_its_value_but_no_spread() -> None:
    row = _pooled(("1", [(5, 1, 5, 0.5), (9, 3, 3, 1)])).loc["1"]
    assert (row["denominator"], row["value"]) == (4, 3.5)
    # 0·0.5² + 1·25 + 2·1 + 3·9 = 54; minus 4·3.5² = 49.
    assert math.isclose(row["sd"], math.sqrt(5 / 3))


def test_an_empty_month_adds_nothing_even_with_an_infinite_value() -> None:
    out = _pooled(
        ("1", [(0, 0, NAN, NAN), (9, 3, 3, 1)]), ("2", [(3, 0, np.inf, NAN), (9, 3, 3, 1)])
    )
    assert math.isclose(out.loc["1", "sd"], 1.0)  # (2·1 + 27 − 27) / 2
    assert (out.loc["2", "numerator"], out.loc["2", "value"], out.loc["2", "sd"]) == (12, 4, 0)
    later = _pooled(("3", [(9, 3, 3, 1), (3, 0, np.inf, NAN)])).loc["3"]
    assert (later["value"], later["sd"]) == (4, 0)


def test_pooled_denominators_of_zero_one_and_two() -> None:
    out = _pooled(
        ("0", [(3, 0, np.inf, NAN), (0, 0, NAN, NAN)]),
        ("1", [(0, 0, NAN, NAN), (4, 1, 4, NAN)]),
        ("2", [(2, 1, 2, NAN), (4, 1, 4, NAN)]),
    )
    assert np.isnan(out.loc["0", "value"]) and np.isnan(out.loc["0", "sd"])
    assert out.loc["1", "value"] == 4 and np.isnan(out.loc["1", "sd"])
    assert out.loc["2", "value"] == 3 and math.isclose(out.loc["2", "sd"], math.sqrt(2))


def test_identical_values_pool_to_no_spread() -> None:
    row = _pooled(("1", [(4, 2, 2, 0), (4, 2, 2, 0)])).loc["1"]
    assert (row["value"], row["sd"]) == (2, 0)


# ---- the deciles an SII needs ----

SETTINGS = iq.Settings(repetitions=1000, windows=(iq.MONTH,))


def _deciles(values: list[float] | None = None) -> pd.DataFrame:
    """One area's ten deciles: 100 people each, value 0.5 + 0.1·(d − 1), interval ±0.05."""
    vals = values or [0.5 + 0.1 * d for d in range(10)]
    return pd.DataFrame({
        "metric_id": "ae_4hr", "org_type": "icb", "org_code": "QAA", "period": JUNE,
        "breakdown": "imd_decile", "group": iq.DECILES, "denominator": 100.0,
        "value": vals, "ci_lower": [v - 0.05 for v in vals], "ci_upper": [v + 0.05 for v in vals],
    })  # fmt: skip


def _with(column: str, decile: str, cell: float) -> pd.DataFrame:
    frame = _deciles()
    frame.loc[frame["group"] == decile, column] = cell
    return frame


def test_a_decile_missing_only_its_lower_bound_leaves_no_sii() -> None:
    out = iq.sii_rows(_with("ci_lower", "3", NAN), iq.MONTH, SETTINGS)
    assert out["sii_missing_reason"].tolist() == ["deciles without a value or interval: 3"]
    assert out["sii"].isna().all()


def test_a_decile_of_no_people_or_unknown_people_leaves_no_sii() -> None:
    for cell in (0.0, NAN):
        out = iq.sii_rows(_with("denominator", "4", cell), iq.MONTH, SETTINGS)
        assert out["sii_missing_reason"].tolist() == ["deciles without a value or interval: 4"]


def test_a_decile_of_one_person_counts() -> None:
    out = iq.sii_rows(_with("denominator", "4", 1.0), iq.MONTH, SETTINGS)
    assert out["sii_missing_reason"].tolist() == [None] and out["sii"].notna().all()


def test_an_intercept_between_zero_and_one_keeps_the_rii() -> None:
    row = iq.sii_rows(_deciles(), iq.MONTH, SETTINGS).iloc[0]
    assert 0 < row["intercept"] < 1
    assert math.isclose(row["rii"], (row["intercept"] + row["sii"]) / row["intercept"])
    assert row["rii_lower"] < row["rii"] < row["rii_upper"]


def test_a_zero_intercept_has_no_rii_nor_interval() -> None:
    frame = _deciles([0.0] * 10).assign(ci_lower=0.0, ci_upper=0.1)
    row = iq.sii_rows(frame, iq.MONTH, SETTINGS).iloc[0]
    assert row["intercept"] == 0 and row["sii"] == 0
    assert row[["rii", "rii_lower", "rii_upper"]].isna().all()


# ---- the quintiles a gap needs ----


def _quintiles() -> pd.DataFrame:
    given = rows(METRICS)
    return given[given["breakdown"] == "imd_quintile"].reset_index(drop=True)


def test_a_quintile_of_no_people_or_unknown_people_has_no_gap() -> None:
    for cell in (0.0, NAN):
        given = _quintiles()
        first = (given["group"] == "1") & (given["org_code"] == "QAA")
        given.loc[first, ["numerator", "denominator", "value"]] = [0.0, cell, 0.0]
        assert iq.quintile_rows(given, METRICS)["org_code"].tolist() == ["QBB"]


def test_a_quintile_of_one_person_has_a_gap() -> None:
    given = _quintiles()
    first = (given["group"] == "1") & (given["org_code"] == "QAA")
    given.loc[first, ["numerator", "denominator", "value"]] = [1.0, 1.0, 100.0]
    out = iq.quintile_rows(given, METRICS)
    assert out["org_code"].tolist() == ["QAA", "QBB"] and out["q1_value"].iloc[0] == 100.0
    q5 = float(given.loc[(given["group"] == "5") & (given["org_code"] == "QAA"), "value"].iloc[0])
    assert math.isclose(out["quintile_gap"].iloc[0], 100.0 - q5)


@pytest.mark.parametrize("end", ["1", "5"])
def test_no_area_with_a_counted_end_quintile_has_no_gap(end: str) -> None:
    """One end of the deprivation scale counted nowhere (a denominator of 0 or missing in
    every area): no gap, not a KeyError for the missing column."""
    given = _quintiles()
    at_end = given["group"] == end
    given.loc[at_end, "denominator"] = 0.0
    assert iq.quintile_rows(given, METRICS).empty
    given.loc[at_end, "denominator"] = None
    assert iq.quintile_rows(given, METRICS).empty
