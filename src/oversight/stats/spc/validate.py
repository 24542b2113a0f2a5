"""Input checks for ``spc`` and ``spc_many``: every bad input is a ValueError that names
the argument and the offending position, before anything is computed."""

from __future__ import annotations

import math
from collections.abc import Sequence
from numbers import Real
from typing import Any

import numpy as np
import pandas as pd

from oversight.stats.spc.constants import IMPROVEMENT, MIN_FIX_AFTER


def improvement_code(improvement: str) -> int:
    """+1 / -1 / 0 for "increase" / "decrease" / "neutral"."""
    if improvement not in IMPROVEMENT:
        raise ValueError(f"improvement must be one of {sorted(IMPROVEMENT)}, got {improvement!r}")
    return IMPROVEMENT[improvement]


def fix_after(n: float | None) -> float:
    """The baseline length; infinity when unset. The reference requires a number >= 12."""
    if n is None:
        return math.inf
    if isinstance(n, bool) or not isinstance(n, Real) or not n >= MIN_FIX_AFTER:
        raise ValueError(f"fix_after_n_points must be a number >= {MIN_FIX_AFTER}, got {n!r}")
    return float(n)


def target_value(target: Any, name: str = "target") -> float:
    """A finite number."""
    if isinstance(target, bool) or not isinstance(target, Real) or not math.isfinite(target):
        raise ValueError(f"{name} must be a finite number, got {target!r}")
    return float(target)


def finite_values(values: np.ndarray, where: str) -> None:
    """Reject NaN and infinite values, naming the first offending position."""
    bad = ~np.isfinite(values)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"values: {where} {i} is {float(values[i])!r}; "
            "SPC needs a finite value for every point "
            f"({int(bad.sum())} bad value(s) in all)"
        )


def as_values(values: Any) -> np.ndarray:
    """A 1-D float64 array."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"values must be numeric: {exc}") from exc
    if arr.ndim != 1:
        raise ValueError(f"values must be one-dimensional, got shape {arr.shape}")
    if arr.size == 0:
        raise ValueError("values is empty; SPC needs at least one point")
    return arr


def as_dates(dates: Any, name: str = "dates") -> np.ndarray:
    """Dates as datetime64[ns]; integer positions pass through as int64."""
    arr = np.asarray(dates)
    if arr.dtype.kind in "iu":
        return arr.astype(np.int64)
    if arr.dtype.kind == "M":  # already dates: keep the unit, no copy
        if np.isnat(arr).any():
            raise ValueError(f"{name}: position {int(np.flatnonzero(np.isnat(arr))[0])} is missing")
        return arr
    try:
        out = pd.to_datetime(pd.Series(arr)).to_numpy(dtype="datetime64[ns]")
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name} must be dates: {exc}") from exc
    missing = np.isnat(out)
    if missing.any():
        raise ValueError(f"{name}: position {int(np.flatnonzero(missing)[0])} is missing (NaT)")
    return out


def rebase_dates(rebase: Sequence[Any] | None, like: np.ndarray) -> np.ndarray:
    """Rebase dates in the same representation as the series' dates."""
    if rebase is None:
        return like[:0]
    if isinstance(rebase, str) or not isinstance(rebase, Sequence | np.ndarray | pd.Index):
        rebase = [rebase]
    if like.dtype.kind in "iu":
        return np.asarray(rebase, dtype=np.int64)
    return as_dates(list(rebase), name="rebase")


def duplicate_dates(sorted_dates: np.ndarray, same_series: np.ndarray | None = None) -> np.ndarray:
    """Indices (into the sorted order) of points whose date repeats the previous one."""
    dup = sorted_dates[1:] == sorted_dates[:-1]
    if same_series is not None:
        dup &= same_series
    return np.flatnonzero(dup) + 1


def show(value: Any) -> str:
    """A position, key or date for an error message (no numpy reprs)."""
    if isinstance(value, np.datetime64):
        return (
            str(pd.Timestamp(value).date())
            if value.astype("datetime64[D]") == value
            else str(pd.Timestamp(value))
        )
    if isinstance(value, np.generic):
        return repr(value.item())
    return repr(value)
