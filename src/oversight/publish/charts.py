"""Making Data Count SPC charts as Vega-Lite specifications, rendered to SVG on the server.

Server-side SVG keeps the portal free of chart JavaScript and of any CDN. A chart shows the
values, the mean and process limits (broken at a rebase: each `segment` has its own), every
point coloured by what it means (blue improvement, orange concern, purple neutral, grey common
cause; signals.py), the target and trajectory, annotations as labelled rules, and a y axis kept
inside the metric's natural range (a percentage never runs below 0% or above 100%).

Annotations and rebases are governed data owned elsewhere; charts take them as plain values
(`ChartAnnotation`, `SeriesPoint.segment`) so any source can supply them.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import vl_convert
from markupsafe import Markup, escape

from oversight.judge.formats import format_month, format_value
from oversight.publish.signals import COLOURS, Meaning, describe_point, meaning

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
NHS_BLUE = "#005eb8"
NHS_GREY = "#768692"
NHS_DARK_GREY = "#425563"
NHS_RED = "#d5281b"
NHS_ORANGE = "#ed8b00"
FONT = "Arial, Helvetica, sans-serif"

NATURAL_RANGE: dict[str, tuple[float | None, float | None]] = {
    "percent": (0.0, 100.0),
    "count": (0.0, None),
    "bed_days": (0.0, None),
    "minutes": (0.0, None),
}
"""The values a metric's unit can take; an axis never shows beyond them."""


@dataclass(frozen=True)
class SeriesPoint:
    period: date
    value: float | None
    mean: float | None = None
    lpl: float | None = None
    upl: float | None = None
    special_cause: bool = False
    point_type: str | None = None
    """Making Data Count point type (special_cause_improvement, ...); None: no point."""
    rule: str | None = None
    """The special-cause rule code the SPC engine gave the point ("7 Points Below CL")."""
    segment: int = 0
    """Which SPC segment (between rebases) the point is in; limits are drawn per segment."""
    trajectory: float | None = None
    """The target's planned value for the month, where a trajectory is set."""


@dataclass(frozen=True)
class ChartAnnotation:
    """Something said about a month of a series (an annotation, or a rebase with its reason)."""

    period: date
    text: str
    kind: str = "annotation"
    """"annotation" or "rebase"."""


def limit_segments(means: Sequence[float | None]) -> list[int]:
    """Each point's SPC segment, read from the published limits: a new segment starts where
    the mean changes (limits are recalculated only at a rebase), so the chart's lines break
    there instead of joining two periods' limits. A point without a mean stays in the
    segment before it."""
    out: list[int] = []
    current, last = 0, None
    for m in means:
        value = _num(m)
        if value is not None and last is not None and abs(value - last) > 1e-9:
            current += 1
        if value is not None:
            last = value
        out.append(current)
    return out


def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def y_domain(values: Sequence[float | None], unit: str) -> list[float] | None:
    """The y axis range: the figures shown, padded by 5%, inside the unit's natural range."""
    seen = [v for v in values if v is not None]
    if not seen:
        return None
    lo, hi = min(seen), max(seen)
    pad = (hi - lo) * 0.05 or abs(hi) * 0.05 or 1.0
    lo, hi = lo - pad, hi + pad
    floor, ceiling = NATURAL_RANGE.get(unit, (None, None))
    if floor is not None:
        lo = max(lo, floor)
    if ceiling is not None:
        hi = min(hi, ceiling)
    return [lo, hi]


def _axis_format(unit: str) -> str:
    return ".0f" if unit in ("percent", "count", "bed_days") else ",.1f"


def _unit_title(unit: str) -> str:
    return {"percent": "%", "count": "number", "bed_days": "bed days", "minutes": "minutes",
            "gbp_k": "£k"}.get(unit, unit)


def _unit_labels(unit: str) -> dict[str, str]:
    """Tick labels that carry the unit where the axis title may be absent (small multiples):
    pounds in thousands as the figures read elsewhere, e.g. "-£20k"."""
    if unit == "gbp_k":
        return {"labelExpr": "(datum.value < 0 ? '-' : '') + '£' + "
                             "format(abs(datum.value), ',.0f') + 'k'"}
    return {}


def spc_rows(points: Sequence[SeriesPoint]) -> list[dict[str, Any]]:
    return [
        {
            "period": p.period.isoformat(),
            "value": _num(p.value),
            "mean": _num(p.mean),
            "lpl": _num(p.lpl),
            "upl": _num(p.upl),
            "meaning": meaning(p.point_type).value if _num(p.value) is not None else None,
            "segment": p.segment,
            "trajectory": _num(p.trajectory),
        }
        for p in points
    ]


def _colour_scale() -> dict[str, Any]:
    shown = [Meaning.IMPROVEMENT, Meaning.CONCERN, Meaning.NEUTRAL, Meaning.COMMON]
    return {"domain": [m.value for m in shown], "range": [COLOURS[m] for m in shown]}


def spc_layers(
    rows: list[dict[str, Any]],
    *,
    unit: str,
    target: float | None,
    annotations: Sequence[ChartAnnotation] = (),
    small: bool = False,
) -> list[dict[str, Any]]:
    """The layers of an SPC chart over `rows` (spc_rows), shared by the single chart and the
    small multiples."""
    domain = y_domain(
        [r[f] for r in rows for f in ("value", "lpl", "upl", "mean", "trajectory")]
        + ([target] if target is not None else []),
        unit,
    )
    # padding (pixels): the first and last months' points are drawn whole, not cut in half
    # by the plot's edge
    x = {"field": "period", "type": "temporal", "title": None,
         "scale": {"padding": 6 if small else 10},
         "axis": {"format": "%b %y" if small else "%b %Y", "labelAngle": 0,
                  "tickCount": 4 if small else 6, "grid": False}}
    y_scale: dict[str, Any] = {"zero": False, "nice": False}
    if domain is not None:
        y_scale |= {"domain": domain, "clamp": True}
    y = {"type": "quantitative", "scale": y_scale,
         "axis": {"format": _axis_format(unit), "tickCount": 4 if small else 6,
                  "title": None if small else _unit_title(unit), **_unit_labels(unit)}}
    layers: list[dict[str, Any]] = []
    for field, dash, width in (("upl", [4, 3], 1.2), ("lpl", [4, 3], 1.2), ("mean", [], 1.5)):
        if any(r[field] is not None for r in rows):
            layers.append({
                "mark": {"type": "line", "color": NHS_DARK_GREY, "strokeDash": dash,
                         "strokeWidth": width, "clip": True},
                "encoding": {"x": x, "y": {**y, "field": field}, "detail": {"field": "segment"}},
            })
    if any(r["trajectory"] is not None for r in rows):
        layers.append({
            "mark": {"type": "line", "color": NHS_RED, "strokeDash": [2, 2], "strokeWidth": 1.5,
                     "clip": True},
            "encoding": {"x": x, "y": {**y, "field": "trajectory"}},
        })
    if target is not None:
        layers.append({
            "data": {"values": [{"target": target}]},
            "mark": {"type": "rule", "color": NHS_RED, "strokeDash": [6, 3], "strokeWidth": 1.5,
                     "clip": True},
            "encoding": {"y": {**y, "field": "target"}},
        })
    layers.append({
        "mark": {"type": "line", "color": NHS_GREY, "strokeWidth": 1.2, "clip": True},
        "encoding": {"x": x, "y": {**y, "field": "value"}},
    })
    layers.append({
        "transform": [{"filter": "datum.value != null"}],
        "mark": {"type": "point", "filled": True, "size": 22 if small else 55, "opacity": 1,
                 "clip": True},
        "encoding": {
            "x": x, "y": {**y, "field": "value"},
            "color": {"field": "meaning", "type": "nominal", "scale": _colour_scale(),
                      "legend": None},
        },
    })
    if annotations:
        # each note is numbered on the chart; its words are listed under it (long text would
        # run off the plot)
        notes = [{"period": a.period.isoformat(), "text": str(i), "kind": a.kind}
                 for i, a in enumerate(annotations, start=1)]
        layers.append({
            "data": {"values": notes},
            "mark": {"type": "rule", "color": "#212b32", "strokeDash": [1, 2]},
            "encoding": {"x": {**x, "field": "period"}},
        })
        if not small:
            layers.append({
                "data": {"values": notes},
                "mark": {"type": "text", "align": "left", "dx": 3, "baseline": "top", "y": 2,
                         "fontSize": 12, "fontWeight": "bold", "color": "#212b32"},
                "encoding": {"x": {**x, "field": "period"}, "text": {"field": "text"}},
            })
    return layers


def series_spec(
    points: Sequence[SeriesPoint],
    *,
    title: str,
    unit: str,
    target: float | None = None,
    annotations: Sequence[ChartAnnotation] = (),
    width: int = 640,
    height: int = 280,
) -> dict[str, Any]:
    """A Making Data Count SPC chart of one organisation's monthly series."""
    rows = spc_rows(points)
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": title,
        "width": width,
        "height": height,
        "data": {"values": rows},
        "layer": spc_layers(rows, unit=unit, target=target, annotations=annotations),
        "config": chart_config(),
    }


def chart_config() -> dict[str, Any]:
    return {"font": FONT, "view": {"stroke": None}, "aria": False,
            "axis": {"labelFontSize": 12, "titleFontSize": 12, "labelColor": "#212b32",
                     "titleColor": "#212b32"}}


_SVG_OPEN = re.compile(r"<svg\b")
_INNER_ROLES = re.compile(r'\s(?:role|aria-[a-z]+)="[^"]*"')


def render_svg(spec: dict[str, Any], label: str | None = None) -> str:
    """Render a Vega-Lite spec to an SVG string (no browser, no network); with `label`, the
    SVG is one image to assistive technology, named by the label. Vega's own ARIA roles on
    marks are removed: the chart is read as its text alternative and data table, not mark by
    mark."""
    svg = _INNER_ROLES.sub("", str(vl_convert.vegalite_to_svg(spec)))
    if label is None:
        return svg
    return _SVG_OPEN.sub(
        f'<svg role="img" aria-label="{escape(label)}" focusable="false"', svg, count=1
    )


def spc_alt_text(
    points: Sequence[SeriesPoint], *, what: str, unit: str, target: float | None = None,
    annotations: Sequence[ChartAnnotation] = (),
) -> str:
    """The chart in words: span, mean and limits, the latest point and every signal."""
    shown = [p for p in points if _num(p.value) is not None]
    if not shown:
        return f"{what}: no figures yet."
    first, last = shown[0], shown[-1]
    parts = [f"SPC chart of {what}, {len(shown)} months from {format_month(first.period)} to "
             f"{format_month(last.period)}."]
    if last.mean is not None:
        parts.append(f"Mean {format_value(last.mean, unit)}")
        if last.lpl is not None and last.upl is not None:
            parts[-1] += (f", process limits {format_value(last.lpl, unit)} to "
                          f"{format_value(last.upl, unit)}")
        parts[-1] += "."
    parts.append(f"Latest {format_value(last.value, unit)} in {format_month(last.period)}: "
                 f"{describe_point(last.rule, last.point_type)}.")
    signals = [p for p in shown if meaning(p.point_type) not in (Meaning.COMMON, Meaning.NONE)]
    if signals:
        counts: dict[str, int] = {}
        for p in signals:
            counts[meaning(p.point_type).value] = counts.get(meaning(p.point_type).value, 0) + 1
        parts.append("Special cause in " + ", ".join(
            f"{n} month{'s' if n != 1 else ''} ({m})" for m, n in counts.items()) + ".")
    else:
        parts.append("No special cause.")
    if target is not None:
        parts.append(f"Target {format_value(target, unit)}.")
    if annotations:
        parts.append(f"{len(annotations)} numbered note{'s' if len(annotations) != 1 else ''}"
                     " on the chart, listed below it.")
    return " ".join(parts)


def svg_markup(svg: str) -> Markup:
    """An SVG string rendered by this module, safe to place in a page."""
    return Markup(svg)
