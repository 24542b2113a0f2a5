"""SPC small multiples: one small Making Data Count chart per ICB, in one SVG (a Vega-Lite
facet), so a metric page shows every ICS's process at a glance."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from oversight.publish.charts import (
    NHS_RED,
    VEGA_LITE_SCHEMA,
    SeriesPoint,
    chart_config,
    spc_layers,
    spc_rows,
)
from oversight.publish.signals import Meaning, meaning

SHORT_NAME = "replace(replace(datum.label, 'NHS ', ''), ' Integrated Care Board', '')"
"""ICB names without "NHS" and "Integrated Care Board", to fit above a small chart."""


def multiples_spec(
    series: Mapping[str, Sequence[SeriesPoint]], *, unit: str, target: float | None,
    columns: int = 6,
) -> dict[str, Any]:
    """`series`: ICB name → its points, in the order to show them."""
    rows: list[dict[str, Any]] = []
    for name, points in series.items():
        for row in spc_rows(points):
            rows.append({**row, "icb": name, "target_line": target})
    layers = spc_layers(rows, unit=unit, target=None, small=True)
    if target is not None:
        y_axis = layers[-1]["encoding"]["y"]
        layers.insert(0, {
            "mark": {"type": "rule", "color": NHS_RED, "strokeDash": [6, 3], "clip": True},
            "encoding": {"y": {**y_axis, "field": "target_line"}},
        })
    return {
        "$schema": VEGA_LITE_SCHEMA,
        "data": {"values": rows},
        "facet": {"field": "icb", "type": "nominal", "sort": list(series),
                  "header": {"title": None, "labelFontSize": 10, "labelLimit": 150,
                             "labelExpr": SHORT_NAME}},
        "columns": columns,
        "spec": {"width": 130, "height": 70, "layer": layers},
        "config": chart_config(),
    }


def multiples_alt_text(series: Mapping[str, Sequence[SeriesPoint]], *, what: str) -> str:
    latest = {name: pts[-1] for name, pts in series.items() if pts}
    counts = {m: 0 for m in (Meaning.IMPROVEMENT, Meaning.CONCERN, Meaning.NEUTRAL)}
    for p in latest.values():
        m = meaning(p.point_type)
        if m in counts:
            counts[m] += 1
    return (f"Small SPC charts of {what} for {len(series)} ICBs. In the latest month, "
            f"{counts[Meaning.IMPROVEMENT]} show special cause improvement, "
            f"{counts[Meaning.CONCERN]} special cause concern and "
            f"{counts[Meaning.NEUTRAL]} special cause where neither direction is better; "
            "the rest common cause. The league table above gives every latest figure.")
