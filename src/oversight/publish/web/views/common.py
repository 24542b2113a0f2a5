"""Pieces shared by the pages: the metric menu and reading optional result columns."""

from __future__ import annotations

from typing import Any

import pandas as pd

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


def _present(row: Any, column: str) -> Any:
    """A cell of a result row, or None when the column is absent or the value missing."""
    value = row.get(column) if hasattr(row, "get") else None
    return None if value is None or pd.isna(value) else value


def number(row: Any, column: str) -> float | None:
    value = _present(row, column)
    return None if value is None else float(value)


def text(row: Any, column: str) -> str | None:
    value = _present(row, column)
    return None if value is None else str(value)
