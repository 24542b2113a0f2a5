"""Centre line and process limits per (series, rebase group): ``ptd_spc_standard``.

Baseline: the first ``fix_after_n_points`` points of each group (all points if unset).
mean = mean of the baseline; MR_i = |y_i - y_{i-1}| inside the baseline; AMR = mean of MR.
Screening (one pass): keep MR strictly below 3.267 × AMR and take AMR again. An empty set
of moving ranges (one point, or a flat series screened to nothing) gives NaN limits.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from oversight.stats.spc.constants import LIMIT, LIMIT_CLOSE, SCREEN
from oversight.stats.spc.segments import BoolArray, FloatArray, IntArray, fast_mean, r_mean


@dataclass(frozen=True)
class GroupLimits:
    """Per-group centre line and average moving range (after screening)."""

    mean: FloatArray
    amr: FloatArray


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


#: Relative distance under which a comparison could flip between the double-precision
#: mean and R's long-double mean (they differ by a few ulps, about 1e-16).
_TIE_TOLERANCE = 1e-12


def _limits(
    y: FloatArray,
    starts: IntArray,
    sizes: IntArray,
    pos: IntArray,
    fix_after: float,
    screen: bool,
    mean_of: Callable[[FloatArray, BoolArray, IntArray, IntArray], FloatArray],
) -> tuple[FloatArray, FloatArray, FloatArray, BoolArray, FloatArray]:
    """mean, screened AMR, moving ranges, their mask and the unscreened AMR per group."""
    baseline = (pos + 1) <= fix_after
    mean = mean_of(y, baseline, starts, sizes)
    mr = np.zeros_like(y)
    if y.size > 1:
        mr[1:] = np.abs(np.diff(y))
    has_mr = baseline & (pos >= 1)
    amr_raw = mean_of(mr, has_mr, starts, sizes)
    amr = amr_raw
    if screen:
        with np.errstate(invalid="ignore"):
            kept = has_mr & (mr < np.repeat(SCREEN * amr_raw, sizes))
        amr = mean_of(mr, kept, starts, sizes)
    return mean, amr, mr, has_mr, amr_raw


def _near_ties(
    y: FloatArray,
    starts: IntArray,
    sizes: IntArray,
    parts: tuple[FloatArray, FloatArray, FloatArray, BoolArray, FloatArray],
    target: FloatArray,
    screen: bool,
) -> BoolArray:
    """Groups where a point, moving range or target is within a hair of the mean, a limit
    or the screening threshold: only there can the last bit of the mean matter.
    ``target`` is per group (NaN for none)."""
    mean, amr, mr, has_mr, amr_raw = parts
    with np.errstate(invalid="ignore"):
        tol_g = _TIE_TOLERANCE * (np.abs(mean) + 4 * np.abs(amr) + np.abs(np.nan_to_num(target)))
        t_dist = np.abs(target - mean)
        group_near = np.abs(t_dist - LIMIT * amr) <= tol_g
        tol = np.repeat(tol_g, sizes)
        dist = np.subtract(y, np.repeat(mean, sizes))
        np.abs(dist, out=dist)
        near = dist <= tol
        tmp = dist
        for line in (LIMIT * amr, LIMIT_CLOSE * amr):
            tmp = np.repeat(line, sizes)
            np.subtract(dist, tmp, out=tmp)
            np.abs(tmp, out=tmp)
            near |= tmp <= tol
        if screen:
            threshold = np.repeat(SCREEN * amr_raw, sizes)
            np.subtract(mr, threshold, out=tmp)
            np.abs(tmp, out=tmp)
            threshold += mr
            threshold *= _TIE_TOLERANCE
            near |= has_mr & (tmp <= threshold)
    return np.logical_or.reduceat(near, starts) | group_near


def group_limits(
    y: FloatArray,
    starts: IntArray,
    sizes: IntArray,
    pos: IntArray,
    fix_after: float,
    screen: bool,
    target: FloatArray,
) -> GroupLimits:
    """Mean and AMR per group, as the reference computes them (``target``: per group).

    Computed in double precision first; groups with a near tie (see ``_near_ties``) are
    recomputed with R's long-double algorithm, so every comparison agrees with R while the
    bulk of the work stays fast. Other groups differ from R by at most a few ulps.
    """
    parts = _limits(y, starts, sizes, pos, fix_after, screen, fast_mean)
    mean, amr = parts[0].copy(), parts[1].copy()
    redo = _near_ties(y, starts, sizes, parts, target, screen)
    if redo.any():
        pts = np.repeat(redo, sizes)
        sub_sizes = sizes[redo]
        sub_starts = np.concatenate(([0], np.cumsum(sub_sizes)[:-1]))
        exact = _limits(y[pts], sub_starts, sub_sizes, pos[pts], fix_after, screen, r_mean)
        mean[redo], amr[redo] = exact[0], exact[1]
    return GroupLimits(mean=mean, amr=amr)


def point_limits(
    y: FloatArray, sizes: IntArray, pos: IntArray, fix_after: float, group: GroupLimits
) -> PointLimits:
    """Broadcast the group limits to points and test each point against them."""
    mean, amr = group.mean, group.amr

    def spread(values: FloatArray) -> FloatArray:
        return np.repeat(values, sizes)

    m = spread(mean)
    lpl = spread(mean - LIMIT * amr)
    upl = spread(mean + LIMIT * amr)
    nlpl = spread(mean - LIMIT_CLOSE * amr)
    nupl = spread(mean + LIMIT_CLOSE * amr)
    outside = (y > upl) | (y < lpl)
    close = ~outside & ((y < nlpl) | (y > nupl))
    fix_y = y if fix_after == np.inf else np.where((pos + 1) <= fix_after, y, np.nan)
    return PointLimits(
        fix_y=fix_y,
        mean=m,
        lpl=lpl,
        upl=upl,
        nlpl=nlpl,
        nupl=nupl,
        outside=outside,
        close=close,
        na=spread(np.isnan(amr)),
        relative_to_mean=np.sign(y - m).astype(np.int8),
    )
