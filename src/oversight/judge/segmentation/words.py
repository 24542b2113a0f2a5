"""Numbers as people read them, and rounding a shown number on the safe side."""

from __future__ import annotations

import math

from oversight.catalogue.models import Metric


def number(value: float, unit: str) -> str:
    """71.23 percent → '71.23%'; 18.5 minutes → '18.5 minutes'; -5000 gbp_k → '£-5,000k'."""
    text = f"{value:,.2f}".rstrip("0").rstrip(".")
    if unit == "percent":
        return f"{text}%"
    if unit == "gbp_k":
        return f"£{text}k"
    if unit == "count":
        return text
    return f"{text} {unit.replace('_', ' ')}"


def shown(metric: Metric, value: float) -> str:
    return number(value, metric.unit)


def safe_round(value: float, up: bool, decimals: int = 2) -> float:
    """Round to `decimals` places up or down, so the shown figure never overstates a move."""
    scale = 10**decimals
    tiny = 1e-9 * max(1.0, abs(value))
    if up:
        return math.ceil(value * scale - tiny * scale) / scale
    return math.floor(value * scale + tiny * scale) / scale
