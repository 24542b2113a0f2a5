"""Combining metric scores: the average of the scored metrics, rounded half up, and the
minimum number of scored metrics an organisation needs to be segmented."""

from __future__ import annotations

import math
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal


def round_half_up(value: float, decimals: int) -> float:
    """Round as a person would (2.345 → 2.35), on the decimal text of the float, not on its
    binary value (Python's round(2.345, 2) gives 2.34)."""
    quantum = Decimal(1).scaleb(-decimals)
    return float(Decimal(repr(value)).quantize(quantum, rounding=ROUND_HALF_UP))


def average(scores: Iterable[float], decimals: int) -> float | None:
    """Mean of the scores given (unscored metrics are left out by the caller), rounded half up.

    Summed in decimal arithmetic on each score's decimal text, so the mean of 2.34 and 2.35 is
    exactly 2.345 and rounds to 2.35 (in binary floating point it is 2.3449999… and would not).
    """
    given = list(scores)
    if not given:
        return None
    scale = 10**decimals
    units = [round(s * scale) for s in given]
    if all(u > 0 and abs(s * scale - u) < 1e-6 for s, u in zip(given, units, strict=True)):
        # Scores already on the grid of `decimals` (the usual case): exact integer arithmetic,
        # half up, the same answer as the decimal path below and far faster.
        return mean_of_units(sum(units), len(units), decimals)
    kept = [Decimal(repr(s)) for s in given]
    mean = sum(kept, Decimal(0)) / len(kept)
    return float(mean.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP))


def mean_of_units(total: int, count: int, decimals: int) -> float:
    """The mean of `count` scores that add up to `total` units of 10^-decimals, rounded half up
    to `decimals` places in exact integer arithmetic (scores are positive)."""
    return ((2 * total + count) // (2 * count)) / 10**decimals


def units(score: float, decimals: int) -> int:
    """A score on the grid of `decimals` places as a whole number of units (2.35 → 235)."""
    return round(score * 10**decimals)


def minimum_scored(share: float, n_metrics: int) -> int:
    """Fewest scored metrics needed: the share of the rule set's metrics, rounded up."""
    return max(1, math.ceil(share * n_metrics - 1e-9))
