"""The gap between two groups with its 95% interval, for many pairs at once.

The same methods as `oversight.stats.inequality.quintile_gap` (which does one pair per call and
is too slow for every organisation × metric × month): proportions, Newcombe's hybrid Wilson
score interval for p_a − p_b; rates, the normal approximation with var = x_a/n_a² + x_b/n_b²;
means, the normal approximation from each group's standard error sd/√n. The tests check the
proportion and rate results equal quintile_gap's on the same counts.
"""

from __future__ import annotations

import numpy as np
from scipy.special import ndtri

from oversight.stats.intervals import proportion_ci

Z95 = float(ndtri(0.975))
FloatArray = np.ndarray


def _proportion(x: FloatArray, n: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """p, Wilson lower and upper (95%) per element."""
    ci = proportion_ci(x, n, confidence=0.95)
    return x / n, ci["lowercl"].to_numpy(float), ci["uppercl"].to_numpy(float)


def gap(
    statistic: str,
    x_a: FloatArray,
    n_a: FloatArray,
    x_b: FloatArray,
    n_b: FloatArray,
    *,
    multiplier: float = 1.0,
    sd_a: FloatArray | None = None,
    sd_b: FloatArray | None = None,
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """(gap, lower, upper) of group a minus group b on the metric's scale.

    proportion and rate: x numerators, n denominators; mean: x totals (in the metric's stored
    unit, so value = x/n·multiplier), n counts, sd per group on the value scale."""
    x_a, n_a, x_b, n_b = (np.asarray(a, dtype=float) for a in (x_a, n_a, x_b, n_b))
    if statistic == "proportion":
        pa, la, ua = _proportion(x_a, n_a)
        pb, lb, ub = _proportion(x_b, n_b)
        d = pa - pb
        lower = d - np.sqrt((pa - la) ** 2 + (ub - pb) ** 2)
        upper = d + np.sqrt((ua - pa) ** 2 + (pb - lb) ** 2)
        return d * multiplier, lower * multiplier, upper * multiplier
    if statistic == "rate":
        d = x_a / n_a - x_b / n_b
        half = Z95 * np.sqrt(x_a / n_a**2 + x_b / n_b**2)
        return d * multiplier, (d - half) * multiplier, (d + half) * multiplier
    if statistic == "mean":
        if sd_a is None or sd_b is None:
            raise ValueError("sd_a: means need each group's standard deviation")
        d = (x_a / n_a - x_b / n_b) * multiplier
        half = Z95 * np.sqrt(np.asarray(sd_a) ** 2 / n_a + np.asarray(sd_b) ** 2 / n_b)
        return d, d - half, d + half
    raise ValueError(f"statistic: {statistic!r} must be proportion, rate or mean")
