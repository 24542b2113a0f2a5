"""Coverage honesty: summaries say how many organisations have data; aggregates over fewer
than all their members are labelled partial."""

from __future__ import annotations

import datetime as dt

import pandas as pd
import pytest

from oversight.catalogue import load
from oversight.judge.coverage import (
    Coverage,
    coverage,
    coverage_frame,
    members_frame,
    published_total_label,
    tally,
)

ICBS = [f"Q{i:02d}" for i in range(42)]


def test_a_national_figure_over_3_reporting_icbs_is_labelled_partial() -> None:
    values = {code: (70.0 if i < 3 else None) for i, code in enumerate(ICBS)}
    cov = coverage(values, ICBS)
    assert (cov.reported, cov.expected, cov.complete) == (3, 42, False)
    assert cov.label("England") == "England (partial: 3 of 42 ICBs)"
    assert cov.sentence == "3 of 42 ICBs have data."


def test_every_member_reporting_is_labelled_plainly() -> None:
    cov = coverage(dict.fromkeys(ICBS, 1.0), ICBS)
    assert cov.complete and cov.label("England") == "England"
    assert cov.sentence == "All 42 ICBs have data."


def test_nan_absent_and_foreign_values_do_not_count() -> None:
    values = {"Q00": 1.0, "Q01": float("nan"), "ZZZ": 5.0}
    cov = coverage(values, ["Q00", "Q01", "Q02"])
    assert (cov.reported, cov.expected) == (1, 3)
    assert cov.sentence == "1 of 3 ICBs has data."


def test_no_members_is_never_complete() -> None:
    cov = coverage({}, [])
    assert not cov.complete and cov.label("Region Y56") == "Region Y56 (partial: 0 of 0 ICBs)"


def test_impossible_coverage_is_refused() -> None:
    with pytest.raises(ValueError, match="between 0 and the 3 expected"):
        Coverage(4, 3)


def test_a_tally_names_the_icbs_without_data() -> None:
    outcomes = {"Q00": "met", "Q01": "met", "Q02": "met", "Q03": "no data"}
    summary = tally(outcomes, ICBS)
    assert summary.counts == {"met": 3}
    assert summary.coverage == Coverage(3, 42)
    wording = {"met": "meet the target", "missed": "miss it"}
    assert summary.sentence(wording) == "3 of 42 ICBs meet the target, 0 miss it; 39 have no data."


def test_a_complete_tally_has_no_gap_clause() -> None:
    summary = tally({"A": "met", "B": "missed"}, ["A", "B"])
    assert summary.sentence({"met": "meet it", "missed": "miss it"}) == (
        "1 of 2 ICBs meet it, 1 miss it."
    )


MAR = dt.date(2024, 3, 1)


def test_coverage_frame_counts_member_icbs_per_metric_and_month() -> None:
    values = pd.DataFrame(
        {
            "metric_id": ["m", "m", "m", "n", "n", "n"],
            "period": MAR,
            "org_code": ["A", "B", "C", "A", "B", "C"],
            "value": [1.0, None, 3.0, None, None, None],
        }
    )
    members = pd.DataFrame(
        {
            "period": MAR,
            "org_type": ["england"] * 3 + ["region"] * 2,
            "org_code": ["ENG"] * 3 + ["R1"] * 2,
            "member_code": ["A", "B", "C", "A", "B"],
        }
    )
    out = coverage_frame(values, members).set_index(["metric_id", "org_code"])
    assert out.loc[("m", "ENG"), ["reported", "expected"]].tolist() == [2, 3]
    assert out.loc[("m", "R1"), ["reported", "expected"]].tolist() == [1, 2]
    assert out.loc[("n", "ENG"), ["reported", "expected"]].tolist() == [0, 3]


def test_an_aggregate_without_any_icb_row_counts_none_reported() -> None:
    values = pd.DataFrame(columns=["metric_id", "period", "org_code", "value"])
    members = pd.DataFrame(
        {"period": [MAR], "org_type": ["england"], "org_code": ["ENG"], "member_code": ["A"]}
    )
    figures = pd.DataFrame({"metric_id": ["m"], "period": [MAR]})
    assert coverage_frame(values, members).empty
    out = coverage_frame(values, members, figures=figures)
    assert out[["org_code", "reported", "expected"]].values.tolist() == [["ENG", 0, 1]]


def test_members_follow_the_catalogue_by_date() -> None:
    cat = load()
    before, after = dt.date(2026, 3, 1), dt.date(2026, 4, 1)
    frame = members_frame(cat, [before, after])
    england = frame[frame["org_type"] == "england"].groupby("period").size()
    # 2026: six merged ICBs replace eleven and Frimley (QNQ) is split: 36 ICBs, the 36
    # commissioner parents of NHS England's April 2026 RTT extract
    assert england.to_dict() == {before: 42, after: 36}
    london = frame[(frame["org_code"] == "Y56") & (frame["period"] == after)]
    assert "Z9B2Z" in set(london["member_code"]) and "QMJ" not in set(london["member_code"])


def test_a_published_national_total_is_never_called_partial_nor_complete_icb_data() -> None:
    """England's figure added up from every provider's published return is whole even when an
    ICB has no ICB-level row; the label says so and still counts the ICBs with data."""
    assert published_total_label(Coverage(36, 37)) == (
        "England (NHS England's published total; 36 of 37 ICBs have ICB-level data)"
    )
    assert published_total_label(Coverage(1, 37)).endswith("1 of 37 ICBs has ICB-level data)")
    assert published_total_label(Coverage(37, 37)) == "England"
