"""Region and England pages: the aggregate's latest figure for every metric, labelled by the
coverage rule ("London (partial: 3 of 5 ICBs)" unless every member ICB reported), with its
signals and target status, and links to its members (a region's ICSs, England's regions)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.judge.coverage import Coverage, published_total_label
from oversight.publish.web.snapshot import snapshot
from oversight.publish.web.views.common import metric_summary
from oversight.publish.web.views.context import MetricSummary
from oversight.published_demo import published_total

ENGLAND = "ENG"


@dataclass(frozen=True)
class AggregateRow:
    metric: MetricSummary
    period: dt.date | None
    value: float | None
    label: str
    """The figure's name under the coverage rule: "England" or "England (partial: …)", or for
    a published national total "England (NHS England's published total; 36 of 37 ICBs …)"."""
    complete: bool
    variation: str | None
    assurance: str | None
    status: str | None


@dataclass(frozen=True)
class Member:
    code: str
    name: str
    route: str
    """Route name of the member's page ("icb" or "region")."""


@dataclass(frozen=True)
class AreaPage:
    code: str
    name: str
    kind: str
    """ "region" or "england"."""
    rows: tuple[AggregateRow, ...]
    members: tuple[Member, ...]


def _num(value: object) -> float | None:
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if out != out else out


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


@lru_cache(maxsize=16)
def _area(home: Home, key: tuple[str | None, str | None], code: str) -> AreaPage:
    snap = snapshot(home)
    catalogue = load_catalogue()
    if code == ENGLAND:
        name, kind = "England", "england"
        members = tuple(Member(r.code, r.name, "region") for r in catalogue.regions.values())
    else:
        region = catalogue.regions[code]
        name, kind = region.name, "region"
        newest = max(snap.latest_periods.values(), default=None)
        every = catalogue.icbs.values() if newest is None else catalogue.icbs_on(newest)
        icbs = sorted((i for i in every if i.region_code == code), key=lambda i: i.name)
        members = tuple(Member(i.code, i.name, "icb") for i in icbs)
    rows = []
    for metric_id in catalogue.metrics:
        at = snap.latest_periods.get(metric_id)
        res = snap.latest_results.get((metric_id, code)) or {}
        j = snap.latest_judged.get((metric_id, code)) or {}
        reported, expected = _num(j.get("reported")), _num(j.get("expected"))
        label, complete = name, True
        if expected is not None and reported is not None:
            cover = Coverage(int(reported), int(expected))
            label, complete = cover.label(name), cover.complete
            if at is not None and published_total(home, code, metric_id, at):
                # the whole national or regional figure; only ICB-level data may be missing
                label, complete = published_total_label(cover, name), True
        rows.append(AggregateRow(
            metric_summary(metric_id), at, _num(res.get("value")), label, complete,
            _text(j.get("variation")), _text(j.get("assurance")),
            _text(j.get("national_status")) or ("no data" if at else None),
        ))
    return AreaPage(code, name, kind, tuple(rows), members)


def area_page(home: Home, code: str) -> AreaPage:
    """A region's page (its ODS code, Y56…) or England's ("ENG"); LookupError otherwise."""
    code = code.upper()
    if code != ENGLAND and code not in load_catalogue().regions:
        raise LookupError(f"no NHS England region with code {code!r}")
    return _area(home, snapshot(home).key, code)
