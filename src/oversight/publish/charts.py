"""Vega-Lite specifications for the portal's charts, rendered to SVG on the server.

Server-side SVG keeps the portal free of chart JavaScript and of any CDN; the spec itself is
also published (JSON API) so analysts can restyle the same chart.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import vl_convert

VEGA_LITE_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.json"
NHS_BLUE = "#005eb8"
NHS_GREY = "#768692"
NHS_RED = "#d5281b"
NHS_ORANGE = "#ed8b00"


@dataclass(frozen=True)
class SeriesPoint:
    period: date
    value: float | None
    mean: float | None = None
    lpl: float | None = None
    upl: float | None = None
    special_cause: bool = False


def _num(x: float | None) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else float(x)


def series_spec(
    points: Sequence[SeriesPoint],
    *,
    title: str,
    unit: str,
    target: float | None = None,
    width: int = 640,
    height: int = 280,
) -> dict[str, Any]:
    """A monthly run chart: the values, their SPC centre line and limits, and the target."""
    rows = [
        {
            "period": p.period.isoformat(),
            "value": _num(p.value),
            "mean": _num(p.mean),
            "lpl": _num(p.lpl),
            "upl": _num(p.upl),
            "special_cause": bool(p.special_cause),
        }
        for p in points
    ]
    x = {"field": "period", "type": "temporal", "title": None, "axis": {"format": "%b %Y"}}
    y_title = unit
    layers: list[dict[str, Any]] = []
    for field, colour, dash in (("mean", NHS_GREY, []), ("lpl", NHS_GREY, [4, 4]),
                                ("upl", NHS_GREY, [4, 4])):
        if any(r[field] is not None for r in rows):
            layers.append({
                "mark": {"type": "line", "color": colour, "strokeDash": dash, "strokeWidth": 1},
                "encoding": {"x": x, "y": {"field": field, "type": "quantitative"}},
            })
    layers.append({
        "mark": {"type": "line", "color": NHS_BLUE, "point": {"filled": True, "size": 30}},
        "encoding": {
            "x": x,
            "y": {"field": "value", "type": "quantitative", "title": y_title,
                  "scale": {"zero": False}},
            "tooltip": [
                {"field": "period", "type": "temporal", "format": "%B %Y", "title": "Month"},
                {"field": "value", "type": "quantitative", "format": ".1f", "title": title},
            ],
        },
    })
    if any(r["special_cause"] for r in rows):
        layers.append({
            "transform": [{"filter": "datum.special_cause"}],
            "mark": {"type": "point", "filled": True, "size": 60, "color": NHS_ORANGE},
            "encoding": {"x": x, "y": {"field": "value", "type": "quantitative"}},
        })
    if target is not None:
        layers.append({
            "data": {"values": [{"target": target}]},
            "mark": {"type": "rule", "color": NHS_RED, "strokeDash": [6, 3]},
            "encoding": {"y": {"field": "target", "type": "quantitative"}},
        })
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "description": title,
        "width": width,
        "height": height,
        "data": {"values": rows},
        "layer": layers,
        "config": {"font": "Arial", "view": {"stroke": None}},
    }


def render_svg(spec: dict[str, Any]) -> str:
    """Render a Vega-Lite spec to an SVG string (no browser, no network)."""
    return str(vl_convert.vegalite_to_svg(spec))
