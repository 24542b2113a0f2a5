"""Numbers as people read them, and rounding a shown number on the safe side."""

from __future__ import annotations

import math

from oversight.catalogue.models import Metric


def number(value: float, unit: str, decimals: int = 2) -> str:
    """71.23 percent → '71.23%'; 18.5 minutes → '18.5 minutes'; -5000 gbp_k → '-£5,000k'.

    The sign goes before the pound sign, as the judge's own text writes money
    (judge.formats.money_k), and a figure that rounds to zero has none ('0', never '-0')."""
    digits = f"{abs(value):,.{decimals}f}"
    sign = "-" if value < 0 and digits.strip("0.,") else ""
    text = digits.rstrip("0").rstrip(".") if "." in digits else digits
    if unit == "percent":
        return f"{sign}{text}%"
    if unit == "gbp_k":
        return f"{sign}£{text}k"
    text = sign + text
    if unit == "count":
        return text
    return f"{text} {unit.replace('_', ' ')}"


def shown(metric: Metric, value: float, decimals: int = 2) -> str:
    return number(value, metric.unit, decimals)


def safe_figure(now: float, edge: float, up: bool, most: int = 6) -> tuple[float, int]:
    """The edge rounded on the safe side (`up` or down) to the fewest decimals (2 or more)
    that still show it apart from the current value."""
    for decimals in range(2, most + 1):
        safe = safe_round(edge, up=up, decimals=decimals)
        if f"{safe:.{decimals}f}" != f"{now:.{decimals}f}":
            return safe, decimals
    return safe_round(edge, up=up, decimals=most), most


def safe_round(value: float, up: bool, decimals: int = 2) -> float:
    """Round to `decimals` places up or down, so the shown figure never overstates a move."""
    scale = 10**decimals
    tiny = 1e-9 * max(1.0, abs(value))
    if up:
        return math.ceil(value * scale - tiny * scale) / scale
    return math.floor(value * scale + tiny * scale) / scale
