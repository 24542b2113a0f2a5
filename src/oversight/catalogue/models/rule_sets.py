"""Segmentation rule sets (NHS Oversight Framework): versioned data, each number sourced.

A rule set says how organisations of one type are placed in segments 1-5 for a quarter: which
metrics are scored and how (percentile spread between bookends, or discrete brackets), how the
scores combine, where the cuts fall, and which overrides apply (nof-2025, nof-2026); or which
themes metrics flag and how flags propose a segment (nof-2022). Every number is a `Number` with
its source; a number NHS England has not confirmed carries `unconfirmed: true`, and any result
it decides is marked provisional. A changed number is a new `version` of the rule set.
"""

from __future__ import annotations

import itertools
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from oversight.catalogue.models.base import Entry, SnakeId
from oversight.period import Period

OrgType = Literal["icb", "provider"]
Method = Literal["scored", "flags"]
FlagOutcome = Literal["vs_england", "variation", "national_status", "funnel", "assurance"]
"""The judge stage's outcome fields a nof-2022 flag condition may read."""


def _quarter(value: str) -> str:
    return str(Period.parse_quarter(value))


QuarterText = Annotated[str, AfterValidator(_quarter)]


class Number(Entry):
    """A number of a rule set, with where it comes from and whether it is confirmed."""

    value: float
    source: str = Field(min_length=1)
    unconfirmed: bool = False


class Bracket(Entry):
    """A discrete bracket: a value at least as good as `bound` scores `score` (the last bracket
    has no bound and takes every value the others do not)."""

    score: float = Field(ge=1, le=4)
    bound: Number | None = None


class ScoredMetric(Entry):
    """One metric of a scored rule set and how it is scored."""

    metric: SnakeId
    method: Literal["percentile", "brackets"] = "percentile"
    standard: Number | None = None
    floor: Number | None = None
    brackets: tuple[Bracket, ...] = ()

    @model_validator(mode="after")
    def _method_fits(self) -> ScoredMetric:
        if self.method == "percentile" and self.brackets:
            raise ValueError(f"{self.metric}: a percentile-scored metric has no brackets")
        if self.method == "brackets":
            if self.standard is not None or self.floor is not None:
                raise ValueError(f"{self.metric}: a bracket-scored metric has no standard or floor")
            if len(self.brackets) < 2:
                raise ValueError(f"{self.metric}: brackets need at least two brackets")
            if any(b.bound is None for b in self.brackets[:-1]):
                raise ValueError(f"{self.metric}: every bracket but the last needs a bound")
            if self.brackets[-1].bound is not None:
                raise ValueError(f"{self.metric}: the last bracket takes the rest: no bound")
            scores = [b.score for b in self.brackets]
            if any(a >= b for a, b in itertools.pairwise(scores)):
                raise ValueError(f"{self.metric}: bracket scores must rise from best to worst")
        return self


class Cut(Entry):
    """How average scores become segments 1-4: quartiles across the type, or three thresholds
    (an average at or below the first is segment 1, at or below the second 2, and so on)."""

    kind: Literal["quartiles", "thresholds"]
    thresholds: tuple[Number, ...] = ()
    source: str = Field(min_length=1)
    unconfirmed: bool = False

    @model_validator(mode="after")
    def _thresholds_fit(self) -> Cut:
        values = [t.value for t in self.thresholds]
        if self.kind == "quartiles" and values:
            raise ValueError("a quartile cut has no thresholds")
        if self.kind == "thresholds":
            if len(values) != 3:
                raise ValueError(f"a threshold cut needs 3 thresholds, got {len(values)}")
            if any(a >= b for a, b in itertools.pairwise(values)):
                shown = ", ".join(f"{v:g}" for v in values)
                raise ValueError(f"thresholds out of order: {shown} (each must exceed the last)")
            if values[0] <= 1 or values[-1] >= 4:
                raise ValueError("thresholds must lie between 1 and 4 (the range of a score)")
        return self


class SegmentDescriptor(Entry):
    """What a segment means."""

    segment: int = Field(ge=1, le=5)
    title: str = Field(min_length=1)
    source: str = Field(min_length=1)
    unconfirmed: bool = False


class Theme(Entry):
    """A nof-2022 theme and the metrics that flag concerns in it."""

    id: SnakeId
    title: str = Field(min_length=1)
    metrics: tuple[SnakeId, ...] = ()


class FlagCondition(Entry):
    """A metric flags when the judge stage's `outcome` for it equals `equals`."""

    outcome: FlagOutcome
    equals: str = Field(min_length=1)


class ProposalStep(Entry):
    """Flags in at least `min_themes` themes propose `segment` (the highest step reached wins)."""

    min_themes: int = Field(ge=0)
    segment: int = Field(ge=1, le=4)


class Proposal(Entry):
    """The nof-2022 proposal rule: flagged themes → a proposed segment."""

    steps: tuple[ProposalStep, ...]
    source: str = Field(min_length=1)
    unconfirmed: bool = False

    @model_validator(mode="after")
    def _steps_fit(self) -> Proposal:
        mins = [s.min_themes for s in self.steps]
        segs = [s.segment for s in self.steps]
        if not mins or mins[0] != 0:
            raise ValueError("the first proposal step must start at min_themes 0")
        if any(a >= b for a, b in itertools.pairwise(mins)) or any(
            a >= b for a, b in itertools.pairwise(segs)
        ):
            raise ValueError("proposal steps must rise in both min_themes and segment")
        return self


def _default_share() -> Number:
    return Number(
        value=0.5,
        source="shared/methods/oversight.md §3: default minimum 50% of the rule set's metrics",
        unconfirmed=True,
    )


class RuleSet(Entry):
    """One rule set (one file under rule_sets/, named by its id)."""

    id: str = Field(pattern=r"^[a-z][a-z0-9-]*$")
    title: str = Field(min_length=1)
    version: int = Field(ge=1)
    org_type: OrgType
    in_force_from: QuarterText
    in_force_until: QuarterText | None = None
    source: str = Field(min_length=1)
    method: Method
    segments: tuple[SegmentDescriptor, ...]
    metrics: tuple[ScoredMetric, ...] = ()
    average_decimals: int = Field(default=2, ge=0, le=6)
    cut: Cut | None = None
    min_scored_share: Number = Field(default_factory=_default_share)
    financial_override: Number | None = None
    """An organisation in deficit or receiving deficit support is no better than this segment."""
    intensive_support_from: Number | None = None
    """Segment 5 is reached only from this segment, by a recorded capability review."""
    themes: tuple[Theme, ...] = ()
    flag_when: tuple[FlagCondition, ...] = ()
    proposal: Proposal | None = None

    @model_validator(mode="after")
    def _method_fits(self) -> RuleSet:
        if self.method == "scored":
            if not self.metrics or self.cut is None:
                raise ValueError("a scored rule set needs metrics and a cut")
            if self.themes or self.proposal is not None or self.flag_when:
                raise ValueError("themes, flag_when and proposal are for a flags rule set")
        else:
            if not self.themes or self.proposal is None or not self.flag_when:
                raise ValueError("a flags rule set needs themes, flag_when and a proposal")
            if self.metrics or self.cut is not None:
                raise ValueError("metrics and cut are for a scored rule set")
        ids = [m.metric for m in self.metrics]
        twice = sorted({m for m in ids if ids.count(m) > 1})
        if twice:
            raise ValueError(f"metric listed twice: {', '.join(twice)}")
        if not 0 < self.min_scored_share.value <= 1:
            raise ValueError("min_scored_share must be above 0 and at most 1")
        numbers = sorted(d.segment for d in self.segments)
        if numbers[:4] != [1, 2, 3, 4] or len(set(numbers)) != len(numbers):
            raise ValueError("segments must describe 1, 2, 3 and 4 once each (and 5 at most once)")
        if self.intensive_support_from is not None and 5 not in numbers:
            raise ValueError("intensive_support_from needs a segment 5 descriptor")
        if self.in_force_until is not None and Period.parse_quarter(
            self.in_force_until
        ) < Period.parse_quarter(self.in_force_from):
            raise ValueError("in_force_until is before in_force_from")
        return self

    def scored(self, metric_id: str) -> ScoredMetric:
        return next(m for m in self.metrics if m.metric == metric_id)

    @property
    def metric_ids(self) -> tuple[str, ...]:
        if self.method == "scored":
            return tuple(m.metric for m in self.metrics)
        return tuple(dict.fromkeys(m for t in self.themes for m in t.metrics))

    def in_force(self, quarter: Period) -> bool:
        """True when the rule set applies to a quarter."""
        if quarter < Period.parse_quarter(self.in_force_from):
            return False
        return self.in_force_until is None or quarter <= Period.parse_quarter(self.in_force_until)
