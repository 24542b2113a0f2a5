"""The small rules of an evidence item and its words (judge.assessment.evidence): metric
evidence with exactly its three references, a summary of exactly the longest length, a
difference on the metric's scale, and who fares better by the SII's sign and polarity."""

from __future__ import annotations

import dataclasses
import datetime as dt

import pandas as pd
import pytest
from pydantic import ValidationError

from oversight.catalogue import load
from oversight.judge.assessment import evidence
from oversight.judge.assessment.evidence import MAX_SUMMARY, Evidence
from oversight.judge.assessment.framework import MethodSpan, ics

DAY = dt.date(2025, 3, 1)
NAN = float("nan")


def _item(**changes: object) -> Evidence:
    args: dict[str, object] = {
        "statement": "equity_in_access", "category": "people_s_experience",
        "source": "survey", "summary": "Longer waits in deprived areas.", "observed_on": DAY,
    }  # fmt: skip
    args.update(changes)
    return Evidence(**args)  # type: ignore[arg-type]


def test_metric_evidence_needs_exactly_its_metric_org_and_period() -> None:
    refs = {"metric_id": "ae_4hr", "org": "QMJ", "period": "2025-03"}
    _item(source="metric", reference=refs).check(ics())  # exactly the three: accepted
    _item(source="metric", reference={**refs, "results_version": "v1"}).check(ics())
    with pytest.raises(ValueError, match="needs its metric_id, org and period"):
        _item(source="metric", reference={"metric_id": "ae_4hr", "org": "QMJ"}).check(ics())


def test_a_summary_of_the_longest_length_is_accepted_and_one_more_is_not() -> None:
    _item(summary="x" * MAX_SUMMARY).check(ics())
    with pytest.raises(ValueError, match=f"at most {MAX_SUMMARY} characters"):
        _item(summary="x" * (MAX_SUMMARY + 1)).check(ics())


def test_a_difference_on_the_metric_s_scale() -> None:
    assert evidence.difference_text(12.34, "percent") == "12.3 points"
    assert evidence.difference_text(12.34, "minutes") == "12.3 min"
    assert evidence.difference_text(1234.0, "count") == "1,234"


@pytest.mark.parametrize(
    ("sii", "improvement", "words"),
    [(0.0, "increase", "no group fares better by this measure"),
     (2.0, "neutral", "no group fares better by this measure"),
     (1.0, "increase", "people in less deprived areas fare better"),
     (-1.0, "increase", "people in more deprived areas fare better"),
     (1.0, "decrease", "people in more deprived areas fare better"),
     (-0.5, "decrease", "people in less deprived areas fare better")],
)  # fmt: skip
def test_who_fares_better(sii: float, improvement: str, words: str) -> None:
    assert evidence._favours(sii, improvement) == words


def test_an_evidence_item_cannot_be_changed_in_place() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        _item().summary = "changed"  # type: ignore[misc]


def _sii(sii: float, low: float, high: float) -> dict[str, float]:
    return {"sii": sii, "sii_lower": low, "sii_upper": high}


def test_intervals_that_touch_overlap() -> None:
    assert evidence._overlap(_sii(1, 0, 2), _sii(3, 2, 4)) is True
    assert evidence._overlap(_sii(3, 2, 4), _sii(1, 0, 2)) is True
    assert evidence._overlap(_sii(1, 0, 1.9), _sii(3, 2, 4)) is False
    assert evidence._overlap(_sii(3, 2.1, 4), _sii(1, 0, 2)) is False


def test_against_england() -> None:
    mine = _sii(5.0, 3.0, 7.0)
    assert evidence._against_england(mine, None, "percent") == "England's is not available"
    assert evidence._against_england(mine, _sii(NAN, NAN, NAN), "percent") == (
        "England's is not available"
    )
    assert evidence._against_england(mine, _sii(1.0, 0.5, 3.0), "percent") == (
        "England's is 1.0 points (95% CI 0.5 to 3.0); the interval overlaps England's"
    )


@pytest.mark.parametrize(("improvement", "wider"), [("increase", 1), ("decrease", 1)])
def test_against_peers_counts_the_strictly_wider_gaps(improvement: str, wider: int) -> None:
    peers = pd.DataFrame({"sii": [1.0, 2.0, 3.0, NAN]})
    got = evidence._against_peers(_sii(2.0, 1.0, 3.0), peers, improvement, "percent")
    assert got == (
        f"its 3 peers' median is 2.0 points, and {wider} of them have a wider gap against the "
        "more deprived"
    )
    none = evidence._against_peers(_sii(2.0, 1.0, 3.0), peers.iloc[3:], improvement, "percent")
    assert none == "no peer comparison (no peer groups without the deprivation file)"


def _measures(*rows: tuple[str, str, float, float, float]) -> pd.DataFrame:
    frame = pd.DataFrame(rows, columns=["metric_id", "org_code", "sii", "sii_lower", "sii_upper"])
    return frame.assign(window=evidence.WINDOW, period=DAY)


@pytest.mark.parametrize(
    ("low", "high", "excludes"),
    [(0.5, 2.0, True), (0.0, 2.0, False), (-2.0, 0.0, False), (-2.0, -0.5, True),
     (-1.0, 1.0, False)],
)  # fmt: skip
def test_automatic_evidence_says_whether_the_interval_excludes_zero(
    low: float, high: float, excludes: bool
) -> None:
    measures = _measures(("ae_4hr", "QMJ", (low + high) / 2, low, high),
                         ("ae_4hr", "QMF", 1.0, 0.5, 1.5))  # fmt: skip
    metrics = load().metrics
    (item,) = evidence.equity_evidence(measures, "QMJ", DAY, metrics, ics(), peers=("QMF", "ZZZ"))
    words = "an interval that excludes zero" if excludes else "an interval that includes zero"
    assert words in item.summary
    assert item.reference["peers"] == ["QMF"]
    assert "its 1 peers' median is 1.0 points" in item.summary


def test_a_scoring_method_span_is_frozen_and_takes_its_field_names() -> None:
    span = MethodSpan(id="quality_statement", name="Scores per statement", from_=DAY)
    assert span.from_ == DAY
    assert MethodSpan.model_validate({"id": "quality_statement", "name": "n", "from": DAY}) == (
        MethodSpan(id="quality_statement", name="n", from_=DAY))  # fmt: skip
    with pytest.raises(ValidationError):
        span.name = "changed"  # type: ignore[misc]
