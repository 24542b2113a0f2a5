"""Checks on a target before the register stores it; every refusal is a sentence for a person.

Pure: reads the catalogue handed in (metrics, ICBs, providers) and nothing else. A refused
target is never stored, in part or whole.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from oversight.collect.organisations import OrganisationError, find, overlaps
from oversight.judge.targets import COMPARISONS
from oversight.period import Period, PeriodError

SCOPES = ("national", "local")
ACCOUNTABLE_BODIES = {
    "national": ("nhs_england",),
    "local": ("icb_board", "trust_board", "place"),
}
"""Who answers for a target: NHS England for a national one; for a local one the ICB board, a
trust board (named by its ODS code) or a place (named in words)."""
PERCENT_UNITS = ("percent",)
NON_NEGATIVE_UNITS = ("count", "minutes", "bed_days", "days", "hours", "rate")
_SNAKE = re.compile(r"[a-z][a-z0-9_]{0,99}")


class TargetInputError(ValueError):
    """A target the register refuses; the message says what to change."""


@dataclass(frozen=True)
class TargetSpec:
    """What a person proposes; `trajectory` pairs are (YYYY-MM or a date, value)."""

    scope: str
    metric_id: str
    planning_year: str
    value: float
    comparison: str
    deadline: dt.date
    date_set: dt.date
    owner: str
    rationale: str
    icb_code: str | None = None
    accountable_body: str | None = None
    accountable_name: str | None = None
    trajectory: Sequence[tuple[Any, float]] = ()
    partners: Sequence[str] = ()
    metric_name: str | None = None
    unit: str | None = None
    headline: bool = False
    objective_id: str | None = None
    source: str = "target register"


@dataclass(frozen=True)
class CheckedTarget:
    """A spec that passed every check, normalised for storage."""

    scope: str
    metric_id: str
    metric_name: str | None
    unit: str
    planning_year: str
    value: float
    comparison: str
    deadline: dt.date
    date_set: dt.date
    owner: str
    rationale: str
    icb_code: str | None
    accountable_body: str
    accountable_name: str
    trajectory: tuple[tuple[str, float], ...]
    partners: tuple[str, ...] = field(default=())
    headline: bool = False
    objective_id: str | None = None
    source: str = "target register"


def check(spec: TargetSpec, catalogue: Any) -> CheckedTarget:
    """`spec` normalised, or TargetInputError saying the first thing wrong with it."""
    if spec.scope not in SCOPES:
        raise TargetInputError(f"scope must be national or local, not {spec.scope!r}")
    year = _planning_year(spec.planning_year)
    icb_code = _icb(spec, catalogue, year)
    metric_name, unit = _metric(spec, catalogue)
    if spec.comparison not in COMPARISONS:
        raise TargetInputError(
            f"comparison must be one of {', '.join(COMPARISONS)}, not {spec.comparison!r}"
        )
    _value_fits("the target value", spec.value, unit)
    _direction(spec, catalogue)
    _dates(spec, year)
    first = max(year.start, Period.of(spec.date_set).start)
    trajectory = _trajectory(spec.trajectory, first, spec.deadline, unit)
    body, name = _accountable(spec, catalogue, icb_code)
    owner = (spec.owner or "").strip()
    rationale = (spec.rationale or "").strip()
    if not owner:
        raise TargetInputError("owner is required: the named person or post answerable for it")
    if not rationale:
        raise TargetInputError("rationale is required: why this target and this value")
    partners = tuple(p.strip() for p in spec.partners if p and p.strip())
    return CheckedTarget(
        scope=spec.scope,
        metric_id=spec.metric_id,
        metric_name=metric_name,
        unit=unit,
        planning_year=str(year),
        value=float(spec.value),
        comparison=spec.comparison,
        deadline=spec.deadline,
        date_set=spec.date_set,
        owner=owner,
        rationale=rationale,
        icb_code=icb_code,
        accountable_body=body,
        accountable_name=name,
        trajectory=trajectory,
        partners=partners,
        headline=spec.headline,
        objective_id=spec.objective_id,
        source=spec.source,
    )


def _planning_year(text: str) -> Period:
    try:
        return Period.parse_planning_year(text)
    except PeriodError as error:
        raise TargetInputError(f"planning year: {error}") from None


def _icb(spec: TargetSpec, catalogue: Any, year: Period) -> str | None:
    if spec.scope == "national":
        if spec.icb_code:
            raise TargetInputError("a national target is for every ICB: give no ICB code")
        return None
    try:
        org = find(catalogue, spec.icb_code)
    except OrganisationError as error:
        raise TargetInputError(str(error)) from None
    if org.kind != "icb":
        raise TargetInputError(f"{org.code} is a {org.kind}; a local target is set by an ICB")
    if not overlaps(org.entry, year.start, year.end):
        raise TargetInputError(f"{org.code} did not exist during the planning year {year}")
    return org.code


def _metric(spec: TargetSpec, catalogue: Any) -> tuple[str | None, str]:
    """(name of a new local metric or None, unit) for the spec's metric."""
    metrics = catalogue.metrics
    if spec.metric_id in metrics:
        return None, metrics[spec.metric_id].unit
    listed = ", ".join(sorted(metrics))
    if spec.scope == "national":
        raise TargetInputError(
            f"unknown metric {spec.metric_id!r}: a national target uses a catalogue metric "
            f"({listed})"
        )
    if not spec.metric_name or not spec.unit:
        raise TargetInputError(
            f"unknown metric {spec.metric_id!r}: not in the catalogue ({listed}); a local "
            "target on a new local metric also needs the metric's name and unit"
        )
    if not _SNAKE.fullmatch(spec.metric_id):
        raise TargetInputError(
            f"a new local metric id must be snake_case (e.g. falls_per_1000), not "
            f"{spec.metric_id!r}"
        )
    return spec.metric_name.strip(), spec.unit.strip()


def _value_fits(what: str, value: Any, unit: str) -> None:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TargetInputError(f"{what} must be a number, not {value!r}")
    if unit in PERCENT_UNITS and not 0 <= value <= 100:
        raise TargetInputError(f"{what} {value:g} is a percentage: it must be 0 to 100")
    if unit in NON_NEGATIVE_UNITS and value < 0:
        raise TargetInputError(f"{what} {value:g} is in {unit}: it cannot be negative")


def _direction(spec: TargetSpec, catalogue: Any) -> None:
    """A '>=' target on a metric where lower is better (or the reverse) is a slip; the
    catalogue check refuses the same in the YAML."""
    metric = catalogue.metrics.get(spec.metric_id)
    improvement = getattr(metric, "improvement", None)
    if (improvement == "increase" and spec.comparison in ("<", "<=")) or (
        improvement == "decrease" and spec.comparison in (">", ">=")
    ):
        better = "higher" if improvement == "increase" else "lower"
        raise TargetInputError(
            f"comparison {spec.comparison} contradicts the metric: for {spec.metric_id} "
            f"{better} is better"
        )


def _dates(spec: TargetSpec, year: Period) -> None:
    if spec.deadline < year.start:
        raise TargetInputError(
            f"the deadline {spec.deadline} is before the planning year {year} starts ({year.start})"
        )
    if spec.date_set > year.end:
        raise TargetInputError(
            f"the date set {spec.date_set} is after the planning year {year} ended ({year.end})"
        )
    if spec.date_set > spec.deadline:
        raise TargetInputError(
            f"the date set {spec.date_set} is after the deadline {spec.deadline}"
        )


def _month(value: Any) -> Period:
    try:
        if isinstance(value, dt.date):
            return Period.of(value)
        return Period.parse_month(str(value))
    except PeriodError as error:
        raise TargetInputError(f"trajectory: {error}") from None


def _trajectory(
    points: Sequence[tuple[Any, float]], first: dt.date, deadline: dt.date, unit: str
) -> tuple[tuple[str, float], ...]:
    """Monthly points, in order, with no gap, from `first` (the planning year's first month,
    or the month the target was set if later) to the deadline's month (a national deadline
    may fall in a later year)."""
    months: list[tuple[Period, float]] = []
    start, last = Period.of(first), Period.of(deadline)
    for when, value in points:
        month = _month(when)
        if not start <= month <= last:
            raise TargetInputError(
                f"the trajectory month {month} is outside the target's months ({start} to {last})"
            )
        _value_fits(f"the trajectory value for {month}", value, unit)
        months.append((month, float(value)))
    months.sort(key=lambda p: p[0])
    for (before, _), (after, _) in itertools.pairwise(months):
        if after == before:
            raise TargetInputError(f"the trajectory gives {after} twice")
        if after - before > 1:
            raise TargetInputError(
                f"the trajectory has a gap: no value for {before + 1} (between {before} and "
                f"{after}); give a value for every month"
            )
    return tuple((str(m), v) for m, v in months)


def _accountable(spec: TargetSpec, catalogue: Any, icb_code: str | None) -> tuple[str, str]:
    """(accountable body, its name): defaulted from the scope, checked against the catalogue."""
    allowed = ACCOUNTABLE_BODIES[spec.scope]
    body = spec.accountable_body or allowed[0]
    if body not in allowed:
        raise TargetInputError(
            f"a {spec.scope} target's accountable body is {' or '.join(allowed)}, not {body!r}"
        )
    name = (spec.accountable_name or "").strip()
    if body == "nhs_england":
        return body, name or "NHS England board"
    if body == "icb_board":
        return body, name or f"Board of {catalogue.organisation(icb_code).name}"
    if body == "place":
        if not name:
            raise TargetInputError("an accountable place needs its name")
        return body, name
    try:
        trust = find(catalogue, name)
    except OrganisationError as error:
        raise TargetInputError(f"accountable trust board: {error}") from None
    if trust.kind != "provider":
        raise TargetInputError(f"{trust.code} is a {trust.kind}, not a trust")
    if getattr(trust.entry, "icb_code", icb_code) != icb_code:
        raise TargetInputError(f"the trust {trust.code} is not in {icb_code}'s system")
    return body, trust.code
