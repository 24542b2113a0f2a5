"""Centre line and process limits per (series, rebase group): ``ptd_spc_standard``.

Baseline: the first ``fix_after_n_points`` points of each group (all points if unset).
mean = mean of the baseline; MR_i = |y_i - y_{i-1}| inside the baseline; AMR = mean of MR.
Screening (one pass): keep MR strictly below 3.267 × AMR and take AMR again. An empty set
of moving ranges (one point, or a flat series screened to nothing) gives NaN limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields

import numpy as np

from oversight.stats.spc.constants import LIMIT, LIMIT_CLOSE, SCREEN
from oversight.stats.spc.segments import BoolArray, FloatArray, IntArray, fast_mean, r_mean

#: Relative distance under which a comparison could flip between the double-precision
#: mean and R's long-double mean (they differ by a few ulps, about 1e-16).
_TIE_TOLERANCE = 1e-12

MeanOf = Callable[[FloatArray, BoolArray | None, IntArray, IntArray, bool], FloatArray]


@dataclass(frozen=True)
class PointLimits:
    """Per-point limits and the tests against them; NaN limits make the tests NA."""

    fix_y: FloatArray
    mean: FloatArray
    lpl: FloatArray
    upl: FloatArray
    nlpl: FloatArray
    nupl: FloatArray
    outside: BoolArray
    close: BoolArray
    na: BoolArray
    relative_to_mean: np.ndarray

    def patch(self, points: BoolArray, other: PointLimits) -> None:
        """Overwrite the given points with ``other``'s values (fix_y never changes)."""
        for f in fields(self):
            if f.name != "fix_y":
                getattr(self, f.name)[points] = getattr(other, f.name)


def baseline_mask(starts: IntArray, sizes: IntArray, n: int, fix_after: float) -> BoolArray | None:
    """Points inside the first ``fix_after`` of their group; None when every point is."""
    if fix_after == np.inf:
        return None
    pos = np.arange(n, dtype=np.int64) - np.repeat(starts, sizes)
    return (pos + 1) <= fix_after


@dataclass(frozen=True)
class GroupStats:
    """Per-group mean and AMR, with the moving ranges and screening threshold per point."""

    mean: FloatArray
    amr: FloatArray
    mr: FloatArray
    has_mr: BoolArray
    threshold: FloatArray | None  # 3.267 × unscreened AMR, per point; None without screening


def _group_stats(
    y: FloatArray,
    starts: IntArray,
    sizes: IntArray,
    first: BoolArray,
    baseline: BoolArray | None,
    screen: bool,
    mean_of: MeanOf,
) -> GroupStats:
    """Centre line and (screened) average moving range of every group."""
    mean = mean_of(y, baseline, starts, sizes, False)
    mr = np.empty_like(y)
    mr[:1] = 0.0
    np.subtract(y[1:], y[:-1], out=mr[1:])
    np.abs(mr, out=mr)
    has_mr = ~first if baseline is None else baseline & ~first
    amr = mean_of(mr, has_mr, starts, sizes, True)
    threshold = None
    if screen:
        threshold = np.repeat(SCREEN * amr, sizes)
        with np.errstate(invalid="ignore"):
            kept = has_mr & (mr < threshold)
        amr = mean_of(mr, kept, starts, sizes, True)
    return GroupStats(mean=mean, amr=amr, mr=mr, has_mr=has_mr, threshold=threshold)


def _point_limits(
    y: FloatArray,
    sizes: IntArray,
    baseline: BoolArray | None,
    mean: FloatArray,
    amr: FloatArray,
) -> PointLimits:
    """Broadcast the group limits to points and test each point against them."""

    def spread(values: np.ndarray) -> np.ndarray:
        return np.repeat(values, sizes)

    m = spread(mean)
    lpl = spread(mean - LIMIT * amr)
    upl = spread(mean + LIMIT * amr)
    nlpl = spread(mean - LIMIT_CLOSE * amr)
    nupl = spread(mean + LIMIT_CLOSE * amr)
    outside = (y > upl) | (y < lpl)
    close = ~outside & ((y < nlpl) | (y > nupl))
    return PointLimits(
        fix_y=y if baseline is None else np.where(baseline, y, np.nan),
        mean=m,
        lpl=lpl,
        upl=upl,
        nlpl=nlpl,
        nupl=nupl,
        outside=outside,
        close=close,
        na=spread(np.isnan(amr)),
        # sign(y - m) for finite y and m, without np.sign (slow on floats)
        relative_to_mean=(y > m).view(np.int8) - (y < m).view(np.int8),
    )


def _near_ties(
    y: FloatArray,
    starts: IntArray,
    sizes: IntArray,
    stats: GroupStats,
    lim: PointLimits,
    target: FloatArray,
) -> BoolArray:
    """Groups where a point, moving range or target is within a hair of the mean, a limit
    or the screening threshold: only there can the last bit of the mean matter.
    ``target`` is per group (NaN for none)."""
    mean, amr = stats.mean, stats.amr
    with np.errstate(invalid="ignore"):
        scale = np.abs(mean) + 4 * np.abs(np.nan_to_num(amr)) + np.abs(np.nan_to_num(target))
        tol = _TIE_TOLERANCE * scale
        near = np.abs(np.abs(target - mean) - LIMIT * amr) <= tol
        # Distance to the nearest of the mean, near lines and limits (m ± c·AMR), from
        # |y - m|: exact to within an ulp of the lines, far below the tolerance.
        gap = np.abs(y - lim.mean)
        nearest = gap.copy()
        buf = np.empty_like(y)
        for c in (LIMIT_CLOSE, LIMIT):
            np.subtract(gap, np.repeat(c * amr, sizes), out=buf)
            np.abs(buf, out=buf)
            np.fmin(nearest, buf, out=nearest)
        near |= np.fmin.reduceat(nearest, starts) <= tol
        if stats.threshold is not None:
            np.subtract(stats.mr, stats.threshold, out=buf)
            np.abs(buf, out=buf)
            band = stats.threshold + stats.mr
            band *= _TIE_TOLERANCE
            near |= np.logical_or.reduceat(stats.has_mr & (buf <= band), starts)
    return near


def point_limits(
    y: FloatArray,
    starts: IntArray,
    sizes: IntArray,
    first: BoolArray,
    baseline: BoolArray | None,
    screen: bool,
    target: FloatArray,
) -> PointLimits:
    """Limits of every point, as the reference computes them (``target``: per group).

    Computed in double precision first; groups with a near tie (see ``_near_ties``) are
    recomputed with R's long-double mean, so every comparison agrees with R while the bulk
    of the work stays fast. Other groups differ from R by at most a few ulps.
    """
    stats = _group_stats(y, starts, sizes, first, baseline, screen, fast_mean)
    lim = _point_limits(y, sizes, baseline, stats.mean, stats.amr)
    redo = _near_ties(y, starts, sizes, stats, lim, target)
    if redo.any():
        pts = np.repeat(redo, sizes)
        sub_sizes = sizes[redo]
        sub_starts = np.concatenate(([0], np.cumsum(sub_sizes)[:-1]))
        sub_base = None if baseline is None else baseline[pts]
        sub_y = y[pts]
        exact = _group_stats(sub_y, sub_starts, sub_sizes, first[pts], sub_base, screen, r_mean)
        lim.patch(pts, _point_limits(sub_y, sub_sizes, sub_base, exact.mean, exact.amr))
    return lim
