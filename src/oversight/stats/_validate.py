"""Shared argument checks for the statistics modules.

Every check raises ``ValueError`` naming the argument and the first offending
position, so a bad input never silently becomes a number.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.special import ndtri

FloatArray = NDArray[np.float64]

#: The only two-level request PHEindicatormethods accepts (95% and 99.8%).
TWO_LEVELS: tuple[float, float] = (0.95, 0.998)


def as_array(name: str, values: ArrayLike, *, allow_nan: bool = False) -> FloatArray:
    """Return ``values`` as a float64 array, rejecting NaN unless allowed."""
    try:
        arr = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError) as exc:
        raise ValueError(f"{name}: values must be numeric ({exc})") from None
    if not allow_nan and arr.size and np.isnan(arr.min()):
        raise ValueError(f"{name}: missing (NaN) value at index {_first(np.isnan(arr))}")
    return arr


def _first(mask: NDArray[np.bool_]) -> int | tuple[int, ...]:
    pos = np.unravel_index(int(np.argmax(mask)), mask.shape) if mask.ndim else ()
    return int(pos[0]) if len(pos) == 1 else tuple(int(p) for p in pos)


def fail_where(mask: NDArray[np.bool_], name: str, rule: str) -> None:
    """Raise if any element of ``mask`` is true, naming the first index."""
    if mask.any():
        raise ValueError(f"{name}: {rule} at index {_first(mask)}")


def nonnegative(name: str, arr: FloatArray) -> None:
    """No value below zero (a min reduction first: no temporary on the good path)."""
    if arr.size and not arr.min() >= 0:
        fail_where(~(arr >= 0), name, "negative value")


def positive(name: str, arr: FloatArray) -> None:
    if arr.size and not arr.min() > 0:
        fail_where(~(arr > 0), name, "value must be greater than zero")


def finite(name: str, arr: FloatArray) -> None:
    fail_where(~np.isfinite(arr), name, "value must be finite")


def same_shape(**arrays: FloatArray) -> None:
    """All arrays must have one shape (scalars are not broadcast silently)."""
    names = list(arrays)
    first = arrays[names[0]]
    for other in names[1:]:
        if arrays[other].shape != first.shape:
            raise ValueError(
                f"{other}: shape {arrays[other].shape} does not match "
                f"{names[0]} shape {first.shape}"
            )


def confidence_levels(
    confidence: float | Sequence[float], *, exact_pair: bool = True
) -> tuple[float, ...]:
    """Normalise ``confidence`` as PHEindicatormethods does.

    Values of 90 or more are divided by 100; each must then lie in [0.9, 1].
    Two levels are allowed only as exactly (0.95, 0.998); with ``exact_pair`` (the
    phe_proportion/rate/dsr/isr rule) they must be written so, not as (95, 99.8).
    """
    raw = [confidence] if np.isscalar(confidence) else list(confidence)  # type: ignore[arg-type]
    if len(raw) == 0 or len(raw) > 2:
        raise ValueError("confidence: give one level, or exactly (0.95, 0.998)")
    if exact_pair and len(raw) == 2 and tuple(raw) != TWO_LEVELS:
        # R/Proportions.R, R/DSR.R etc. test confidence[1] == 0.95 & confidence[2] == 0.998
        # before any rescaling of 95 -> 0.95, so (95, 99.8) is an error there too.
        raise ValueError("confidence: two levels may only be given as exactly (0.95, 0.998)")
    levels = []
    for i, value in enumerate(raw):
        try:
            level = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValueError(f"confidence: not a number at index {i}") from None
        if np.isnan(level) or level < 0.9 or (1 < level < 90) or level > 100:
            raise ValueError(
                f"confidence: {value!r} at index {i} must be between 0.9 and 1 or 90 and 100"
            )
        levels.append(level / 100 if level >= 90 else level)
    if len(levels) == 2 and tuple(levels) != TWO_LEVELS:
        raise ValueError("confidence: two levels may only be given as exactly (0.95, 0.998)")
    return tuple(levels)


def ci_names(levels: tuple[float, ...]) -> list[tuple[str, str]]:
    """Column names: ``lowercl/uppercl`` for one level, PHE's suffixes for two."""
    if len(levels) == 1:
        return [("lowercl", "uppercl")]
    return [("lower95_0cl", "upper95_0cl"), ("lower99_8cl", "upper99_8cl")]


def z_two_sided(level: float) -> float:
    """Normal quantile at ``level + (1 - level)/2`` (R: ``qnorm``); inf at 1."""
    return float(ndtri(level + (1 - level) / 2))


def multiplier_value(multiplier: float) -> float:
    value = float(multiplier)
    if not np.isfinite(value) or value == 0:
        raise ValueError(f"multiplier: {multiplier!r} must be finite and non-zero")
    return value
