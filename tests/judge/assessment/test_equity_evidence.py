"""Automatic Equity in access evidence and the national view, from stored measures: each item
with its interval, England's, peers' and a sentence; every ICS side by side with its ratings."""

from __future__ import annotations

import datetime as dt
from typing import Any

import numpy as np
import pandas as pd
import pytest

from oversight.catalogue import load
from oversight.judge.assessment import framework as fw
from oversight.judge.assessment import national
from oversight.judge.assessment.evidence import Evidence, equity_evidence
from oversight.judge.assessment.inequality import COLUMNS, applicable

CATALOGUE: Any = load()
MONTH = dt.date(2025, 3, 1)
SII = {"ENG": (2.0, 1.0, 3.0), "QMJ": (9.0, 5.0, 13.0), "QKK": (1.0, -2.0, 4.0),
       "QOP": (12.0, 8.0, 16.0), "QHL": (3.0, 0.5, 5.5)}  # fmt: skip


def _measures() -> pd.DataFrame:
    rows = []
    for metric in fw.ics().settings.evidence_metrics["equity_in_access"]:
        for org, (v, lo, hi) in SII.items():
            row: dict[str, Any] = dict.fromkeys(COLUMNS, np.nan)
            row.update(metric_id=metric, org_type="england" if org == "ENG" else "icb",
                       org_code=org, period=MONTH, window="12 months", statistic="proportion",
                       sii=v, sii_lower=lo, sii_upper=hi)  # fmt: skip
            rows.append(row)
    return pd.DataFrame(rows, columns=COLUMNS)


def test_every_evidence_metric_can_be_measured() -> None:
    wanted = fw.ics().settings.evidence_metrics["equity_in_access"]
    assert set(wanted) <= set(applicable(CATALOGUE.metrics, "imd_decile"))


def test_automatic_evidence_compares_with_england_and_peers() -> None:
    items = equity_evidence(
        _measures(), "QMJ", MONTH, CATALOGUE.metrics, fw.ics(), peers=["QKK", "QOP", "QHL"],
        lineage={"ae_4hr": ["lin-1"]}, results_version="v1",
        names={"QMJ": "North Central London"},
    )  # fmt: skip
    assert len(items) == len(fw.ics().settings.evidence_metrics["equity_in_access"])
    first = items[0]
    assert (first.statement, first.category, first.source) == ("equity_in_access", "outcomes",
                                                               "metric")  # fmt: skip
    first.check(fw.ics())
    assert first.summary == (
        "A&E: seen within 4 hours, 12 months to March 2025: North Central London's slope index "
        "of inequality across deprivation deciles is 9.0 points (95% CI 5.0 to 13.0), an "
        "interval that excludes zero: people in less deprived areas fare better; England's is "
        "2.0 points (95% CI 1.0 to 3.0); the interval does not overlap England's; its 3 peers' "
        "median is 3.0 points, and 1 of them have a wider gap against the more deprived."
    )
    assert first.reference["lineage"] == ["lin-1"] and first.reference["results_version"] == "v1"
    assert first.reference["england"] == [2.0, 1.0, 3.0]
    decrease = next(i for i in items if i.reference["metric_id"] == "ae_12hr_pct")
    assert "people in more deprived areas fare better" in decrease.summary
    assert "2 of them have a wider gap" in decrease.summary  # QKK, QHL: the deprived fare less well


def test_an_interval_round_zero_says_so_and_names_no_side() -> None:
    items = equity_evidence(_measures(), "QKK", MONTH, CATALOGUE.metrics, fw.ics())
    assert "an interval that includes zero;" in items[0].summary
    assert "fare better" not in items[0].summary
    assert "no peer comparison" in items[0].summary


def test_evidence_check_names_valid_choices() -> None:
    item = Evidence("equity_in_access", "outcomes", "rumour", "x", MONTH)
    with pytest.raises(ValueError, match="not an evidence source \\(metric, document"):
        item.check(fw.ics())
    long = Evidence("equity_in_access", "outcomes", "survey", "x" * 4001, MONTH)
    with pytest.raises(ValueError, match="at most 4000 characters"):
        long.check(fw.ics())


def test_national_view_sets_every_ics_side_by_side() -> None:
    icss = {"QMJ": "North Central London", "QKK": "South East London"}
    published = {"QMJ": {"id": "a1", "result": {
        "themes": {"quality_and_safety": {"rating": "Requires improvement",
                                          "scores": {"equity_in_access": 1}}},
        "overall": {"rating": "Good"}}}}  # fmt: skip
    table = national.equity_view(_measures(), MONTH, CATALOGUE.metrics, fw.ics(), icss, published)
    metrics = len(fw.ics().settings.evidence_metrics["equity_in_access"])
    assert len(table) == 3 * metrics
    assert list(dict.fromkeys(table["org_code"])) == ["ENG", "QKK", "QMJ"]
    qmj = table[table["org_code"] == "QMJ"].iloc[0]
    assert (qmj["sii_vs_england"], qmj["statement_score"], qmj["overall_rating"]) == (
        "above England", 1, "Good")
    qkk = table[table["org_code"] == "QKK"].iloc[0]
    assert qkk["sii_vs_england"] == "similar to England" and pd.isna(qkk["overall_rating"])
    nested = national.as_json(table)
    assert nested[2]["org"] == "QMJ" and nested[2]["theme_rating"] == "Requires improvement"
    assert nested[2]["metrics"][0]["sii_lower"] == 5.0
