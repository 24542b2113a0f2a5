"""Run the engine over cache-sized blocks of whole series, on one or several threads.

Every step of the engine works inside a series (rebase groups never cross one), so cutting
the flat arrays at series boundaries and running each block on its own gives the same
bytes as one run over everything. Blocks of about ``BLOCK_POINTS`` points keep the
engine's ~20 working arrays in the CPU caches instead of streaming them through memory
(2-3x less CPU on 100,000 series). Each block writes its results into its own slice of
preallocated arrays, so nothing is concatenated afterwards.

Blocks can also run on several threads (``workers``), with the same bytes. It is off by
default because it did not pay on the 2-core development machine: py-spy shows a block
holding the GIL for about 36% of its time (the Python between ~150 short numpy calls, and
``np.repeat``, which keeps the GIL), and with other jobs on both cores two workers were
no faster in wall time than one and used a little more CPU.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from dataclasses import fields

import numpy as np

from oversight.stats.spc.engine import EngineResult, run_engine
from oversight.stats.spc.limits import PointLimits
from oversight.stats.spc.segments import BoolArray, FloatArray, IntArray

#: Points per block: a float64 array of a block (512 KiB) fits in a core's L2 cache.
#: Measured on 100,000 x 48: 2^15 and 2^16 best, 2^18 and more 1.5-2x the CPU.
BLOCK_POINTS = 1 << 16


def block_bounds(series_starts: IntArray, n: int, block_points: int) -> IntArray:
    """Series indices where blocks start (and the series count at the end): each block
    holds whole series, about ``block_points`` points (a longer series is one block)."""
    cuts = np.searchsorted(series_starts, np.arange(block_points, n, block_points))
    return np.unique(np.concatenate(([0], cuts, [series_starts.size])))


def _empty(n: int, n_series: int, y: FloatArray, fixed: bool, rebased: bool) -> EngineResult:
    """Output arrays for all points, to be filled block by block. Without rebases every
    rebase_group is 0: ``np.zeros`` memory is mapped lazily and never written."""

    def f8() -> FloatArray:
        return np.empty(n, dtype=np.float64)

    def b1() -> BoolArray:
        return np.empty(n, dtype=bool)

    limits = PointLimits(
        fix_y=f8() if fixed else y,
        mean=f8(),
        lpl=f8(),
        upl=f8(),
        nlpl=f8(),
        nupl=f8(),
        outside=b1(),
        close=b1(),
        na=b1(),
        relative_to_mean=np.empty(n, dtype=np.int64),  # the frame's dtype: no cast later
    )
    return EngineResult(
        rebase_group=(np.empty if rebased else np.zeros)(n, dtype=np.int64),
        short_group=b1(),
        limits=limits,
        special_cause=np.empty(n, dtype=np.int8),
        point_type=np.empty(n, dtype=np.int8),
        last=np.empty(n_series, dtype=np.int64),
        series_short=np.empty(n_series, dtype=bool),
    )


def run_blocks(
    y: FloatArray,
    series_starts: IntArray,
    rebase_mark: BoolArray,
    *,
    improvement: int,
    fix_after: float,
    screen: bool,
    target: FloatArray,
    workers: int = 1,
    block_points: int = BLOCK_POINTS,
) -> EngineResult:
    """``run_engine`` over blocks of whole series; the same result for any block size and
    any number of worker threads (an input of one block always runs on the caller's)."""
    n, n_series = y.size, series_starts.size
    bounds = block_bounds(series_starts, n, block_points)
    if bounds.size == 2:
        return run_engine(
            y,
            series_starts,
            rebase_mark,
            improvement=improvement,
            fix_after=fix_after,
            screen=screen,
            target=target,
        )
    fixed = fix_after != np.inf
    rebased = bool(rebase_mark.any())
    out = _empty(n, n_series, y, fixed, rebased)
    copied = ("short_group", "special_cause", "point_type") + (("rebase_group",) if rebased else ())
    point_bounds = np.append(series_starts, n)[bounds]

    def one(i: int) -> None:
        s0, s1 = int(bounds[i]), int(bounds[i + 1])
        p0, p1 = int(point_bounds[i]), int(point_bounds[i + 1])
        res = run_engine(
            y[p0:p1],
            series_starts[s0:s1] - p0,
            rebase_mark[p0:p1],
            improvement=improvement,
            fix_after=fix_after,
            screen=screen,
            target=target[s0:s1],
        )
        for f in fields(PointLimits):
            if f.name != "fix_y" or fixed:
                getattr(out.limits, f.name)[p0:p1] = getattr(res.limits, f.name)
        for name in copied:
            getattr(out, name)[p0:p1] = getattr(res, name)
        out.last[s0:s1] = res.last + p0
        out.series_short[s0:s1] = res.series_short

    blocks = range(bounds.size - 1)
    if min(workers, len(blocks)) <= 1:
        for i in blocks:
            one(i)
    else:
        with ThreadPoolExecutor(max_workers=min(workers, len(blocks))) as pool:
            list(pool.map(one, blocks))
    return out
