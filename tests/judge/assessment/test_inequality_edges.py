"""Edges of the inequality measures: the default settings, the seed, which metrics apply, and the
boundaries that decide whether a decile, quintile or ethnic group is measured (issue 18)."""

from __future__ import annotations

import dataclasses
import hashlib
from types import SimpleNamespace
from typing import Any

import numpy as np
import pandas as pd
import pytest
from tests.judge.assessment.inequality_rows import rows

from oversight.catalogue import load
from oversight.judge.assessment import inequality as iq

METRICS: Any = load().metrics
ONE_MONTH = iq.Settings(windows=(iq.MONTH,))


def test_default_settings_are_recorded_values_and_frozen() -> None:
    settings = iq.Settings()
    assert (settings.repetitions, settings.min_group) == (1000, 200)
    with pytest.raises(dataclasses.FrozenInstanceError):
        settings.min_group = 1  # type: ignore[misc]


def test_seed_is_the_first_eight_bytes_of_the_digest() -> None:
    key = "ae_4hr|2024-04-01|month"
    expected = int.from_bytes(hashlib.sha256(key.encode()).digest()[:8], "big")
    assert iq.seed_for("ae_4hr", "2024-04-01", iq.MONTH) == expected


def test_applicable_needs_both_the_breakdown_and_a_statistic() -> None:
    metrics = {
        "both": SimpleNamespace(breakdowns=("imd_decile",), statistic="rate"),
        "count": SimpleNamespace(breakdowns=("imd_decile",), statistic="count"),
        "other": SimpleNamespace(breakdowns=("sex",), statistic="proportion"),
    }
    assert iq.applicable(metrics, "imd_decile") == ["both"]


def test_a_metric_with_deciles_but_no_ethnic_breakdown_is_measured() -> None:
    metric = METRICS["ae_4hr"].model_copy(update={"breakdowns": ("imd_decile", "imd_quintile")})
    metrics = {**METRICS, "ae_4hr": metric}
    out = iq.measure(rows(METRICS, slope=0.03), metrics, ONE_MONTH)
    assert len(out) == 2 and out["sii"].notna().all()
    assert list(out.columns) == iq.COLUMNS and list(out.index) == [0, 1]


def _ethnic(given: pd.DataFrame) -> pd.DataFrame:
    return given[given["breakdown"] == "ethnicity_group"].copy()


def test_a_group_of_exactly_min_group_people_counts() -> None:
    given = _ethnic(rows(METRICS, size=200, ethnic={"Asian": 0.3, "White": 0.6}))
    out = iq.ethnic_rows(given, METRICS, iq.Settings())
    assert len(out) == 2
    assert list(out.columns) == [*iq.AREA, *iq.COLUMNS[iq.COLUMNS.index("ethnic_high_group"):-1]]
    assert set(out["ethnic_high_group"]) == {"White"} and set(out["ethnic_low_group"]) == {"Asian"}


def test_a_group_without_a_denominator_is_not_counted() -> None:
    given = _ethnic(rows(METRICS, orgs=("QAA",), ethnic={"Asian": 0.3, "White": 0.6}))
    given.loc[given["group"] == "Asian", "denominator"] = np.nan
    out = iq.ethnic_rows(given, METRICS, iq.Settings(min_group=1))
    assert out.empty


def test_ethnic_groups_without_deprivation_deciles_give_the_gap_and_name_the_missing_sii() -> None:
    given = rows(METRICS, ethnic={"Asian": 0.3, "White": 0.6})
    out = iq.measure(given[given["breakdown"] == "ethnicity_group"], METRICS, ONE_MONTH)
    assert list(out["org_code"]) == ["QAA", "QBB"] and list(out.columns) == iq.COLUMNS
    assert out["sii"].isna().all() and out["quintile_gap"].isna().all()
    assert list(out["sii_missing_reason"]) == ["no deprivation decile rows"] * 2
    assert set(out["ethnic_high_group"]) == {"White"} and set(out["ethnic_low_group"]) == {"Asian"}


def test_deciles_without_ethnic_groups_give_the_sii_and_no_ethnic_gap() -> None:
    given = rows(METRICS, slope=0.03)
    out = iq.measure(given[given["breakdown"] == "imd_decile"], METRICS, ONE_MONTH)
    assert list(out["org_code"]) == ["QAA", "QBB"] and list(out.columns) == iq.COLUMNS
    assert out["sii"].notna().all() and out["sii_missing_reason"].isna().all()
    assert out["ethnic_gap"].isna().all() and out["ethnic_high_group"].isna().all()


def test_no_breakdown_rows_measure_nothing() -> None:
    given = rows(METRICS)
    out = iq.measure(given.iloc[:0], METRICS, ONE_MONTH)
    assert out.empty and list(out.columns) == iq.COLUMNS
    totals = given.assign(breakdown="total", group="total").drop_duplicates(iq.AREA)
    assert iq.measure(totals, METRICS, ONE_MONTH).empty
