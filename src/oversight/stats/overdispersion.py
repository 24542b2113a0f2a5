"""Spiegelhalter (2005) overdispersion steps as FunnelPlotR computes them.

z-scores per data type, Winsorisation (PR, RC, SR-CQC) or SHMI truncation,
the dispersion ratio phi and the between-unit variance tau². Pure functions on
arrays of aggregated units.

Reference: Spiegelhalter DJ. Handling over-dispersion of performance indicators.
Qual Saf Health Care 2005;14:347-351; FunnelPlotR (NHS-R community).
"""

from __future__ import annotations

import numpy as np
from scipy.stats import rankdata

from oversight.stats._validate import FloatArray


def r_round(x: FloatArray, digits: int = 2) -> FloatArray:
    """R's ``round(x, digits)`` (nmath ``fround`` since R 4.0.0), vectorised.

    Not ``numpy.round``: numpy rounds ``x·10^d`` to an integer, so 0.075 becomes
    0.08 because 0.075·100 is exactly 7.5 in binary. R takes the two candidates
    xd = floor(|x|·10^d)/10^d and xu = ceil(|x|·10^d)/10^d and keeps the closer
    one to |x| (differences in double), xu on an exact tie when floor(|x|·10^d) is
    odd; x is returned as is when it has no more than 15 significant digits to
    spare (log10(2)·(½ + logb|x|) + d > 15), and 0, ±inf and NaN are unchanged.
    """
    a = np.abs(x)
    p10 = 10.0**digits
    with np.errstate(divide="ignore", invalid="ignore", over="ignore"):
        x10 = a * p10
        i10 = np.floor(x10)
        xd = i10 / p10
        xu = np.ceil(x10) / p10
        du = xu - a
        dd = a - xd
        up = (du < dd) | ((np.fmod(i10, 2.0) == 1) & (du == dd))
        out = np.copysign(np.where(up, xu, xd), x)
        logb = np.frexp(a)[1] - 1.0
        as_is = ~np.isfinite(x) | (a == 0) | (np.log10(2) * (0.5 + logb) + digits > 15)
    return np.where(as_is, x, out)


def zscores(
    numerator: FloatArray, denominator: FloatArray, data_type: str, sr_method: str, target: float
) -> tuple[FloatArray, FloatArray]:
    """Unadjusted z-scores and their within-unit standard errors s."""
    o, d = numerator, denominator
    with np.errstate(divide="ignore", invalid="ignore"):
        if data_type == "SR" and sr_method == "SHMI":
            return np.sqrt(d) * np.log(o / d), 1 / np.sqrt(d)
        if data_type == "SR":
            s = 1 / (2 * np.sqrt(d))
            return (np.sqrt(o / d) - 1) / s, s
        if data_type == "PR":
            s = 1 / (2 * np.sqrt(d))
            return (np.arcsin(np.sqrt(o / d)) - np.arcsin(np.sqrt(target))) / s, s
        s = np.sqrt(o / (o + 0.5) ** 2 + d / (d + 0.5) ** 2)
        return (np.log((o + 0.5) / (d + 0.5)) - np.log(target)) / s, s


def winsorise(z: FloatArray, trim_by: float) -> tuple[FloatArray, np.ndarray]:
    """Clamp z to its trim_by and 1 − trim_by quantiles (R type 7); keep every unit.

    Returns the Winsorised z and a mask of units that were clamped or sat on a bound.
    """
    lz, uz = np.quantile(z, [trim_by, 1 - trim_by])
    clamped = ~((z > lz) & (z < uz))
    return np.clip(z, lz, uz), clamped


def truncate(z: FloatArray, trim_by: float) -> tuple[FloatArray, np.ndarray]:
    """SHMI truncation: drop the outer groups of floor(rank·k/(N+1)), k = 1/trim_by.

    Ranks use average ties; units in group 0 or group k − 1 are dropped (NaN).
    Returns z with dropped units as NaN, and the dropped mask.
    """
    k = 1 / trim_by
    rank = rankdata(z, method="average")
    group = np.floor(rank * k / (z.size + 1))
    dropped = ~((group > 0) & (group < k - 1))
    return np.where(dropped, np.nan, z), dropped


def phi(kept_z: FloatArray) -> float:
    """Dispersion ratio (1/n)·Σz² over the n units left after trimming."""
    n = kept_z.size
    return float((1 / n) * np.sum(kept_z**2)) if n else float("nan")


def tau2(n: int, phi_value: float, s: FloatArray) -> float:
    """Between-unit variance: 0 if n·phi < n − 1, else the moment estimator (≥ 0)."""
    if s.size == 0 or n * phi_value < n - 1:
        return 0.0
    w = 1 / s**2
    denom = np.sum(w) - np.sum(w**2) / np.sum(w)
    return float(max(0.0, (n * phi_value - (n - 1)) / denom))
