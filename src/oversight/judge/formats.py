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
    return f"{value:,.1f}"


def format_month(value: date | None) -> str:
    return value.strftime("%B %Y") if value else "–"


def ordinal(n: int) -> str:
    """1st, 2nd, 3rd, 4th … 11th, 12th, 13th, 21st."""
    if 10 <= n % 100 <= 20:
        return f"{n}th"
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"
