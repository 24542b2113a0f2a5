"""One organisation's segmentation for one quarter, and its JSON shape (issue 11 item 7)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from oversight.judge.segmentation.flags import ThemeFlags
from oversight.judge.segmentation.inputs import SegmentDecision
from oversight.judge.segmentation.overrides import Override
from oversight.judge.segmentation.scoring import MetricScore
from oversight.period import Period


@dataclass(frozen=True)
class Move:
    """A computed change that moves the organisation to `to_segment` (checked by recompute).

    A metric move sets `metric` to `to_value`: a breakpoint reached (a tie with another
    organisation, a bookend, a bracket bound) or, with `beyond`, passed by a small step; the
    sentence shows `shown_value`, the breakpoint rounded on the safe side. An override move
    names the override instead.
    """

    to_segment: int
    reaches: int | None
    sentence: str
    metric: str | None = None
    from_value: float | None = None
    to_value: float | None = None
    beyond: bool = False
    override: str | None = None
    size: float = 0.0
    """The change in standard deviations of the metric across the type (to order moves)."""
    breakpoint: float | None = None
    """The other organisation's value, bookend or bracket bound the move reaches or passes."""
    shown_value: float | None = None
    """The figure the sentence shows: the breakpoint rounded to 2 decimals on the safe side."""


@dataclass(frozen=True)
class QuarterChange:
    """The change in average score since the previous quarter, with its interval."""

    previous_period: Period
    previous_segment: int | None
    change: float
    low: float
    high: float
    significant: bool
    sentence: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "previous_period": str(self.previous_period),
            "previous_segment": self.previous_segment,
            "average_change": self.change,
            "interval": [self.low, self.high],
            "significant": self.significant,
            "sentence": self.sentence,
        }


@dataclass(frozen=True)
class OrgSegment:
    """Scores, average, cut, overrides and final segment of one organisation, and the words."""

    org: str
    org_type: str
    rules: str
    rules_version: int
    method: str
    period: Period
    scores: tuple[MetricScore, ...]
    scored_count: int
    required_count: int
    average: float | None
    raw_segment: int | None
    cut: str
    overrides: tuple[Override, ...]
    segment: int | None
    rank: int | None = None
    ranked_of: int = 0
    themes: tuple[ThemeFlags, ...] = ()
    proposed_segment: int | None = None
    decision: SegmentDecision | None = None
    provisional_because: tuple[str, ...] = ()
    reasons: tuple[str, ...] = ()
    moves: tuple[Move, ...] = ()
    change: QuarterChange | None = None

    @property
    def provisional(self) -> bool:
        """True where an unconfirmed number decided the segment."""
        return bool(self.provisional_because)

    def score_of(self, metric: str) -> MetricScore:
        return next(s for s in self.scores if s.metric == metric)

    def to_dict(self) -> dict[str, Any]:
        """The JSON shape of `oversight segment --json` (issue 11 item 7), plus detail."""
        return {
            "org": self.org,
            "org_type": self.org_type,
            "rules": self.rules,
            "rules_version": self.rules_version,
            "period": str(self.period),
            "segment": self.segment,
            "raw_segment": self.raw_segment,
            "average_score": self.average if self.method == "scored" else None,
            "scored_metrics": self.scored_count,
            "required_metrics": self.required_count,
            "rank": self.rank,
            "ranked_of": self.ranked_of,
            "scores": [
                {
                    "metric": s.metric,
                    "value": s.value,
                    "score": s.score,
                    "basis": s.basis,
                    "standard": s.standard,
                    "floor": s.floor,
                    "percentile": None if s.percentile is None else round(s.percentile, 4),
                }
                for s in self.scores
            ],
            "overrides": [o.to_dict() for o in self.overrides],
            "themes": [t.to_dict() for t in self.themes],
            "proposed_segment": self.proposed_segment,
            "decision": None
            if self.decision is None
            else {
                "segment": self.decision.segment,
                "decided_by": self.decision.decided_by,
                "reason": self.decision.reason,
                "recorded_on": None
                if self.decision.recorded_on is None
                else self.decision.recorded_on.isoformat(),
            },
            "reasons": list(self.reasons),
            "what_would_move": [m.sentence for m in self.moves],
            "change": None if self.change is None else self.change.to_dict(),
            "provisional": self.provisional,
            "provisional_because": list(self.provisional_because),
        }
