"""The fast double-precision path agrees with R's long-double mean on every comparison.

Tie-prone data (small integers, one-decimal values, multiples of 0.3) put points exactly on
the mean and limits; the groups where that can matter must be recomputed the way R does.
"""

from __future__ import annotations

import numpy as np
import pytest

from oversight.stats.spc import limits as lm
from oversight.stats.spc.segments import r_mean


@pytest.mark.parametrize("kind", ["integers", "tenths", "thirds"])
@pytest.mark.parametrize("fix_after", [np.inf, 12.0])
def test_fast_limits_make_the_same_comparisons_as_long_double(kind: str, fix_after: float) -> None:
    rng = np.random.default_rng(7)
    groups, size = 3000, 17
    draws = rng.integers(0, 5, groups * size)
    y = {"integers": draws * 1.0, "tenths": np.round(draws * 0.1, 1), "thirds": draws * 0.3}[kind]
    sizes = np.full(groups, size)
    starts = np.arange(0, groups * size, size)
    first = np.zeros(y.size, dtype=bool)
    first[starts] = True
    target = np.round(rng.normal(1, 1, groups), 1)
    base = lm.baseline_mask(starts, sizes, y.size, fix_after)
    fast = lm.point_limits(y, starts, sizes, first, base, True, target)
    stats = lm._group_stats(y, starts, sizes, first, base, True, r_mean)
    exact = lm._point_limits(y, sizes, base, stats.mean, stats.amr)
    for name in ("outside", "close", "relative_to_mean", "na"):
        assert np.array_equal(getattr(fast, name), getattr(exact, name)), name
    last = starts + size - 1
    assert np.array_equal(target > fast.upl[last], target > exact.upl[last])
    assert np.array_equal(target < fast.lpl[last], target < exact.lpl[last])
    assert np.allclose(fast.upl, exact.upl, rtol=1e-13, equal_nan=True)
    assert (fast.relative_to_mean == 0).any()  # the data really has points on the mean
