"""Segment-wise primitives on a flat array cut into contiguous groups.

Every series (and every rebase group inside it) is a contiguous slice of one flat array, so
per-group statistics are ``np.add.reduceat`` calls and sliding windows are streak lengths
and cumulative sums. No Python loop runs over groups.
"""

from __future__ import annotations

import numpy as np
import numpy.typing as npt

FloatArray = npt.NDArray[np.float64]
IntArray = npt.NDArray[np.int64]
BoolArray = npt.NDArray[np.bool_]


def r_mean(
    values: FloatArray, mask: BoolArray | None, starts: IntArray, sizes: IntArray
) -> FloatArray:
    """Mean of ``values[mask]`` per group (all values if mask is None), as R's ``mean()``.

    R sums in long double, divides, then adds the mean residual (a second pass) before
    rounding to double. Copying that keeps points that sit exactly on the mean (or a limit)
    there, so ties agree with the reference. An empty group gives NaN.
    """
    ld = values.astype(np.longdouble)
    if mask is None:
        count = sizes.astype(np.longdouble)
        masked = ld
    else:
        count = np.add.reduceat(mask.astype(np.int64), starts).astype(np.longdouble)
        masked = np.where(mask, ld, 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.add.reduceat(masked, starts) / count
        residual = ld - np.repeat(first, sizes)
        if mask is not None:
            residual[~mask] = 0
        second = first + np.add.reduceat(residual, starts) / count
    return np.where(np.isfinite(first), second, first).astype(np.float64)


def fast_mean(
    values: FloatArray, mask: BoolArray | None, starts: IntArray, sizes: IntArray
) -> FloatArray:
    """The same two-pass mean in double precision: within a few ulps of ``r_mean``."""
    if mask is None:
        count = sizes
        buf = values.copy()
    else:
        count = np.add.reduceat(mask, starts, dtype=np.int64)
        buf = np.where(mask, values, 0.0)
    with np.errstate(invalid="ignore", divide="ignore"):
        first = np.add.reduceat(buf, starts) / count
        np.subtract(buf, np.repeat(first, sizes), out=buf, where=mask if mask is not None else True)
        second = first + np.add.reduceat(buf, starts) / count
    return np.where(np.isfinite(first), second, first)


def trailing_all(indicator: BoolArray, width: int) -> BoolArray:
    """True where the ``width`` values ending at this index are all true (by doubling)."""
    out = indicator.copy()
    have = 1
    while have < width:
        step = min(have, width - have)
        out[step:] &= out[:-step].copy()
        out[:step] = False
        have += step
    return out


def leading_any(indicator: BoolArray, width: int) -> BoolArray:
    """True where any value in the window of ``width`` starting at this index is true."""
    out = indicator.copy()
    have = 1
    while have < width:
        step = min(have, width - have)
        out[:-step] |= out[step:].copy()
        have += step
    return out


def same_nonzero_run(codes: np.ndarray, width: int) -> BoolArray:
    """True where the ``width`` codes ending here are equal and not 0."""
    same = np.zeros(codes.size, dtype=bool)
    same[1:] = codes[1:] == codes[:-1]
    return trailing_all(same, width - 1) & (codes != 0) if width > 1 else codes != 0


def shift_next(values: npt.NDArray[np.generic], fill: object) -> npt.NDArray[np.generic]:
    """``values[i + 1]`` at each index, ``fill`` at the end."""
    out = np.empty_like(values)
    out[:-1] = values[1:]
    if values.size:
        out[-1] = fill
    return out
