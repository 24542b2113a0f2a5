"""Jinja2 environment and the number formats the portal uses everywhere."""

from __future__ import annotations

import math
from datetime import date
from pathlib import Path

from fastapi.templating import Jinja2Templates

TEMPLATES_DIR = Path(__file__).resolve().parent.parent / "templates"
STATIC_DIR = Path(__file__).resolve().parent.parent / "static"


def format_value(value: float | None, unit: str = "") -> str:
    """One decimal place for rates and percentages, thousands separators for counts."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "–"
    if unit == "percent":
        return f"{value:.1f}%"
    if unit in {"count", "bed_days"}:
        return f"{value:,.0f}"
    if unit == "minutes":
        return f"{value:.1f} min"
    return f"{value:,.1f}"


def format_month(value: date | None) -> str:
    return value.strftime("%B %Y") if value else "–"


def make_templates() -> Jinja2Templates:
    templates = Jinja2Templates(directory=str(TEMPLATES_DIR))
    templates.env.filters["value"] = format_value
    templates.env.filters["month"] = format_month
    return templates
