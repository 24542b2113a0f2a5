"""Typed page contexts: what each template may use, checked by the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from oversight.judge.targets import TargetJudgement
from oversight.publish.web.queries import NationalTargetRef


@dataclass(frozen=True)
class MetricSummary:
    id: str
    title: str
    description: str
    unit: str
    improvement: str


@dataclass(frozen=True)
class OrgRow:
    code: str
    name: str
    region: str
    value: float | None
    period: date | None
    judgement: TargetJudgement | None
    missing_reason: str | None = None


@dataclass(frozen=True)
class NationalPage:
    metric: MetricSummary
    metrics: list[MetricSummary]
    latest_period: date | None
    target: NationalTargetRef | None
    england: OrgRow | None
    regions: list[OrgRow]
    icbs: list[OrgRow]
    met_count: int = 0
    judged_count: int = 0


@dataclass(frozen=True)
class SeriesRow:
    period: date
    value: float | None
    numerator: float | None
    denominator: float | None
    judgement: TargetJudgement | None
    special_cause: str | None = None
    missing_reason: str | None = None


@dataclass(frozen=True)
class IcbPage:
    metric: MetricSummary
    metrics: list[MetricSummary]
    code: str
    name: str
    region: str
    population: int
    target: NationalTargetRef | None
    latest: SeriesRow | None
    series: list[SeriesRow] = field(default_factory=list)
    chart_svg: str = ""
    variation_icon: str | None = None
    assurance_icon: str | None = None
    latest_revisions: list[str] = field(default_factory=list)
    """The submission revisions the latest figure was computed from (lineage)."""
