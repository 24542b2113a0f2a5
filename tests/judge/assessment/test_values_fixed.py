"""A computed score, rating, percentage, evidence item, framework, measure setting or assessment
as read back cannot be changed in place: a published figure stays the one that was computed and
checked, and a change goes through the workflow (which audits it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
from typing import Any

import pytest

from oversight.judge.assessment import framework as fw
from oversight.judge.assessment import override, rate_theme, score_statement
from oversight.judge.assessment.evidence import Evidence
from oversight.judge.assessment.inequality import Settings
from oversight.judge.assessment.percentages import Percentage
from oversight.judge.assessment.workflow import AssessmentView

DAY = dt.date(2025, 3, 1)


def _view() -> AssessmentView:
    return AssessmentView("a1", "QMJ", "cqc_ics", "2024.1", "quality_statement", DAY, 1,
                          "published", "anna", None, {}, {}, {}, None)  # fmt: skip


@pytest.mark.parametrize(
    ("value", "field", "to"),
    [
        (lambda: score_statement(3), "score", 4),
        (lambda: rate_theme({"a": 3, "b": 1}), "limited", "Good"),
        (lambda: override(rate_theme({"a": 3}), "Good", "why", "anna").override, "rating", "x"),
        (lambda: Percentage(3, 4), "points", 9),
        (lambda: Evidence("safeguarding", "outcomes", "survey", "s", DAY), "summary", "t"),
        (fw.ics, "version", "0"),
        (Settings, "min_group", 1),
        (_view, "status", "draft"),
    ],
    ids=[
        "statement score",
        "rating",
        "override",
        "percentage",
        "evidence",
        "framework",
        "measure settings",
        "assessment view",
    ],
)
def test_a_value_cannot_be_changed_once_made(value: Any, field: str, to: Any) -> None:
    made = value()
    before = getattr(made, field)
    with pytest.raises(dataclasses.FrozenInstanceError):
        setattr(made, field, to)
    assert getattr(made, field) == before
