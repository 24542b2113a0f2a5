"""Segment-wise primitives on a flat array cut into contiguous groups.

Every series (and every rebase group inside it) is a contiguous slice of one flat array, so
per-group statistics are ``np.add.reduceat`` calls and sliding windows are differences of
cumulative sums. No Python loop runs over groups.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def r_mean(values: FloatArray, mask: BoolArray, starts: IntArray, gid: IntArray) -> FloatArray:
    """Mean of ``values[mask]`` per group, computed the way R's ``mean()`` does.

    R sums in long double, divides, then adds the mean residual (a second pass) before
    rounding to double. Copying that keeps points that sit exactly on the mean on it, so
    ``relative_to_mean`` ties agree with the reference. An empty group gives NaN.
    """
    ld = values.astype(np.longdouble)
    count = np.add.reduceat(mask.astype(np.int64), starts).astype(np.longdouble)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.add.reduceat(np.where(mask, ld, 0), starts) / count
        residual = np.where(mask, ld - first[gid], 0)
        second = first + np.add.reduceat(residual, starts) / count
    return np.where(np.isfinite(first), second, first).astype(np.float64)


def trailing_count(indicator: BoolArray, width: int) -> IntArray:
    """Number of true values in the window of ``width`` ending at each index (clipped at 0)."""
    csum = np.concatenate(([0], np.cumsum(indicator, dtype=np.int64)))
    idx = np.arange(1, indicator.size + 1)
    return csum[idx] - csum[np.maximum(idx - width, 0)]


def leading_any(indicator: BoolArray, width: int) -> BoolArray:
    """True where any value in the window of ``width`` starting at each index is true."""
    csum = np.concatenate(([0], np.cumsum(indicator, dtype=np.int64)))
    idx = np.arange(indicator.size)
    return (csum[np.minimum(idx + width, indicator.size)] - csum[idx]) > 0


def shift_next(values: npt.NDArray[np.generic], fill: object) -> npt.NDArray[np.generic]:
    """``values[i + 1]`` at each index, ``fill`` at the end."""
    out = np.empty_like(values)
    out[:-1] = values[1:]
    if values.size:
        out[-1] = fill
    return out
