"""Typed page contexts: what each template may use, checked by the tests."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from oversight.judge.judgement import Judgement
from oversight.publish.charts import ChartAnnotation
from oversight.publish.web.lineage import LineageSummary
from oversight.publish.web.queries import NationalTargetRef
from oversight.publish.web.views.breakdowns import BreakdownTable


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
    status: str | None
    """The judge's target status: met / missed / no target / no data (None: not judged)."""
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
    """ICBs with a figure for the latest month."""
    expected_count: int = 0
    """ICBs existing in the latest month (the count every summary is over)."""
    target_tally: str = ""
    """E.g. "3 of 42 ICBs meet it, 0 miss it; 39 have no data." (the coverage rule)."""
    england_label: str = "England"
    """ "England", or "England (partial: 3 of 42 ICBs)" when not every ICB reported."""


@dataclass(frozen=True)
class SeriesRow:
    period: date
    value: float | None
    numerator: float | None
    denominator: float | None
    status: str | None
    special_cause: str | None = None
    """The point's SPC meaning in words ("special cause (concern): 7 points in a row below
    the mean", "common cause"); None without a figure."""
    missing_reason: str | None = None
    mean: float | None = None
    lpl: float | None = None
    upl: float | None = None


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
    judgement: Judgement | None = None
    """The judge's change, position and target judgements of the latest figure, with words."""
    latest_revisions: list[str] = field(default_factory=list)
    """The submission revisions the latest figure was computed from (lineage)."""
    chart_alt: str = ""
    """The chart in words (its text alternative)."""
    lineage: LineageSummary | None = None
    """The latest figure's lineage summarised for people."""
    region_code: str = ""
    annotations: tuple[ChartAnnotation, ...] = ()
    """Numbered on the chart (1, 2, ...) in this order, and listed under it."""
    breakdowns: tuple[BreakdownTable, ...] = ()
    """The latest month's figures by group (deprivation, ethnic group, age, sex)."""
    numerator_unit: str = "count"
    denominator_unit: str = "count"
    """The units of the numerator and denominator columns (the catalogue's data items)."""
