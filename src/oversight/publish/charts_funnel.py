"""The metric page's comparison charts: a funnel plot of every ICB with the chosen one
highlighted, and a league chart of every ICB's figure with its 95% confidence interval.

Both read published columns only (value, denominator, funnel limits, interval); nothing is
computed here but the order of the rows.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from oversight.judge.formats import format_value
from oversight.publish.charts import (
    NHS_BLUE,
    NHS_DARK_GREY,
    NHS_GREY,
    NHS_ORANGE,
    NHS_RED,
    VEGA_LITE_SCHEMA,
    _axis_format,
    _unit_labels,
    _unit_title,
    chart_config,
    y_domain,
)


@dataclass(frozen=True)
class OrgFigure:
    code: str
    name: str
    value: float | None
    denominator: float | None = None
    ci_lower: float | None = None
    ci_upper: float | None = None
    funnel_lower: float | None = None
    funnel_upper: float | None = None
    funnel_position: str | None = None
    """"within", "high" or "low" (outside the 99.8% limits); None: no funnel."""


def _group(f: OrgFigure, highlight: str | None) -> str:
    if f.code == highlight:
        return "chosen ICS"
    return "outside the limits" if f.funnel_position in ("high", "low") else "within the limits"


def _rows(figures: Sequence[OrgFigure], highlight: str | None) -> list[dict[str, Any]]:
    return [
        {
            "code": f.code, "name": f.name, "value": f.value, "size": f.denominator,
            "lower": f.funnel_lower, "upper": f.funnel_upper,
            "ci_lower": f.ci_lower, "ci_upper": f.ci_upper,
            "outside": f.funnel_position in ("high", "low"),
            "group": _group(f, highlight),
        }
        for f in figures
        if f.value is not None
    ]


_GROUPS = {"domain": ["within the limits", "outside the limits", "chosen ICS"],
           "range": [NHS_GREY, NHS_ORANGE, NHS_BLUE]}


def has_funnel(figures: Sequence[OrgFigure]) -> bool:
    return any(f.funnel_lower is not None and f.denominator is not None for f in figures)


def funnel_spec(
    figures: Sequence[OrgFigure], *, unit: str, centre: float | None,
    highlight: str | None = None, width: int = 640, height: int = 320,
) -> dict[str, Any]:
    """Every ICB's figure against its size (denominator), with the 99.8% funnel limits."""
    rows = sorted((r for r in _rows(figures, highlight) if r["size"] is not None),
                  key=lambda r: r["size"])
    domain = y_domain([v for r in rows for v in (r["value"], r["lower"], r["upper"])], unit)
    y_scale: dict[str, Any] = {"zero": False, "nice": False}
    if domain is not None:
        y_scale |= {"domain": domain, "clamp": True}
    y = {"type": "quantitative", "scale": y_scale,
         "axis": {"format": _axis_format(unit), "title": _unit_title(unit), **_unit_labels(unit)}}
    x = {"field": "size", "type": "quantitative", "title": "Size (denominator)",
         "scale": {"zero": False}, "axis": {"format": "~s", "grid": False}}
    layers: list[dict[str, Any]] = [
        {"mark": {"type": "line", "color": NHS_DARK_GREY, "strokeDash": [4, 3], "clip": True,
                  "interpolate": "monotone"},
         "encoding": {"x": x, "y": {**y, "field": field}}}
        for field in ("lower", "upper")
    ]
    if centre is not None:
        layers.append({
            "data": {"values": [{"centre": centre}]},
            "mark": {"type": "rule", "color": NHS_DARK_GREY, "strokeWidth": 1.5},
            "encoding": {"y": {**y, "field": "centre"}},
        })
    layers.append({
        "mark": {"type": "point", "filled": True, "opacity": 1, "clip": True},
        "encoding": {
            "x": x, "y": {**y, "field": "value"},
            "color": {"field": "group", "type": "nominal", "scale": _GROUPS,
                      "legend": {"title": None, "orient": "bottom", "columnPadding": 24,
                                 "symbolType": "circle", "labelFontSize": 12}},
            "size": {"condition": {"test": "datum.group == 'chosen ICS'", "value": 140},
                     "value": 45},
        },
    })
    if highlight is not None:
        sizes = [r["size"] for r in rows]
        chosen = next((r for r in rows if r["code"] == highlight), None)
        right_half = chosen is not None and sizes and chosen["size"] > (min(sizes) + max(sizes)) / 2
        layers.append({
            "transform": [{"filter": {"field": "group", "equal": "chosen ICS"}}],
            "mark": {"type": "text", "align": "right" if right_half else "left",
                     "dx": -10 if right_half else 10, "dy": -10, "fontWeight": "bold",
                     "color": NHS_BLUE},
            "encoding": {"x": x, "y": {**y, "field": "value"}, "text": {"field": "name"}},
        })
    return {"$schema": VEGA_LITE_SCHEMA, "width": width, "height": height,
            "data": {"values": rows}, "layer": layers, "config": chart_config()}


def funnel_alt_text(figures: Sequence[OrgFigure], *, what: str, unit: str,
                    highlight: str | None) -> str:
    shown = [f for f in figures if f.value is not None and f.funnel_position is not None]
    high = [f.name for f in shown if f.funnel_position == "high"]
    low = [f.name for f in shown if f.funnel_position == "low"]
    parts = [f"Funnel plot of {what} for {len(shown)} ICBs against their size, with 99.8% limits."]
    parts.append(f"Above the upper limit: {', '.join(high) or 'none'}.")
    parts.append(f"Below the lower limit: {', '.join(low) or 'none'}.")
    chosen = next((f for f in shown if f.code == highlight), None)
    if chosen is not None:
        where = {"high": "above the upper limit", "low": "below the lower limit"}.get(
            chosen.funnel_position or "", "within the limits")
        parts.append(f"{chosen.name}: {format_value(chosen.value, unit)}, {where}.")
    return " ".join(parts)


def league_spec(
    figures: Sequence[OrgFigure], *, unit: str, better: str, centre: float | None,
    highlight: str | None = None, width: int = 560,
) -> dict[str, Any]:
    """Every ICB's figure, best first, with its 95% confidence interval as a bar."""
    rows = _rows(figures, highlight)
    descending = better != "decrease"
    rows.sort(key=lambda r: r["value"], reverse=descending)
    domain = y_domain([v for r in rows for v in (r["value"], r["ci_lower"], r["ci_upper"])],
                      unit)
    scale: dict[str, Any] = {"zero": False, "nice": False}
    if domain is not None:
        scale |= {"domain": domain, "clamp": True}
    xq = {"type": "quantitative", "scale": scale,
          "axis": {"format": _axis_format(unit), "title": _unit_title(unit), "orient": "top",
                   **_unit_labels(unit)}}
    order = [r["name"] for r in rows]
    y = {"field": "name", "type": "nominal", "sort": order, "title": None,
         "axis": {"labelLimit": 260, "labelFontSize": 11}}
    layers: list[dict[str, Any]] = [
        {"transform": [{"filter": "datum.ci_lower != null"}],
         "mark": {"type": "rule", "color": NHS_DARK_GREY, "clip": True},
         "encoding": {"y": y, "x": {**xq, "field": "ci_lower"}, "x2": {"field": "ci_upper"}}},
        {"mark": {"type": "point", "filled": True, "opacity": 1, "clip": True},
         "encoding": {"y": y, "x": {**xq, "field": "value"},
                      "color": {"field": "group", "type": "nominal", "scale": _GROUPS,
                                "legend": None},
                      "size": {"condition": {"test": "datum.group == 'chosen ICS'",
                                             "value": 110}, "value": 40}}},
    ]
    if centre is not None:
        layers.append({"data": {"values": [{"centre": centre}]},
                       "mark": {"type": "rule", "color": NHS_RED, "strokeDash": [6, 3]},
                       "encoding": {"x": {**xq, "field": "centre"}}})
    return {"$schema": VEGA_LITE_SCHEMA, "width": width, "height": {"step": 14},
            "data": {"values": rows}, "layer": layers, "config": chart_config()}
