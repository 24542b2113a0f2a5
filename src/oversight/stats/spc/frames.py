"""Turn engine arrays into the per-point DataFrame (columns of ``ptd_spc``'s output).

Columns, in order: f, y, x, rebase_group, short_group_warning, trajectory, fix_y,
mean_col, mean (the same values, for convenience), lpl, upl, nlpl, nupl (the 2-sigma
"near" lines), outside_limits, relative_to_mean, close_to_limits, special_cause_type,
special_cause_flag, point_type, target. outside_limits and close_to_limits are nullable
booleans: NA where the limits are NaN. The two label columns are categoricals whose
categories are the reference's exact strings.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from oversight.stats.spc import labels as L
from oversight.stats.spc.engine import EngineResult

_TYPES = pd.CategoricalDtype(list(L.SPECIAL_CAUSE_TYPES))
_POINTS = pd.CategoricalDtype(list(L.POINT_TYPES))


def nullable(values: np.ndarray, na: np.ndarray) -> pd.arrays.BooleanArray:
    """A nullable boolean column, NA where ``na``."""
    return pd.arrays.BooleanArray(values & ~na, na.copy())


def points_frame(
    res: EngineResult,
    *,
    f: Any,
    y: np.ndarray,
    x: np.ndarray,
    trajectory: np.ndarray,
    target: np.ndarray,
    index: pd.Index | None = None,
) -> pd.DataFrame:
    """One row per point, in series then date order."""
    lim = res.limits
    columns: dict[str, Any] = {
        "f": f,
        "y": y,
        "x": x,
        "rebase_group": res.rebase_group,
        "short_group_warning": res.short_group,
        "trajectory": trajectory,
        "fix_y": lim.fix_y,
        "mean_col": lim.mean,
        "mean": lim.mean,
        "lpl": lim.lpl,
        "upl": lim.upl,
        "nlpl": lim.nlpl,
        "nupl": lim.nupl,
        "outside_limits": nullable(lim.outside, lim.na),
        "relative_to_mean": lim.relative_to_mean.astype(np.int64, copy=False),
        "close_to_limits": nullable(lim.close, lim.na),
        "special_cause_type": pd.Categorical.from_codes(res.special_cause, dtype=_TYPES),
        "special_cause_flag": res.special_cause != L.COMMON,
        "point_type": pd.Categorical.from_codes(res.point_type, dtype=_POINTS),
        "target": target,
    }
    # copy=False keeps each column its own block: consolidating 20 columns of millions of
    # rows would cost more than the whole computation.
    index = index if index is not None else pd.RangeIndex(y.size)
    return pd.DataFrame(columns, index=index, copy=False)
