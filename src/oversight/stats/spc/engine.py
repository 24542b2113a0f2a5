"""The vectorised SPC pipeline over many series at once, on flat sorted arrays.

Input is one flat value array sorted by series then date, the start index of every series,
and a mark on every point that starts a rebase group. Output is plain arrays (per point and
per series); the frame layer turns them into DataFrames. This is the only place the steps
are put together, so ``spc`` and ``spc_many`` cannot disagree.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from oversight.stats.spc import rules
from oversight.stats.spc.constants import WARNING_THRESHOLD
from oversight.stats.spc.limits import PointLimits, baseline_mask, point_limits
from oversight.stats.spc.segments import BoolArray, FloatArray, IntArray


@dataclass(frozen=True)
class EngineResult:
    """Per-point and per-series arrays of one SPC run."""

    rebase_group: IntArray
    short_group: BoolArray
    limits: PointLimits
    special_cause: np.ndarray  # int8 codes into labels.SPECIAL_CAUSE_TYPES
    point_type: np.ndarray  # int8 codes into labels.POINT_TYPES
    last: IntArray  # index of each series' last point
    series_short: BoolArray  # any short group in the series


def run_engine(
    y: FloatArray,
    series_starts: IntArray,
    rebase_mark: BoolArray,
    *,
    improvement: int,
    fix_after: float,
    screen: bool,
    target: FloatArray,
) -> EngineResult:
    """Run every step of ``ptd_spc`` over all series in one pass (``target``: per series,
    NaN for none)."""
    n = y.size
    series_sizes = np.diff(np.append(series_starts, n))
    if rebase_mark.any():
        boundary = rebase_mark.copy()
        boundary[series_starts] = True
        starts = np.flatnonzero(boundary)
        marks = np.cumsum(rebase_mark, dtype=np.int64)
        offset = marks[series_starts] - rebase_mark[series_starts]
        rebase_group = marks - np.repeat(offset, series_sizes)
    else:
        starts = series_starts
        rebase_group = np.zeros(n, dtype=np.int64)
    sizes = np.diff(np.append(starts, n))
    first = np.zeros(n, dtype=bool)
    first[starts] = True

    baseline = baseline_mask(starts, sizes, n, fix_after)
    first_group = np.searchsorted(starts, series_starts)
    if starts.size != series_starts.size:  # rebase groups: each takes its series' target
        target = np.repeat(target, np.diff(np.append(first_group, starts.size)))
    lim = point_limits(y, starts, sizes, first, baseline, screen, target)
    code = rules.special_cause_type(y, first, lim.outside, lim.close, lim.relative_to_mean)
    group_short = sizes < WARNING_THRESHOLD
    series_short = np.logical_or.reduceat(group_short, first_group)
    return EngineResult(
        rebase_group=rebase_group,
        short_group=np.repeat(group_short, sizes),
        limits=lim,
        special_cause=code,
        point_type=rules.point_type(code, improvement),
        last=np.append(series_starts[1:], n) - 1,
        series_short=series_short,
    )


def assurance(target: FloatArray, lpl: FloatArray, upl: FloatArray, improvement: int) -> np.ndarray:
    """``ptd_calculate_assurance_type`` per series from its last point's limits, as codes
    into ``labels.ASSURANCE_ICON`` (0 consistent_pass, 1 consistent_fail, 2 inconsistent).

    A NaN target or NaN limits fall through to "inconsistent", as in the reference.
    The caller decides when there is no assurance at all (no target, or neutral).
    """
    passing, failing = (0, 1) if improvement == 1 else (1, 0)
    out = np.full(target.size, 2, dtype=np.int8)
    out[target < lpl] = passing
    out[target > upl] = failing
    return out
