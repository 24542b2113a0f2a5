"""``spc``: one series through the Making Data Count XmR chart (``ptd_spc`` semantics)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from oversight.stats.spc import labels as L
from oversight.stats.spc import validate
from oversight.stats.spc.constants import SHORT_GROUP_MESSAGE
from oversight.stats.spc.engine import assurance, run_engine
from oversight.stats.spc.frames import points_frame

NO_FACET = "no facet"


@dataclass(frozen=True)
class SpcResult:
    """The chart of one series: its points, its two icons and any warnings.

    ``variation_type`` is the last point's point_type and ``variation_icon`` its icon file
    stem (common_cause, improvement_high, concern_low, neutral_high, ...).
    ``assurance_type`` (consistent_pass / consistent_fail / inconsistent) and
    ``assurance_icon`` (pass / fail / inconsistent) are None without a target or when the
    improvement direction is neutral.
    """

    points: pd.DataFrame
    variation_type: str
    variation_icon: str
    assurance_type: str | None
    assurance_icon: str | None
    warnings: list[str] = field(default_factory=list)


def missing_rebase_message(missing: Sequence[Any]) -> str:
    """Warning for rebase dates that match no point (the reference ignores them silently)."""
    shown = ", ".join(
        str(pd.Timestamp(d).date()) if not isinstance(d, int | np.integer) else str(d)
        for d in missing
    )
    return f"rebase date(s) not in the series, ignored: {shown}"


def spc(
    values: Any,
    dates: Any = None,
    *,
    improvement: str = "increase",
    target: float | None = None,
    rebase: Sequence[Any] | None = None,
    fix_after_n_points: float | None = None,
    screen_outliers: bool = True,
    trajectory: Any = None,
) -> SpcResult:
    """XmR chart of one series with the Making Data Count rules (NHSRplotthedots ``ptd_spc``).

    ``dates`` default to positions 1..n. Points are sorted by date (as the reference does);
    duplicate dates are rejected. ``rebase`` dates start a new group at the point on that
    date; a rebase date that is not a date of the series is ignored with a warning.
    ``trajectory`` is passed through to the points and never used in a calculation.
    """
    imp = validate.improvement_code(improvement)
    k = validate.fix_after(fix_after_n_points)
    y = validate.as_values(values)
    validate.finite_values(y, "position")
    x = np.arange(1, y.size + 1, dtype=np.int64) if dates is None else validate.as_dates(dates)
    if x.shape != y.shape:
        raise ValueError(f"dates has {x.size} entries but values has {y.size}")
    tgt = None if target is None else validate.target_value(target)
    traj = (
        np.full(y.size, np.nan) if trajectory is None else np.asarray(trajectory, dtype=np.float64)
    )
    if traj.shape != y.shape:
        raise ValueError(f"trajectory has {traj.size} entries but values has {y.size}")

    order = np.argsort(x, kind="stable")
    y, x, traj = y[order], x[order], traj[order]
    dups = validate.duplicate_dates(x)
    if dups.size:
        i = int(dups[0])
        raise ValueError(
            f"dates: positions {int(order[i - 1])} and {int(order[i])} share the date "
            f"{validate.show(x[i])}; "
            "each date may appear once"
        )
    rb = validate.rebase_dates(rebase, x)
    warnings: list[str] = []
    absent = rb[~np.isin(rb, x)]
    mark = np.isin(x, rb)

    target_col = np.full(y.size, np.nan if tgt is None else tgt)
    res = run_engine(
        y,
        np.array([0]),
        mark,
        improvement=imp,
        fix_after=k,
        screen=screen_outliers,
        target=target_col[:1],
    )
    if res.series_short[0]:
        warnings.append(SHORT_GROUP_MESSAGE)
    if absent.size:
        warnings.append(missing_rebase_message(list(absent)))

    last = int(res.last[0])
    variation_type = L.POINT_TYPES[res.point_type[last]]
    a_type: str | None = None
    if tgt is not None and imp != 0:
        code = assurance(np.array([tgt]), res.limits.lpl[[last]], res.limits.upl[[last]], imp)
        a_type = list(L.ASSURANCE_ICON)[int(code[0])]
    points = points_frame(
        res,
        f=NO_FACET,
        y=y,
        x=x,
        trajectory=traj,
        target=target_col,
    )
    return SpcResult(
        points=points,
        variation_type=variation_type,
        variation_icon=L.variation_icon(variation_type, imp),
        assurance_type=a_type,
        assurance_icon=None if a_type is None else L.ASSURANCE_ICON[a_type],
        warnings=warnings,
    )
