"""What the charts of a series show besides its figures: annotations and rebase breaks.

Read-only, for the portal's charts and any other face. Rebase breaks come from the rebases the
published results version was computed with (its manifest), so a chart's breaks always match
its limits; their reasons and the annotations come from the operational store
(oversight.annotations), public view. Pure data: `publish.charts` draws them.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass

from oversight.home import Home

ANNOTATION = "annotation"
REBASE = "rebase"


@dataclass(frozen=True)
class ChartMark:
    """Something said about a date of a series: an annotation, or a rebase with its reason."""

    period: dt.date
    text: str
    kind: str = ANNOTATION


def _has_store(home: Home) -> bool:
    own = home.database_file
    return own is None or own.exists()


def rebase_months(home: Home, org: str, metric: str) -> list[dt.date]:
    """First months of the new limits of `metric` x `org` in the published results."""
    from oversight.metrics.rebase_input import recorded
    from oversight.metrics.results import current

    version = current(home)
    if version is None:
        return []
    return [d for m, o, d in recorded(version) if m == metric and o == org.upper()]


def segment_numbers(periods: Sequence[dt.date], starts: Sequence[dt.date]) -> list[int]:
    """Each period's SPC segment: how many rebase months are on or before it (0 before any)."""
    cuts = sorted(starts)
    return [bisect_right(cuts, p) for p in periods]


def marks_for(
    home: Home, org: str, metric: str, breakdown: str = "total", group: str = "total"
) -> list[ChartMark]:
    """The annotations of one chart (its breakdown group's and the whole series') and its
    rebase breaks, in date order."""
    months = rebase_months(home, org, metric)
    if not _has_store(home):
        return [ChartMark(m, "New process limits from here", REBASE) for m in months]
    from oversight.annotations.annotation_store import annotations_for
    from oversight.annotations.lifecycle import APPROVED, REVERSED
    from oversight.annotations.rebase_store import rebases_for

    engine = home.database()
    notes = [
        ChartMark(a.on, a.text, ANNOTATION)
        for a in annotations_for(engine, metric=metric, org=org, breakdown=breakdown,
                                 group=group)
    ]
    reasons: dict[dt.date, str] = {}
    for r in rebases_for(engine, None, metric=metric, org=org):
        if r.state == APPROVED or (r.state == REVERSED and r.starts not in reasons):
            reasons[r.starts] = r.reason
    breaks = [
        ChartMark(m, f"New process limits: {reasons.get(m, 'rebase')}", REBASE) for m in months
    ]
    return sorted([*notes, *breaks], key=lambda k: (k.period, k.kind))


def stamp(home: Home) -> tuple[object, ...]:
    """Changes whenever an annotation or a rebase is added or changes state: a page cache
    keyed by the published version adds this so new annotations show without a new version.
    Two small aggregate queries (the tables hold tens to hundreds of rows)."""
    if not _has_store(home):
        return ()
    from sqlalchemy import func, select

    from oversight.store import database
    from oversight.store.annotation_models import Annotation, Rebase

    with database.session(home.database()) as s:
        notes = s.execute(select(func.count(), func.max(Annotation.updated_at))).one()
        rebases = s.execute(select(func.count(), func.max(Rebase.updated_at))).one()
    return (*notes, *rebases)
