"""Confidence intervals for proportions, crude rates and means (PHEindicatormethods).

Reproduces ``phe_proportion`` (Wilson score, no continuity correction),
``phe_rate`` (exact Poisson below 10 events, Byar from 10) and ``phe_mean``
(Student t) number for number, vectorised over rows. No loops over rows.

Confidence may be one level (0.95 or 95) giving ``lowercl``/``uppercl``, or
exactly (0.95, 0.998) giving ``lower95_0cl, upper95_0cl, lower99_8cl, upper99_8cl``.
Directly and indirectly standardised rates live in :mod:`oversight.stats.standardisation`.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike
from scipy.special import stdtrit

from oversight.stats import _validate as v
from oversight.stats._poisson import count_limits
from oversight.stats._validate import FloatArray

Confidence = float | Sequence[float]

_BLOCK = 1 << 16  # rows per block: a few arrays of this size stay in cache
_WORKERS = max(1, min(8, os.cpu_count() or 1))


def _label(multiplier: float, kind: str) -> str:
    if kind == "proportion":
        return "percentage" if multiplier == 100 else f"proportion of {multiplier:g}"
    return f"{kind} per {multiplier:g}"


def _frame(columns: dict[str, FloatArray], attrs: dict[str, object]) -> pd.DataFrame:
    frame = pd.DataFrame(columns, copy=False)
    frame.attrs.update(attrs)
    return frame


def _wilson_block(
    x: FloatArray, n: FloatArray, z: float, mult: float, lo: FloatArray, hi: FloatArray
) -> None:
    """Wilson bounds for one cache-sized block, written into ``lo``/``hi``.

    Same algebra as the reference, (2x + z² ∓ z·√(z² + 4x(1 − x/n))) / (2(n + z²)),
    evaluated in place. With x = 0 the root equals z exactly, so the lower bound is 0.
    """
    z2 = z * z
    root = x / n
    np.subtract(1, root, out=root)
    root *= x
    root *= 4
    root += z2
    np.sqrt(root, out=root)
    root *= z
    np.multiply(x, 2, out=hi)
    hi += z2
    scale = n + z2
    scale *= 2 / mult
    np.subtract(hi, root, out=lo)
    lo /= scale
    hi += root
    hi /= scale
    np.copyto(hi, mult, where=x == n)


def _blockwise(length: int, work: Callable[[slice], None]) -> None:
    """Run ``work`` over cache-sized slices, on every core (numpy frees the GIL)."""
    slices = [slice(i, min(i + _BLOCK, length)) for i in range(0, length, _BLOCK)]
    if len(slices) <= 2:
        for part in slices:
            work(part)
        return
    with ThreadPoolExecutor(max_workers=_WORKERS) as pool:
        list(pool.map(work, slices))


def _wilson(x: FloatArray, n: FloatArray, level: float, mult: float) -> tuple[FloatArray, ...]:
    lower = np.empty_like(x)
    upper = np.empty_like(x)
    if level == 1:
        lower.fill(0.0)
        upper.fill(mult)
        return lower, upper
    z = v.z_two_sided(level)
    fx, fn, flo, fhi = x.reshape(-1), n.reshape(-1), lower.reshape(-1), upper.reshape(-1)

    def work(part: slice) -> None:
        _wilson_block(fx[part], fn[part], z, mult, flo[part], fhi[part])

    _blockwise(fx.size, work)
    return lower, upper


def proportion_ci(
    x: ArrayLike, n: ArrayLike, *, confidence: Confidence = 0.95, multiplier: float = 1
) -> pd.DataFrame:
    """Wilson score interval for x events out of n (``phe_proportion``).

    Returns a DataFrame with ``value`` (x/n × multiplier) and the bound columns;
    ``attrs`` carries confidence, statistic ("percentage" when the multiplier is
    100, else "proportion of <m>") and method ("Wilson"). x = 0 gives a lower
    bound of exactly 0, x = n an upper bound of exactly the multiplier, and
    confidence 1 gives 0 and the multiplier.
    """
    levels = v.confidence_levels(confidence)
    mult = v.multiplier_value(multiplier)
    xa = v.as_array("x", x)
    na = v.as_array("n", n)
    v.same_shape(x=xa, n=na)
    v.nonnegative("x", xa)
    v.positive("n", na)
    v.fail_where(xa > na, "x", "numerator above denominator")
    xa, na = xa.reshape(-1), na.reshape(-1)
    value = np.divide(xa, na)
    value *= mult
    columns: dict[str, FloatArray] = {"value": value}
    for level, (lo, hi) in zip(levels, v.ci_names(levels), strict=True):
        columns[lo], columns[hi] = _wilson(xa, na, level, mult)
    return _frame(
        columns,
        {"confidence": levels, "statistic": _label(mult, "proportion"), "method": "Wilson"},
    )


def rate_ci(
    x: ArrayLike, n: ArrayLike, *, confidence: Confidence = 0.95, multiplier: float = 100000
) -> pd.DataFrame:
    """Crude rate x/n × multiplier with exact (x < 10) or Byar (x ≥ 10) limits.

    Columns: ``value``, the bound columns and ``method`` ("Exact"/"Byars", per row).
    A negative Byar lower limit becomes NaN, as in the reference.
    """
    levels = v.confidence_levels(confidence)
    mult = v.multiplier_value(multiplier)
    xa = v.as_array("x", x)
    na = v.as_array("n", n)
    v.same_shape(x=xa, n=na)
    v.nonnegative("x", xa)
    v.positive("n", na)
    flat_x, flat_n = xa.ravel(), na.ravel()
    columns: dict[str, object] = {"value": flat_x / flat_n * mult}
    for level, (lo, hi) in zip(levels, v.ci_names(levels), strict=True):
        lower, upper, exact = count_limits(flat_x, level)
        columns[lo] = lower / flat_n * mult
        columns[hi] = upper / flat_n * mult
    columns["method"] = pd.Categorical.from_codes(
        np.where(exact, 0, 1).astype(np.int8), categories=["Exact", "Byars"]
    )
    frame = pd.DataFrame(columns)
    frame.attrs.update({"confidence": levels, "statistic": _label(mult, "rate")})
    return frame


def mean_ci(
    values: ArrayLike | None = None,
    *,
    total: ArrayLike | None = None,
    count: ArrayLike | None = None,
    sd: ArrayLike | None = None,
    confidence: Confidence = 0.95,
) -> pd.DataFrame:
    """Mean with Student-t limits, mean ∓ |t_{n−1, α/2}|·sd/√n (``phe_mean``).

    Give either ``values`` (one group's observations; sample sd) or arrays of
    ``total``, ``count`` and ``sd`` (one row per group). Columns: value_sum,
    value_count, stdev, value and the bound columns. Needs count ≥ 2.
    """
    levels = v.confidence_levels(confidence)
    if values is not None:
        if total is not None or count is not None or sd is not None:
            raise ValueError("values: give values, or total/count/sd, not both")
        obs = v.as_array("values", values).ravel()
        if obs.size < 2:
            raise ValueError("values: at least 2 observations are needed for a t interval")
        sums = np.array([obs.sum()])
        counts = np.array([float(obs.size)])
        sds = np.array([obs.std(ddof=1)])
    else:
        if total is None or count is None or sd is None:
            raise ValueError("total: give values, or all of total, count and sd")
        sums = np.atleast_1d(v.as_array("total", total))
        counts = np.atleast_1d(v.as_array("count", count))
        sds = np.atleast_1d(v.as_array("sd", sd))
        v.same_shape(total=sums, count=counts, sd=sds)
        v.fail_where(counts < 2, "count", "at least 2 observations needed")
        v.nonnegative("sd", sds)
    mean = sums / counts
    columns: dict[str, FloatArray] = {
        "value_sum": sums,
        "value_count": counts,
        "stdev": sds,
        "value": mean,
    }
    for level, (lo, hi) in zip(levels, v.ci_names(levels), strict=True):
        half = np.abs(stdtrit(counts - 1, (1 - level) / 2)) * sds / np.sqrt(counts)
        columns[lo] = mean - half
        columns[hi] = mean + half
    return _frame(columns, {"confidence": levels, "method": "Student's t-distribution"})
