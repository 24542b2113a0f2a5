"""Special-cause rules A-D and the one label per point: ``ptd_special_cause_type``.

All rules run inside each (series, rebase group); nothing crosses a group boundary.
A. outside the process limits (strict).
B. trend: 7 points each strictly above (or below) the previous; a tie breaks it. Every point
   of any such 7-point window is flagged. Label direction: the step to the next point when
   that point is also in a trend, else the step from the previous point (0 reads "Decreasing").
C. two of three: a window of 3 consecutive points fires when at least 2 are close to the
   limits and all 3 are strictly on one side of the mean; only the close points are flagged.
D. run: 7 points in a row on one side of the mean; a point on the mean breaks it.
Precedence A > B > C > D > common cause.
"""

from __future__ import annotations

import numpy as np

from oversight.stats.spc import labels as L
from oversight.stats.spc.constants import RUN_LENGTH
from oversight.stats.spc.segments import (
    BoolArray,
    FloatArray,
    leading_any,
    same_nonzero_run,
    shift_next,
    trailing_all,
)


def step_signs(y: FloatArray, first: BoolArray) -> np.ndarray:
    """sign(y_i - y_{i-1}) inside a group; 0 at the first point of each group."""
    d = np.zeros(y.size, dtype=np.int8)
    if y.size > 1:
        diff = np.diff(y)
        d[1:] = (diff > 0).view(np.int8) - (diff < 0).view(np.int8)
    d[first] = 0
    return d


def trend(steps: np.ndarray) -> BoolArray:
    """Rule B: points inside any run of RUN_LENGTH strictly rising or falling points."""
    width = RUN_LENGTH - 1  # steps, not points; a group's first step is 0, so none cross
    end = same_nonzero_run(steps, width)
    return leading_any(end, RUN_LENGTH)


def trend_direction(steps: np.ndarray, in_trend: BoolArray, first: BoolArray) -> np.ndarray:
    """The label's direction: the following step if the next point is in a trend too."""
    next_in = shift_next(in_trend & ~first, False)
    forward = shift_next(steps, 0)
    return np.where(next_in, forward, steps)


def two_in_three(close: BoolArray, rtm: np.ndarray, first: BoolArray) -> BoolArray:
    """Rule C: close points inside a firing window of three on one side of the mean."""
    n = close.size
    if n < 3:
        return np.zeros(n, dtype=bool)
    c = close.astype(np.int8)
    r = rtm.astype(np.int8)
    fires = np.zeros(n, dtype=bool)
    fires[:-2] = (
        (c[:-2] + c[1:-1] + c[2:] >= 2)
        & (np.abs(r[:-2] + r[1:-1] + r[2:]) == 3)
        & ~first[1:-1]
        & ~first[2:]
    )
    covered = fires.copy()
    covered[1:] |= fires[:-1]
    covered[2:] |= fires[:-2]
    return covered & close


def run(rtm: np.ndarray, first: BoolArray) -> BoolArray:
    """Rule D: points inside RUN_LENGTH or more in a row strictly on one side of the mean."""
    full = trailing_all(~first, RUN_LENGTH - 1)  # the window does not cross a group start
    end = full & same_nonzero_run(rtm, RUN_LENGTH)
    return leading_any(end, RUN_LENGTH)


def special_cause_type(
    y: FloatArray,
    first: BoolArray,
    outside: BoolArray,
    close: BoolArray,
    rtm: np.ndarray,
) -> np.ndarray:
    """One special-cause code per point (see labels.SPECIAL_CAUSE_TYPES), A > B > C > D."""
    steps = step_signs(y, first)
    in_trend = trend(steps)
    above = rtm > 0
    code = np.zeros(y.size, dtype=np.int8)
    in_run = run(rtm, first)
    code[in_run] = np.where(above[in_run], L.RUN_ABOVE, L.RUN_BELOW)
    in_two = two_in_three(close, rtm, first)
    code[in_two] = np.where(above[in_two], L.TWO3_ABOVE, L.TWO3_BELOW)
    rising = trend_direction(steps, in_trend, first) == 1
    code[in_trend] = np.where(rising[in_trend], L.TREND_UP, L.TREND_DOWN)
    code[outside] = np.where(rtm[outside] == 1, L.ABOVE_UCL, L.BELOW_LCL)
    return code


def point_type(code: np.ndarray, improvement: int) -> np.ndarray:
    """Map special-cause codes to point-type codes for the improvement direction."""
    direction = L.TYPE_DIRECTION
    if improvement == 0:
        table = np.select(
            [direction > 0, direction < 0], [L.PT_NEUTRAL_HIGH, L.PT_NEUTRAL_LOW], L.PT_COMMON
        )
    else:
        oriented = direction * np.int8(improvement)
        table = np.select(
            [oriented > 0, oriented < 0], [L.PT_IMPROVEMENT, L.PT_CONCERN], L.PT_COMMON
        )
    return table.astype(np.int8).take(code)
