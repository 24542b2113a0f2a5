"""Blocked and threaded runs give exactly the bytes of one single-threaded run."""

from __future__ import annotations

from dataclasses import fields

import numpy as np
import pandas as pd
import pytest

from oversight.stats.spc import spc_many
from oversight.stats.spc.blocks import block_bounds, run_blocks
from oversight.stats.spc.engine import EngineResult, run_engine
from oversight.stats.spc.limits import PointLimits


def _flat(res: EngineResult) -> dict[str, np.ndarray]:
    out = {f.name: getattr(res.limits, f.name) for f in fields(PointLimits)}
    for f in fields(EngineResult):
        if f.name != "limits":
            out[f.name] = getattr(res, f.name)
    return out


def _identical(a: EngineResult, b: EngineResult) -> None:
    fa, fb = _flat(a), _flat(b)
    for name, x in fa.items():
        y = fb[name]
        assert x.dtype.kind == y.dtype.kind, name  # relative_to_mean: int8 or int64
        if x.dtype.kind == "f":  # bit for bit, NaN where NaN (and -0.0 is not 0.0)
            assert np.array_equal(np.isnan(x), np.isnan(y)), name
            assert np.array_equal(x[~np.isnan(x)].view(np.int64), y[~np.isnan(y)].view(np.int64))
        else:
            assert np.array_equal(x, y), name


def _series(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    sizes = rng.integers(1, 40, 400)
    starts = np.concatenate(([0], np.cumsum(sizes)[:-1]))
    n = int(sizes.sum())
    y = rng.integers(0, 5, n) * 0.3  # ties: points on the mean and the limits
    y[starts[5] : starts[6]] = 2.5  # a flat series: NaN limits with screening
    mark = rng.random(n) < 0.03
    target = rng.choice([np.nan, 0.6, 1.2], sizes.size)
    return y, starts, mark, target


def test_blocks_hold_whole_series_and_cover_all() -> None:
    starts = np.array([0, 3, 10, 11, 30, 31])
    bounds = block_bounds(starts, 40, 8)
    assert bounds[0] == 0 and bounds[-1] == starts.size
    assert np.all(np.diff(bounds) > 0)
    assert list(block_bounds(starts, 40, 1000)) == [0, starts.size]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("fix_after", [np.inf, 12.0])
@pytest.mark.parametrize("improvement", [1, 0])
def test_any_block_size_and_thread_count_gives_the_same_bytes(
    seed: int, fix_after: float, improvement: int
) -> None:
    y, starts, mark, target = _series(seed)
    whole = run_engine(
        y, starts, mark, improvement=improvement, fix_after=fix_after, screen=True, target=target
    )
    for block_points in (60, 1500):
        for workers in (1, 2):
            got = run_blocks(
                y,
                starts,
                mark,
                improvement=improvement,
                fix_after=fix_after,
                screen=True,
                target=target,
                workers=workers,
                block_points=block_points,
            )
            _identical(whole, got)


def test_spc_many_threads_match_one_thread_on_a_large_table() -> None:
    rng = np.random.default_rng(3)
    series, points = 6000, 48  # 288,000 points: several blocks
    table = pd.DataFrame(
        {
            "series": np.repeat(np.arange(series), points),
            "date": np.tile(pd.date_range("2020-01-01", periods=points, freq="MS"), series),
            "value": np.round(rng.normal(10, 2, series * points), 1),
        }
    )
    one = spc_many(table, by="series", date="date", value="value", target=12.0, workers=1)
    two = spc_many(table, by="series", date="date", value="value", target=12.0, workers=2)
    pd.testing.assert_frame_equal(one.points, two.points, check_exact=True)
    pd.testing.assert_frame_equal(one.summary, two.summary, check_exact=True)
