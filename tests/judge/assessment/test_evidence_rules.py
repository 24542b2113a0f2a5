"""The small rules of an evidence item and its words (judge.assessment.evidence): metric
evidence with exactly its three references, a summary of exactly the longest length, a
difference on the metric's scale, and who fares better by the SII's sign and polarity."""

from __future__ import annotations

import datetime as dt

import pytest

from oversight.judge.assessment import evidence
from oversight.judge.assessment.evidence import MAX_SUMMARY, Evidence
from oversight.judge.assessment.framework import ics

DAY = dt.date(2025, 3, 1)


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
