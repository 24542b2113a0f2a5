"""The national view at its edges: intervals that touch England's, England or an SII missing,
a published assessment without the statement's theme, and the nested JSON of any frame."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from oversight.judge.assessment import framework as fw
from oversight.judge.assessment import national

MONTH = dt.date(2025, 3, 1)
ENGLAND = pd.Series({"sii": 2.0, "sii_lower": 1.0, "sii_upper": 3.0})


def _sii(value: float, lower: float, upper: float) -> pd.Series:
    return pd.Series({"sii": value, "sii_lower": lower, "sii_upper": upper})


@pytest.mark.parametrize(
    ("row", "england", "expected"),
    [
        (_sii(5.0, 3.0, 7.0), ENGLAND, "similar to England"),  # lower touches England's upper
        (_sii(5.0, 3.1, 7.0), ENGLAND, "above England"),
        (_sii(0.0, -1.0, 1.0), ENGLAND, "similar to England"),  # upper touches England's lower
        (_sii(0.0, -1.0, 0.9), ENGLAND, "below England"),
        (_sii(9.0, 8.0, 10.0), None, "not available"),
        (_sii(np.nan, np.nan, np.nan), ENGLAND, "not available"),
        (_sii(9.0, 8.0, 10.0), _sii(np.nan, np.nan, np.nan), "not available"),
    ],
)
def test_versus_england(row: pd.Series, england: pd.Series | None, expected: str) -> None:
    assert national._versus(row, england) == expected


def test_a_published_assessment_without_the_statement_s_theme_has_no_score() -> None:
    view = {"id": "a1", "result": {"themes": {"leadership": {"rating": "Good", "scores": {}}},
                                   "overall": {"rating": "Good"}}}  # fmt: skip
    parts = national._published_parts(view, "equity_in_access", "quality_and_safety")
    assert parts == {"statement_score": None, "theme_rating": None, "overall_rating": "Good",
                     "assessment_id": "a1"}  # fmt: skip


def test_plain_values_are_rounded_to_six_decimals() -> None:
    assert national._plain(np.float64(1.23456789)) == 1.234568
    assert national._plain(0.1234564) == 0.123456
    assert national._plain(np.nan) is None
    assert national._plain(np.int64(3)) == 3 and type(national._plain(np.int64(3))) is int


def _row(org: str, name: str, metric: str, sii: float) -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(national.COLUMNS, np.nan)
    row.update(org_code=org, org_name=name, metric_id=metric, metric=metric.upper(),
               period=MONTH, window="12 months", sii=sii, sii_vs_england="similar to England",
               statement_score=2, assessment_id=f"a-{org}")  # fmt: skip
    return row


def test_json_of_one_metric_per_organisation_in_the_frame_s_order() -> None:
    orgs = [("QMJ", "North", 1.5), ("ENG", "England", 2.5), ("DAA", "Early", 3.5)]
    frame = pd.DataFrame([_row(o, n, "ae_4hr", v) for o, n, v in orgs], columns=national.COLUMNS)
    nested = national.as_json(frame)
    assert [n["org"] for n in nested] == ["QMJ", "ENG", "DAA"]
    assert [n["metrics"][0]["sii"] for n in nested] == [1.5, 2.5, 3.5]
    assert nested[0]["assessment_id"] == "a-QMJ" and nested[0]["period"] == "2025-03-01"
    assert len(nested[0]["metrics"]) == 1


def test_the_framework_s_statement_sits_in_the_theme_the_view_reads() -> None:
    assert fw.ics().statements["equity_in_access"].theme_id == "quality_and_safety"
