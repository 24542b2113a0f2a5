"""Numbers and months as every sentence and page writes them: the portal's templates use
these same functions (`oversight.publish.web.templating`), so the two cannot drift."""

from __future__ import annotations

import math
from datetime import date

COMPARISON_WORDS = {
    ">=": "at least",
    "<=": "at most",
    ">": "above",
    "<": "below",
    "==": "exactly",
}
"""How a target's comparison reads in a sentence: "a target of at least 76.0%"."""


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
    if unit == "gbp_k":
        return money_k(value)
    return f"{value:,.1f}"


def money_k(value: float) -> str:
    """Pounds given in thousands, the sign before the pound sign and the size scaled to k, m or
    bn with two decimals: -5.03 → '-£5.03k', -5030 → '-£5.03m', 1.4e6 → '£1.40bn'."""
    sign = "-" if value < 0 and round(abs(value), 2) != 0 else ""
    size = abs(value)
    for step, suffix in ((1e6, "bn"), (1e3, "m")):
        if round(size, 2) >= step:
            return f"{sign}£{size / step:,.2f}{suffix}"
    return f"{sign}£{size:,.2f}k"


def format_month(value: date | None) -> str:
    return value.strftime("%B %Y") if value else "–"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
