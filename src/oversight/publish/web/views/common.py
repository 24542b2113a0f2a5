"""Pieces shared by the pages: the metric menu and reading optional result columns."""

from __future__ import annotations

import math
from typing import Any

from oversight.catalogue import load as load_catalogue
from oversight.publish.web.views.context import MetricSummary

DEFAULT_METRIC = "ae_4hr"


def metric_summary(metric_id: str) -> MetricSummary:
    catalogue = load_catalogue()
    try:
        m = catalogue.metrics[metric_id]
    except KeyError:
        raise LookupError(f"no metric {metric_id!r} in the catalogue") from None
    return MetricSummary(m.id, m.title, m.description, m.unit, m.improvement)


def all_metrics() -> list[MetricSummary]:
    return [metric_summary(mid) for mid in load_catalogue().metrics]


def number(row: Any, column: str) -> float | None:
    """A float from a result row, or None when the column is absent or the value missing."""
    value = row.get(column) if hasattr(row, "get") else None
    if value is None:
        return None
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def text(row: Any, column: str) -> str | None:
    value = row.get(column) if hasattr(row, "get") else None
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    return str(value)
