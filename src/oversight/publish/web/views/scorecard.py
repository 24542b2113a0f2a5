"""The ICS page: a scorecard of every metric for one ICS, with the judge's words.

One row per metric: the latest published figure, the variation and assurance icons, the
national and local targets standing that month (with trajectory), the three judgement
sentences, the peer rank; then equity measures where published (with links to each metric's
figures by group, on its ICS × metric page), and the segment and public
escalation summary where the judgements artefact has them. The context is built once per
published version and ICB (both immutable) and cached, so the page is served from memory.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, replace
from functools import lru_cache

import pandas as pd

from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.judge.assess import judgement_of as read_judgement
from oversight.judge.stage import names
from oversight.publish import access
from oversight.publish.web.lineage import LineageSummary, summary
from oversight.publish.web.snapshot import snapshot
from oversight.publish.web.views.common import metric_summary
from oversight.publish.web.views.context import MetricSummary
from oversight.publish.web.views.extras import (
    CaseSummary,
    SegmentView,
    case_summary_of,
    cqc_rating_of,
    segment_of,
)
from oversight.publish.web.views.overview import COMPARISON


@dataclass(frozen=True)
class TargetLine:
    scope: str
    """ "national" or "local"."""
    text: str
    """E.g. "≥ 78.0% (2024/25)"."""
    status: str
    trajectory: str | None = None
    """E.g. "planned 76.0% this month: on track"."""


@dataclass(frozen=True)
class ScoreRow:
    metric: MetricSummary
    period: dt.date | None
    value: float | None
    missing_reason: str | None
    variation: str | None
    assurance: str | None
    targets: tuple[TargetLine, ...]
    summary: str | None
    sentences: tuple[str, ...]
    peer: str | None
    lineage: LineageSummary | None


@dataclass(frozen=True)
class EquityRow:
    """The judge's inequality measures of one metric (oversight.judge.assessment.inequality)."""

    metric: MetricSummary
    period: dt.date
    window: str
    sii: tuple[float, float | None, float | None] | None
    """Slope index of inequality across IMD deciles with its 95% interval."""
    sii_missing: str | None
    quintile_gap: tuple[float, float | None, float | None] | None
    """Most deprived fifth minus least deprived fifth, with its 95% interval."""
    ethnic_gap: tuple[float, float | None, float | None] | None
    ethnic_groups: tuple[str, str] | None
    """(highest group, lowest group) of the largest ethnic-group gap."""


@dataclass(frozen=True)
class IcsPage:
    code: str
    name: str
    region: str
    region_code: str
    population: int
    rows: tuple[ScoreRow, ...]
    breakdowns: tuple[MetricSummary, ...] = ()
    """Metrics published by group (deprivation, ethnic group, age, sex) with a latest figure:
    their tables are on the ICS × metric page."""
    equity: tuple[EquityRow, ...] = ()
    segment: SegmentView | None = None
    case: CaseSummary | None = None
    domains: tuple[str, ...] = field(default_factory=tuple)
    rating: str | None = None
    """The overall CQC rating of the latest published assessment."""


def _text(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def _num(value: object) -> float | None:
    if value is None or pd.isna(value):
        return None
    return float(value)  # type: ignore[arg-type]


def _targets(j: dict[str, object], unit: str) -> tuple[TargetLine, ...]:
    from oversight.judge.formats import format_value

    catalogue = load_catalogue()
    out = []
    for scope, prefix, status_col, traj_col in (
        ("national", "target", "national_status", "national_trajectory"),
        ("local", "local_target", "local_status", "local_trajectory"),
    ):
        tid = _text(j.get(f"{prefix}_id"))
        value = _num(j.get(f"{prefix}_value"))
        if tid is None or value is None:
            continue
        comparison = str(j.get(f"{prefix}_comparison") or "")
        target = catalogue.targets.get(tid)
        year = f" ({target.planning_year})" if target is not None else ""
        planned = _num(j.get(f"{prefix}_trajectory"))
        on = _text(j.get(traj_col))
        trajectory = None
        if planned is not None:
            trajectory = f"planned {format_value(planned, unit)} this month"
            if on in ("on", "off"):
                trajectory += ": on track" if on == "on" else ": off track"
        out.append(TargetLine(scope, f"{COMPARISON.get(comparison, comparison)} "
                              f"{format_value(value, unit)}{year}",
                              _text(j.get(status_col)) or "no data", trajectory))
    return tuple(out)


@lru_cache(maxsize=128)
def _page(home: Home, key: tuple[str | None, str | None], code: str) -> IcsPage:
    snap = snapshot(home)
    catalogue = load_catalogue()
    icb = catalogue.icbs.get(code) or catalogue.merged_icbs[code]
    org_names = names(catalogue)
    rows = []
    for metric_id, metric in catalogue.metrics.items():
        at = snap.latest_periods.get(metric_id)
        res = snap.latest_results.get((metric_id, code)) if at else None
        j = snap.latest_judged.get((metric_id, code)) if at else None
        judged = read_judgement(j, metric, org_names.get(code)) if j else None
        peer = None
        if j and _num(j.get("peer_rank")) is not None and _num(j.get("peer_count")) is not None:
            from oversight.judge.formats import ordinal

            peer = f"{ordinal(int(_num(j['peer_rank']) or 0))} of {int(_num(j['peer_count']) or 0)}"
        rows.append(ScoreRow(
            metric=metric_summary(metric_id),
            period=at,
            value=_num(res.get("value")) if res else None,
            missing_reason=_text(res.get("missing_reason")) if res else "no results",
            variation=_text(j.get("variation")) if j else None,
            assurance=_text(j.get("assurance")) if j else None,
            targets=_targets(j, metric.unit) if j else (),
            summary=judged.summary if judged else None,
            sentences=(judged.change_sentence, judged.position_sentence,
                       judged.target_sentence) if judged else (),
            peer=peer,
            lineage=summary(home, snap.results_id, _text(res.get("revisions")) if res else None),
        ))
    by_group = tuple(r.metric for r in rows
                     if catalogue.metrics[r.metric.id].breakdowns and r.value is not None)
    return IcsPage(
        equity=_equity(home, code),
        code=icb.code, name=icb.name, region=catalogue.regions[icb.region_code].name,
        region_code=icb.region_code, population=int(icb.population), rows=tuple(rows),
        breakdowns=by_group, segment=segment_of(home, code),
    )


def _measure(row: dict[str, object], name: str) -> tuple[float, float | None, float | None] | None:
    value = _num(row.get(name))
    if value is None:
        return None
    return (value, _num(row.get(f"{name}_lower")), _num(row.get(f"{name}_upper")))


WINDOW = "12 months"
"""The window the ICS page shows (a year of months pooled: steadier than one month)."""


def _equity(home: Home, code: str) -> tuple[EquityRow, ...]:
    """The latest month's inequality measures of every metric for the ICB, where the
    judgements artefact holds them (none before the judge measures inequality)."""
    from oversight.judge.assessment.inequality_store import inequality

    try:
        frame = inequality(home, org=code)
    except FileNotFoundError:
        return ()
    frame = access.released(frame, access.PUBLIC)  # the page is public: no embargoed month
    if frame.empty:
        return ()
    windows = set(frame["window"])
    window = WINDOW if WINDOW in windows else sorted(windows)[0]
    frame = frame[frame["window"] == window]
    rows = []
    for metric_id, part in frame.groupby("metric_id", sort=True):
        rec = part.sort_values("period").iloc[-1].to_dict()
        high, low = _text(rec.get("ethnic_high_group")), _text(rec.get("ethnic_low_group"))
        rows.append(EquityRow(
            metric=metric_summary(str(metric_id)), period=rec["period"], window=window,
            sii=_measure(rec, "sii"), sii_missing=_text(rec.get("sii_missing_reason")),
            quintile_gap=_measure(rec, "quintile_gap"), ethnic_gap=_measure(rec, "ethnic_gap"),
            ethnic_groups=(high, low) if high and low else None,
        ))
    return tuple(rows)


def ics_page(home: Home, code: str) -> IcsPage:
    """The scorecard of one ICB (LookupError for an unknown code)."""
    catalogue = load_catalogue()
    icb = catalogue.icbs.get(code.upper()) or catalogue.merged_icbs.get(code.upper())
    if icb is None:
        raise LookupError(f"no ICB with code {code!r}")
    page = _page(home, snapshot(home).key, icb.code)
    # ratings and cases change without a new published version (the page cache keys on the
    # audit log for them), so they are read outside the per-version context
    return replace(page, rating=cqc_rating_of(home, icb.code),
                   case=case_summary_of(home, icb.code))
