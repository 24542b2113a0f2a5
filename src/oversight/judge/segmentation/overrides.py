"""Overrides after the cut: the financial override and segment 5 by capability review."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from oversight.catalogue.models.rule_sets import Number, RuleSet
from oversight.judge.segmentation.inputs import CapabilityReview, FinancialStatus, recorded_words


@dataclass(frozen=True)
class Override:
    """A change to the segment after the cut, and why."""

    kind: str
    """financial, capability_review or decision."""
    before: int
    after: int
    reason: str
    decided_by: str | None = None
    unconfirmed: tuple[str, ...] = ()
    recorded_on: dt.date | None = None
    note: str | None = None
    """The recorder's own reason, where `reason` does not already carry it."""

    @property
    def recorded(self) -> str:
        """"recorded by X on D[, reason: R]" for a judgement a person recorded; else empty."""
        return recorded_words(self.decided_by, self.recorded_on, self.note)

    def to_dict(self) -> dict[str, object]:
        return {
            "kind": self.kind,
            "from": self.before,
            "to": self.after,
            "reason": self.reason,
            "decided_by": self.decided_by,
            "recorded_on": None if self.recorded_on is None else self.recorded_on.isoformat(),
            "recorded": self.recorded or None,
        }


def _flag(name: str, number: Number) -> tuple[str, ...]:
    return (f"{name} ({number.value:g}: {number.source})",) if number.unconfirmed else ()


def financial(rule_set: RuleSet, segment: int, status: FinancialStatus) -> Override | None:
    """No better than the rule set's cap for an organisation in deficit or deficit support."""
    cap = rule_set.financial_override
    if cap is None or not status.triggers_override or segment >= cap.value:
        return None
    after = int(cap.value)
    return Override(
        "financial",
        segment,
        after,
        f"{status.description}, so no better than segment {after}",
        status.decided_by,
        unconfirmed=_flag("financial override", cap),
        recorded_on=status.recorded_on,
        note=status.reason,
    )


def capability(rule_set: RuleSet, segment: int, review: CapabilityReview | None) -> Override | None:
    """Segment 5 only from the rule set's entry segment, by a recorded capability review."""
    entry = rule_set.intensive_support_from
    if entry is None or review is None or not review.intensive_support:
        return None
    if segment != int(entry.value):
        return None
    return Override(
        "capability_review",
        segment,
        5,
        f"capability review: {review.reason}",
        review.decided_by,
        _flag("segment 5 entry", entry),
        recorded_on=review.recorded_on,
    )
