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
    values: FloatArray,
    mask: BoolArray | None,
    starts: IntArray,
    sizes: IntArray,
    nonnegative: bool = False,
) -> FloatArray:
    """Mean of ``values[mask]`` per group (all values if mask is None), as R's ``mean()``.

    R sums in long double, divides, then adds the mean residual (a second pass) before
    rounding to double. Copying that keeps points that sit exactly on the mean (or a limit)
    there, so ties agree with the reference. An empty group gives NaN. ``nonnegative`` is
    accepted for the same signature as ``fast_mean`` and not needed here.
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
    values: FloatArray,
    mask: BoolArray | None,
    starts: IntArray,
    sizes: IntArray,
    nonnegative: bool = False,
) -> FloatArray:
    """The same two-pass mean in double precision: within a few ulps of ``r_mean``.

    Masked-out values must count as +0.0 in both sums. When the caller knows the values
    are >= +0.0 (moving ranges: never -0.0) and they are finite, multiplying by the mask
    does that in one fast pass (a residual times 0 may be -0.0, which adds nothing:
    x + -0.0 == x for every x); other values go through ``np.where``, slower but exact.
    """
    with np.errstate(invalid="ignore", divide="ignore"):
        if mask is None:
            first = np.add.reduceat(values, starts) / sizes
            buf = values - np.repeat(first, sizes)
            second = first + np.add.reduceat(buf, starts) / sizes
            return np.where(np.isfinite(first), second, first)
        count = np.add.reduceat(mask, starts, dtype=np.int64)
        if nonnegative and values.size and values.max() < np.inf:
            buf = values * mask
            first = np.add.reduceat(buf, starts) / count
            np.subtract(values, np.repeat(first, sizes), out=buf)
            buf *= mask
        else:
            buf = np.where(mask, values, 0.0)
            first = np.add.reduceat(buf, starts) / count
            np.subtract(buf, np.repeat(first, sizes), out=buf, where=mask)
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
