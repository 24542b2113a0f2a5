"""The national overview: every ICS against the headline metrics, in one sortable table.

Headline metrics are those with a headline national target standing in their latest month
(catalogue data: `headline: true` on the target), so the columns follow the planning guidance
of the year shown. Each cell is the published figure with the judge's variation and assurance
and the target status; every column states its coverage ("42 of 42 ICBs have data").
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from functools import lru_cache

from oversight import config
from oversight.catalogue import Catalogue
from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.judge.coverage import Coverage, coverage
from oversight.publish.areas import Found, find
from oversight.publish.areas import load as load_areas
from oversight.publish.web.snapshot import Snapshot, snapshot
from oversight.publish.web.views.common import metric_summary
from oversight.publish.web.views.context import MetricSummary
from oversight.publish.web.views.extras import cqc_ratings, segment_of


@dataclass(frozen=True)
class Cell:
    value: float | None
    variation: str | None
    assurance: str | None
    status: str | None
    """met / missed / no target / no data."""


@dataclass(frozen=True)
class Column:
    metric: MetricSummary
    period: dt.date
    target: str | None
    """E.g. "≥ 78.0%" (the national target standing that month)."""
    coverage: Coverage
    published: bool = True
    """False on a published-data home when no published source feeds the metric: the column
    then says so (and points to the sources) instead of "0 of 36 ICBs have data"."""
    level: str = ""
    """On a published-data home, the level its only sources have (e.g. ambulance trusts only):
    the column says so instead of counting ICBs."""


@dataclass(frozen=True)
class OverviewRow:
    code: str
    name: str
    region: str
    region_code: str
    cells: tuple[Cell, ...]
    segment: int | None = None
    highlighted: bool = False
    rating: str | None = None
    """The overall CQC rating of the latest published assessment."""


@dataclass(frozen=True)
class OverviewPage:
    columns: tuple[Column, ...]
    rows: tuple[OverviewRow, ...]
    sort: str
    order: str
    query: str = ""
    found: Found | None = None
    not_found: bool = False
    lookups: tuple[str, ...] = ()
    """What "highlight my ICS" can search by (names always; the others when their files are
    present)."""
    judged: bool = True
    """Whether the judge's judgements could be read (else the figures are shown alone)."""
    has_segments: bool = False
    has_ratings: bool = False
    sort_keys: tuple[str, ...] = field(default_factory=tuple)


COMPARISON = {">=": "≥", "<=": "≤", ">": ">", "<": "<", "==": "="}


def headline_metrics(snap: Snapshot) -> list[str]:
    """Metrics with a headline national target standing in their latest month, in catalogue
    order."""
    catalogue = load_catalogue()
    out = []
    for metric_id in catalogue.metrics:
        at = snap.latest_periods.get(metric_id)
        if at is None:
            continue
        targets = [catalogue.targets[t] for t in _target_ids(snap, metric_id, at)
                   if t in catalogue.targets]
        if any(t.headline for t in targets):
            out.append(metric_id)
    return out


def _target_ids(snap: Snapshot, metric_id: str, at: dt.date) -> list[str]:
    """The national targets the judge applied to a metric's month; without judgements (none
    stored, or unreadable) the one the catalogue says stands that month."""
    rows = snap.judged_rows(metric_id, period=at)
    if "target_id" in rows.columns and len(rows):
        return [str(t) for t in rows["target_id"].dropna().unique()]
    standing = load_catalogue().standing_national_target(metric_id, at)
    return [] if standing is None else [standing.id]


def target_text(snap: Snapshot, metric_id: str, at: dt.date) -> str | None:
    from oversight.judge.formats import format_value

    ids = _target_ids(snap, metric_id, at)
    if not ids:
        return None
    t = load_catalogue().targets[str(ids[0])]
    unit = load_catalogue().metrics[metric_id].unit
    return f"{COMPARISON.get(t.comparison, t.comparison)} {format_value(float(t.value), unit)}"


@lru_cache(maxsize=8)
def _base(home: Home, key: tuple[str | None, str | None]) -> tuple[tuple[Column, ...],
                                                                     tuple[OverviewRow, ...]]:
    snap = snapshot(home)
    catalogue = load_catalogue()
    metrics = headline_metrics(snap)
    periods = [snap.latest_periods[m] for m in metrics]
    newest = max(periods) if periods else None
    # the ICBs of the newest month: the 2022 ICBs, or the merged ICBs from their start
    every = catalogue.icbs.values() if newest is None else catalogue.icbs_on(newest)
    icbs = sorted(every, key=lambda i: i.name)
    unpublished, levels = _without_published_data(home), _source_levels(home)
    columns = []
    for m, at in zip(metrics, periods, strict=True):
        columns.append(Column(metric_summary(m), at, target_text(snap, m, at),
                              month_coverage(snap, catalogue, m, at), m not in unpublished,
                              levels.get(m, "")))
    rows = []
    for icb in icbs:
        cells = []
        for m in metrics:
            res = snap.latest_results.get((m, icb.code)) or {}
            judged = snap.latest_judged.get((m, icb.code)) or {}
            value = res.get("value")
            cells.append(Cell(
                value=None if value is None or value != value else float(str(value)),
                variation=_text(judged.get("variation")),
                assurance=_text(judged.get("assurance")),
                status=_text(judged.get("national_status")) or "no data",
            ))
        segment = segment_of(home, icb.code)
        rows.append(OverviewRow(icb.code, icb.name, catalogue.regions[icb.region_code].name,
                                icb.region_code, tuple(cells),
                                None if segment is None else segment.segment))
    return tuple(columns), tuple(rows)


def _without_published_data(home: Home) -> frozenset[str]:
    """The metrics no published source feeds, on a published-data home (else none)."""
    from oversight.published_demo import read_manifest

    manifest = read_manifest(home)
    return frozenset(() if manifest is None else manifest.get("metrics_without_published_data", ()))


def _source_levels(home: Home) -> dict[str, str]:
    """Metric -> the level of its published sources, when every source feeding it is held at
    one level only (the ambulance trusts); other metrics are absent."""
    from oversight.published_demo import read_manifest

    manifest = read_manifest(home) or {}
    levels: dict[str, set[str]] = {}
    for source in manifest.get("sources", ()):
        for metric_id in source.get("metrics", ()):
            levels.setdefault(metric_id, set()).add(str(source.get("level") or ""))
    return {m: next(iter(s)) for m, s in levels.items() if len(s) == 1 and "" not in s}


def month_coverage(snap: Snapshot, catalogue: Catalogue, metric_id: str,
                   at: dt.date) -> Coverage:
    """Coverage of a metric's latest month over the ICBs that existed in that month (42
    before the mergers, the merged set after), not those of the newest month shown."""
    values = {
        i.code: float(str(v)) if (v := (snap.latest_results.get((metric_id, i.code)) or {})
                                  .get("value")) is not None else None
        for i in catalogue.icbs_on(at)
    }
    return coverage(values, values)


def _text(value: object) -> str | None:
    return None if value is None or value != value else str(value)


def _sort(rows: list[OverviewRow], columns: tuple[Column, ...], sort: str, order: str,
          ) -> list[OverviewRow]:
    reverse = order == "desc"
    if sort == "region":
        return sorted(rows, key=lambda r: (r.region, r.name), reverse=reverse)
    if sort == "segment":
        have = sorted((r for r in rows if r.segment is not None),
                      key=lambda r: (r.segment or 0, r.name), reverse=reverse)
        return have + [r for r in rows if r.segment is None]
    ids = [c.metric.id for c in columns]
    if sort in ids:
        i = ids.index(sort)
        have = [r for r in rows if r.cells[i].value is not None]
        have.sort(key=lambda r: (r.cells[i].value or 0.0), reverse=reverse)
        return have + [r for r in rows if r.cells[i].value is None]
    return sorted(rows, key=lambda r: r.name, reverse=reverse)


def lookup_words(home: Home) -> tuple[str, ...]:
    areas = load_areas(config.area_lookup_dir(home), _successors())
    words = ["ICS name or ICB code"]
    if areas.has_local_authorities:
        words.append("local authority code (for example E08000012)")
    if areas.has_postcodes:
        words.append("postcode district (for example NW1), where an NHS trust is based")
    return tuple(words)


@lru_cache(maxsize=1)
def _successors() -> tuple[tuple[str, tuple[str, ...]], ...]:
    return tuple((c, tuple(m.predecessor_codes))
                 for c, m in load_catalogue().merged_icbs.items())


def overview_page(home: Home, sort: str = "name", order: str = "asc",
                  highlight: str = "") -> OverviewPage:
    snap = snapshot(home)
    columns, rows = _base(home, snap.key)
    keys = ("name", "region", "segment", *(c.metric.id for c in columns))
    if sort not in keys:
        raise LookupError(f"cannot sort by {sort!r}; sort by one of {', '.join(keys)}")
    if order not in ("asc", "desc"):
        raise LookupError(f"order must be 'asc' or 'desc', not {order!r}")
    found = None
    if highlight.strip():
        areas = load_areas(config.area_lookup_dir(home), _successors())
        found = find(highlight, {r.code: r.name for r in rows}, areas)
    marked = set(found.codes) if found else set()
    ratings = cqc_ratings(home)
    shown = [
        OverviewRow(r.code, r.name, r.region, r.region_code, r.cells, r.segment,
                    r.code in marked, ratings.get(r.code))
        for r in rows
    ]
    shown = _sort(shown, columns, sort, order)
    return OverviewPage(
        columns=columns, rows=tuple(shown), sort=sort, order=order, query=highlight.strip(),
        found=found, not_found=bool(highlight.strip()) and found is None,
        lookups=lookup_words(home), has_segments=any(r.segment is not None for r in rows),
        has_ratings=any(r.rating for r in shown), judged=snap.judged_id is not None,
        sort_keys=keys,
    )
