"""Directly and indirectly standardised rates (PHEindicatormethods).

``dsr`` follows ``calculate_dsr`` (Dobson method, Byar limits of the total count
for every O, suppressed when O < 10); ``isr_ratio`` and ``isr_rate`` follow
``calculate_ISRatio``/``calculate_ISRate`` (exact limits when O < 10, Byar from 10,
divided by the expected count). Inputs are 2-D (groups × age bands) or 1-D
(a single group); every group is computed at once.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from numpy.typing import ArrayLike

from oversight.stats import _validate as v
from oversight.stats._poisson import EXACT_BELOW, byars_lower, byars_upper, count_limits
from oversight.stats._validate import FloatArray

#: 2013 European Standard Population, 19 five-year bands 0-4, 5-9, ..., 85-89, 90+.
#: Source: Eurostat, "Revision of the European Standard Population: report of
#: Eurostat's task force", 2013 edition (ISBN 978-92-79-31094-2); the ``esp2013``
#: vector of PHEindicatormethods.
ESP2013: tuple[int, ...] = (
    5000, 5500, 5500, 5500, 6000, 6000, 6500, 7000, 7000, 7000,
    7000, 6500, 6000, 5500, 5000, 4000, 2500, 1500, 1000,
)  # fmt: skip

Confidence = float | Sequence[float]


def _grouped(name: str, values: ArrayLike, *, allow_nan: bool = False) -> FloatArray:
    arr = v.as_array(name, values, allow_nan=allow_nan)
    if arr.ndim == 1:
        arr = arr[np.newaxis, :]
    if arr.ndim != 2:
        raise ValueError(f"{name}: expected 1-D (bands) or 2-D (groups × bands), got {arr.ndim}-D")
    return arr


def _bands(
    name: str, values: ArrayLike, shape: tuple[int, int], *, allow_nan: bool = False
) -> FloatArray:
    arr = v.as_array(name, values, allow_nan=allow_nan)
    if arr.ndim == 1:
        if arr.shape[0] != shape[1]:
            raise ValueError(f"{name}: {arr.shape[0]} bands, expected {shape[1]}")
        return np.broadcast_to(arr, shape)
    if arr.shape != shape:
        raise ValueError(f"{name}: shape {arr.shape} does not match {shape}")
    return arr


def dsr(
    x: ArrayLike,
    n: ArrayLike,
    standard_population: ArrayLike = ESP2013,
    *,
    confidence: Confidence = 0.95,
    multiplier: float = 100000,
) -> pd.DataFrame:
    """Directly standardised rate per group with Dobson confidence limits.

    DSR = Σ(x·w/n)/Σw × multiplier; var = Σ(x·(w/n)²)/(Σw)²; bound =
    DSR + √(var/O)·(O_Byar − O) × multiplier. A missing x counts as 0. When the
    total count O is below 10 the value and bounds are NaN and ``statistic``
    says "dsr NA for total count < 10".
    """
    levels = v.confidence_levels(confidence)
    mult = v.multiplier_value(multiplier)
    xa = _grouped("x", x, allow_nan=True)
    na = _grouped("n", n)
    v.same_shape(x=xa, n=na)
    v.fail_where(xa < 0, "x", "negative value")
    v.positive("n", na)
    w = _bands("standard_population", standard_population, xa.shape)
    v.nonnegative("standard_population", w)  # calculate_dsr allows a zero weight
    v.positive("standard_population (total)", w.sum(axis=1))
    x0 = np.nan_to_num(xa, nan=0.0)
    total = x0.sum(axis=1)
    wsum = w.sum(axis=1)
    value = (x0 * w / na).sum(axis=1) / wsum * mult
    var = 1 / wsum**2 * (x0 * (w / na) ** 2).sum(axis=1)
    small = total < EXACT_BELOW
    columns: dict[str, object] = {
        "total_count": total,
        "total_pop": na.sum(axis=1),
        "value": np.where(small, np.nan, value),
    }
    with np.errstate(divide="ignore", invalid="ignore"):
        spread = np.sqrt(var / total)
        for level, (lo, hi) in zip(levels, v.ci_names(levels), strict=True):
            lower = value + spread * (byars_lower(total.copy(), level) - total) * mult
            upper = value + spread * (byars_upper(total, level) - total) * mult
            columns[lo] = np.where(small, np.nan, lower)
            columns[hi] = np.where(small, np.nan, upper)
    columns["statistic"] = np.where(small, "dsr NA for total count < 10", f"dsr per {mult:g}")
    frame = pd.DataFrame(columns)
    frame.attrs.update({"confidence": levels, "method": "Dobson"})
    return frame


def _indirect(
    x: ArrayLike, n: ArrayLike, x_ref: ArrayLike, n_ref: ArrayLike, levels: tuple[float, ...]
) -> tuple[FloatArray, FloatArray, dict[str, FloatArray], FloatArray, FloatArray]:
    """Observed, expected, count limits per level, and the reference totals."""
    xa = _grouped("x", x, allow_nan=True)
    na = _grouped("n", n, allow_nan=True)
    v.same_shape(x=xa, n=na)
    v.fail_where(xa < 0, "x", "negative value")
    v.fail_where(na < 0, "n", "negative value")
    xr = _bands("x_ref", x_ref, xa.shape, allow_nan=True)
    nr = _bands("n_ref", n_ref, xa.shape)
    v.fail_where(xr < 0, "x_ref", "negative value")
    v.positive("n_ref", nr)
    # R/ISRatio.R, R/ISRate.R: exp_x = na.zero(x_ref)/n_ref*na.zero(n); observed and
    # the reference rate's numerator drop missing values (sum(..., na.rm = TRUE)).
    observed = np.nan_to_num(xa, nan=0.0).sum(axis=1)
    xr = np.nan_to_num(xr, nan=0.0)
    expected = (xr / nr * np.nan_to_num(na, nan=0.0)).sum(axis=1)
    v.positive("expected", expected)
    bounds: dict[str, FloatArray] = {}
    for level, (lo, hi) in zip(levels, v.ci_names(levels), strict=True):
        lower, upper, _ = count_limits(observed, level)
        bounds[lo], bounds[hi] = lower, upper
    return observed, expected, bounds, xr.sum(axis=1), nr.sum(axis=1)


def isr_ratio(
    x: ArrayLike,
    n: ArrayLike,
    x_ref: ArrayLike,
    n_ref: ArrayLike,
    *,
    confidence: Confidence = 0.95,
    refvalue: float = 1,
) -> pd.DataFrame:
    """Indirectly standardised ratio O/E × refvalue (``calculate_ISRatio``).

    E = Σ n·x_ref/n_ref over the bands; limits are exact (O < 10) or Byar limits
    of O divided by E, times refvalue. A missing x counts as 0.
    """
    levels = v.confidence_levels(confidence)
    ref = v.multiplier_value(refvalue)
    observed, expected, bounds, _, _ = _indirect(x, n, x_ref, n_ref, levels)
    columns: dict[str, object] = {"observed": observed, "expected": expected}
    return _indirect_frame(
        columns,
        observed,
        expected,
        bounds,
        ref,
        levels,
        f"indirectly standardised ratio x {ref:g}",
    )


def isr_rate(
    x: ArrayLike,
    n: ArrayLike,
    x_ref: ArrayLike,
    n_ref: ArrayLike,
    *,
    confidence: Confidence = 0.95,
    multiplier: float = 100000,
) -> pd.DataFrame:
    """Indirectly standardised rate (O/E)·(Σx_ref/Σn_ref)·multiplier (``calculate_ISRate``)."""
    levels = v.confidence_levels(confidence)
    mult = v.multiplier_value(multiplier)
    observed, expected, bounds, xr_sum, nr_sum = _indirect(x, n, x_ref, n_ref, levels)
    ref_rate = xr_sum / nr_sum * mult  # R/ISRate.R: ref_rate already carries the multiplier
    columns: dict[str, object] = {"observed": observed, "expected": expected, "ref_rate": ref_rate}
    return _indirect_frame(
        columns,
        observed,
        expected,
        bounds,
        ref_rate,
        levels,
        f"indirectly standardised rate per {mult:g}",
    )


def _indirect_frame(
    columns: dict[str, object],
    observed: FloatArray,
    expected: FloatArray,
    bounds: dict[str, FloatArray],
    scale: float | FloatArray,
    levels: tuple[float, ...],
    statistic: str,
) -> pd.DataFrame:
    """The value O/E and the bounds of O over E, both times `scale`, with the method used."""
    columns["value"] = observed / expected * scale
    for name, count in bounds.items():
        columns[name] = count / expected * scale
    columns["method"] = np.where(observed < EXACT_BELOW, "Exact", "Byars")
    frame = pd.DataFrame(columns)
    frame.attrs.update({"confidence": levels, "statistic": statistic})
    return frame
