"""The metric page: every ICS on one metric. The national figure and target tally (with the
coverage rule), a funnel plot with the chosen ICS highlighted, a league table with 95%
confidence intervals, and an SPC chart for every ICS (small multiples).

Charts are rendered once per published version, metric and chosen ICS, and cached."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.publish.charts import SeriesPoint, limit_segments, render_svg
from oversight.publish.charts_funnel import (
    OrgFigure,
    funnel_alt_text,
    funnel_spec,
    has_funnel,
    league_spec,
)
from oversight.publish.charts_multiples import multiples_alt_text, multiples_spec
from oversight.publish.web.snapshot import snapshot
from oversight.publish.web.views.common import all_metrics, metric_summary
from oversight.publish.web.views.context import MetricSummary, NationalPage
from oversight.publish.web.views.national import national_page


@dataclass(frozen=True)
class LeagueRow:
    rank: int
    figure: OrgFigure
    status: str | None
    variation: str | None
    highlighted: bool


@dataclass(frozen=True)
class MetricPage:
    national: NationalPage
    highlight: str | None
    highlight_name: str | None
    league: tuple[LeagueRow, ...]
    funnel_svg: str
    funnel_alt: str
    league_svg: str
    multiples_svg: str
    multiples_alt: str
    source: str
    method_notes: str

    @property
    def metric(self) -> MetricSummary:
        return self.national.metric


@dataclass(frozen=True)
class MetricsIndex:
    metrics: tuple[MetricSummary, ...]
    domains: tuple[tuple[str, tuple[MetricSummary, ...]], ...]


def metrics_index() -> MetricsIndex:
    catalogue = load_catalogue()
    groups: dict[str, list[MetricSummary]] = {}
    for m in catalogue.metrics.values():
        domain = (m.domain or "other").replace("_", " ").capitalize()
        groups.setdefault(domain, []).append(metric_summary(m.id))
    return MetricsIndex(tuple(all_metrics()), tuple((d, tuple(ms)) for d, ms in groups.items()))


def _f(value: object) -> float | None:
    if value is None:
        return None
    try:
        out = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return None
    return None if out != out else out


def _s(value: object) -> str | None:
    return None if value is None or (isinstance(value, float) and value != value) else str(value)


def metric_page(home: Home, metric_id: str, highlight: str | None = None) -> MetricPage:
    metric_summary(metric_id)
    code = highlight.upper() if highlight else None
    catalogue = load_catalogue()
    if code is not None and code not in catalogue.icbs and code not in catalogue.merged_icbs:
        raise LookupError(f"no ICB with code {highlight!r}")
    return _metric_page(home, snapshot(home).key, metric_id, code)


@lru_cache(maxsize=64)
def _metric_page(home: Home, key: tuple[str | None, str | None], metric_id: str,
                 code: str | None) -> MetricPage:
    national = national_page(home, metric_id)
    snap = snapshot(home)
    catalogue = load_catalogue()
    metric = catalogue.metrics[metric_id]
    icbs = {r.code: r for r in national.icbs}
    figures = []
    for c, row in icbs.items():
        res = snap.latest_results.get((metric_id, c)) or {}
        figures.append(OrgFigure(
            code=c, name=row.name, value=row.value, denominator=_f(res.get("denominator")),
            ci_lower=_f(res.get("ci_lower")), ci_upper=_f(res.get("ci_upper")),
            funnel_lower=_f(res.get("funnel_lower")), funnel_upper=_f(res.get("funnel_upper")),
            funnel_position=_s(res.get("funnel_position")),
        ))
    centre = national.england.value if national.england else None
    better = metric.improvement
    ranked = sorted((f for f in figures if f.value is not None),
                    key=lambda f: f.value or 0.0, reverse=better != "decrease")
    ranked += [f for f in figures if f.value is None]
    league = tuple(
        LeagueRow(i + 1, f, icbs[f.code].status,
                  _s((snap.latest_judged.get((metric_id, f.code)) or {}).get("variation")),
                  f.code == code)
        for i, f in enumerate(ranked)
    )
    what = metric.title
    funnel_svg = funnel_alt = ""
    if has_funnel(figures):
        funnel_alt = funnel_alt_text(figures, what=what, unit=metric.unit, highlight=code)
        funnel_svg = render_svg(funnel_spec(figures, unit=metric.unit, centre=centre,
                                            highlight=code), label=funnel_alt)
    league_svg = ""
    if any(f.value is not None for f in figures):
        league_alt = (f"{what} for every ICB, best first, each with its 95% confidence "
                      "interval; the league table below gives every figure.")
        league_svg = render_svg(league_spec(figures, unit=metric.unit, better=better,
                                            centre=centre, highlight=code), label=league_alt)
    series: dict[str, list[SeriesPoint]] = {}
    frame = snap.rows(metric_id)
    frame = frame[frame["org_type"] == "icb"]
    by_org = {str(c): part for c, part in frame.groupby("org_code", sort=False)}
    for c, row in sorted(icbs.items(), key=lambda kv: kv[1].name):
        part = by_org.get(c)
        if part is None or part.empty:
            continue
        segments = limit_segments([_f(m) for m in part["spc_mean"]])
        series[row.name] = [
            SeriesPoint(period=p, value=_f(v), mean=_f(mn), lpl=_f(lo), upl=_f(hi),
                        point_type=_s(pt), segment=seg)
            for p, v, mn, lo, hi, pt, seg in zip(part["period"], part["value"],
                                                part["spc_mean"], part["spc_lpl"],
                                                part["spc_upl"], part["spc_point_type"],
                                                segments, strict=True)
        ]
    multiples_svg = multiples_alt = ""
    if series:
        target = national.target.value if national.target else None
        multiples_alt = multiples_alt_text(series, what=what)
        multiples_svg = render_svg(multiples_spec(series, unit=metric.unit, target=target),
                                   label=multiples_alt)
    return MetricPage(
        national=national, highlight=code,
        highlight_name=icbs[code].name if code in icbs else None, league=league,
        funnel_svg=funnel_svg, funnel_alt=funnel_alt, league_svg=league_svg,
        multiples_svg=multiples_svg, multiples_alt=multiples_alt,
        source=metric.source, method_notes=metric.method_notes,
    )
