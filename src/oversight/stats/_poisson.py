"""Confidence limits for an observed Poisson count: exact (chi-square) and Byar.

Both return limits for the *count*; callers divide by a denominator.
References: Breslow NE, Day NE. Statistical methods in cancer research, vol II,
IARC 1987 (Byar's approximation); the chi-square form of the exact Poisson limits.
"""

from __future__ import annotations

import numpy as np
from scipy.special import gammaincinv

from oversight.stats._validate import FloatArray, z_two_sided

#: PHEindicatormethods switches from exact to Byar limits at this many events.
EXACT_BELOW = 10


def byars_lower(x: FloatArray, level: float) -> FloatArray:
    """x·(1 − 1/(9x) − z/(3√x))³; a negative limit becomes NaN (as the reference)."""
    z = z_two_sided(level)
    with np.errstate(divide="ignore", invalid="ignore"):
        out = x * (1 - 1 / (9 * x) - z / (3 * np.sqrt(x))) ** 3
    out[out < 0] = np.nan
    return out


def byars_upper(x: FloatArray, level: float) -> FloatArray:
    """(x+1)·(1 − 1/(9(x+1)) + z/(3√(x+1)))³."""
    z = z_two_sided(level)
    x1 = x + 1
    with np.errstate(divide="ignore", invalid="ignore"):
        return x1 * (1 - 1 / (9 * x1) + z / (3 * np.sqrt(x1))) ** 3


def exact_lower(x: FloatArray, level: float) -> FloatArray:
    """χ²_{α/2}(2x)/2, written as the regularised-gamma inverse; 0 when x = 0."""
    alpha_half = (1 - level) / 2
    out = np.zeros_like(x)
    pos = x > 0
    out[pos] = gammaincinv(x[pos], alpha_half)
    return out


def exact_upper(x: FloatArray, level: float) -> FloatArray:
    """χ²_{1−α/2}(2x+2)/2."""
    return gammaincinv(x + 1, level + (1 - level) / 2)


def count_limits(x: FloatArray, level: float) -> tuple[FloatArray, FloatArray, np.ndarray]:
    """Exact limits below :data:`EXACT_BELOW` events, Byar's from there on.

    Returns (lower, upper, exact_mask).
    """
    exact = x < EXACT_BELOW
    lower = np.empty_like(x)
    upper = np.empty_like(x)
    lower[exact] = exact_lower(x[exact], level)
    upper[exact] = exact_upper(x[exact], level)
    big = ~exact
    lower[big] = byars_lower(x[big], level)
    upper[big] = byars_upper(x[big], level)
    return lower, upper, exact
