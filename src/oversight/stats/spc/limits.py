"""Centre line and process limits per (series, rebase group): ``ptd_spc_standard``.

Baseline: the first ``fix_after_n_points`` points of each group (all points if unset).
mean = mean of the baseline; MR_i = |y_i - y_{i-1}| inside the baseline; AMR = mean of MR.
Screening (one pass): keep MR strictly below 3.267 × AMR and take AMR again. An empty set
of moving ranges (one point, or a flat series screened to nothing) gives NaN limits.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oversight.stats.spc.constants import LIMIT, LIMIT_CLOSE, SCREEN
from oversight.stats.spc.segments import BoolArray, FloatArray, IntArray, r_mean


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


def group_limits(
    y: FloatArray,
    starts: IntArray,
    gid: IntArray,
    pos: IntArray,
    fix_after: float,
    screen: bool,
) -> GroupLimits:
    """Mean and AMR per group, as the reference computes them."""
    baseline = (pos + 1) <= fix_after
    mean = r_mean(y, baseline, starts, gid)
    mr = np.zeros_like(y)
    if y.size > 1:
        mr[1:] = np.abs(np.diff(y))
    has_mr = baseline & (pos >= 1)
    amr = r_mean(mr, has_mr, starts, gid)
    if screen:
        with np.errstate(invalid="ignore"):
            kept = has_mr & (mr < (SCREEN * amr)[gid])
        amr = r_mean(mr, kept, starts, gid)
    return GroupLimits(mean=mean, amr=amr)


def point_limits(
    y: FloatArray, gid: IntArray, pos: IntArray, fix_after: float, group: GroupLimits
) -> PointLimits:
    """Broadcast the group limits to points and test each point against them."""
    mean = group.mean[gid]
    amr = group.amr[gid]
    lpl = mean - LIMIT * amr
    upl = mean + LIMIT * amr
    nlpl = mean - LIMIT_CLOSE * amr
    nupl = mean + LIMIT_CLOSE * amr
    na = np.isnan(amr)
    outside = (y > upl) | (y < lpl)
    close = ~outside & ((y < nlpl) | (y > nupl))
    fix_y = np.where((pos + 1) <= fix_after, y, np.nan)
    return PointLimits(
        fix_y=fix_y,
        mean=mean,
        lpl=lpl,
        upl=upl,
        nlpl=nlpl,
        nupl=nupl,
        outside=outside,
        close=close,
        na=na,
        relative_to_mean=np.sign(y - mean).astype(np.int8),
    )
