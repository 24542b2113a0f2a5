"""``spc_many``: many series in one vectorised pass (``ptd_spc`` with a facet field).

The table is sorted by series then date once (skipped when already sorted, see
``grouping``); every series and rebase group is then a contiguous slice and the engine runs
over all of them together (in cache-sized blocks, see ``blocks``).
The result is identical to calling ``spc`` on each series.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, NamedTuple

import numpy as np
import pandas as pd

from oversight.stats.spc import grouping, validate
from oversight.stats.spc import labels as L
from oversight.stats.spc.blocks import run_blocks
from oversight.stats.spc.constants import SHORT_GROUP_MESSAGE
from oversight.stats.spc.engine import assurance
from oversight.stats.spc.frames import points_frame
from oversight.stats.spc.single import missing_rebase_message

_NO_WARNINGS: tuple[str, ...] = ()
_SHORT: tuple[str, ...] = (SHORT_GROUP_MESSAGE,)


class SpcMany(NamedTuple):
    """Points of every series (long format, column ``f`` = series key) and one summary row
    per series (index = series key): n_points, variation_type, variation_icon,
    assurance_type, assurance_icon, warnings (a tuple of strings)."""

    points: pd.DataFrame
    summary: pd.DataFrame


def _per_series(arg: Any, uniques: pd.Index, name: str) -> Mapping[Any, Any] | None:
    """A mapping argument, checked: every key must be a series (as the reference checks)."""
    if not isinstance(arg, Mapping):
        return None
    unknown = [k for k in arg if k not in uniques]
    if unknown:
        raise ValueError(f"{name}: keys not found in the series column: {unknown[:5]!r}")
    return arg


def _targets(target: Any, uniques: pd.Index) -> tuple[np.ndarray, bool]:
    """One target per series (NaN where none) and whether a target was given at all."""
    mapping = _per_series(target, uniques, "target")
    if mapping is not None:
        for key, t in mapping.items():
            validate.target_value(t, name=f"target[{key!r}]")
        return pd.Series(mapping, dtype=np.float64).reindex(uniques).to_numpy(), True
    if target is None:
        return np.full(len(uniques), np.nan), False
    return np.full(len(uniques), validate.target_value(target)), True


def _rebase_marks(
    rebase: Any, uniques: pd.Index, x: np.ndarray, starts: np.ndarray
) -> tuple[np.ndarray, dict[int, list[Any]]]:
    """Rebase marks per point and, per series index, rebase dates it does not have."""
    mark = np.zeros(x.size, dtype=bool)
    absent: dict[int, list[Any]] = {}
    if rebase is None:
        return mark, absent
    ends = np.append(starts[1:], x.size)
    mapping = _per_series(rebase, uniques, "rebase")
    if mapping is not None:
        for key, dates in mapping.items():
            s = int(uniques.get_loc(key))
            seg = x[starts[s] : ends[s]]
            rb = validate.rebase_dates(dates, seg)
            hit = np.isin(seg, rb)
            mark[starts[s] : ends[s]] |= hit
            missing = rb[~np.isin(rb, seg)]
            if missing.size:
                absent[s] = list(missing)
        return mark, absent
    rb = validate.rebase_dates(rebase, x)
    mark = np.isin(x, rb)
    found = np.add.reduceat(mark.astype(np.int64), starts)
    for series in np.flatnonzero(found < np.unique(rb).size):
        seg = x[starts[series] : ends[series]]
        absent[int(series)] = list(rb[~np.isin(rb, seg)])
    return mark, absent


def spc_many(
    table: pd.DataFrame,
    *,
    by: str,
    date: str,
    value: str,
    improvement: str = "increase",
    target: float | Mapping[Any, float] | None = None,
    rebase: Sequence[Any] | Mapping[Any, Sequence[Any]] | None = None,
    fix_after_n_points: float | None = None,
    screen_outliers: bool = True,
    trajectory: str | None = None,
    workers: int = 1,
) -> SpcMany:
    """XmR charts of every series in ``table`` (one per value of column ``by``) at once.

    ``target``: one number for all series or a mapping by series key. ``rebase``: dates for
    all series or a mapping by series key. A series missing from a target mapping gets a NaN
    target and, as in the reference, an "inconsistent" assurance. ``workers``: threads for
    large tables (see ``blocks``: off by default); the result is the same for any number.
    """
    imp = validate.improvement_code(improvement)
    k = validate.fix_after(fix_after_n_points)
    for col in (by, date, value) + ((trajectory,) if trajectory else ()):
        if col not in table.columns:
            raise ValueError(f"column {col!r} is not in the table")
    if len(table) == 0:
        raise ValueError("table is empty; SPC needs at least one point")
    keys = grouping.series_keys(table[by])
    uniques = keys.uniques
    if keys.codes is not None and (keys.codes < 0).any():
        raise ValueError(
            f"{by}: row {table.index[np.flatnonzero(keys.codes < 0)[0]]!r} has no series key"
        )
    y = table[value].to_numpy(dtype=np.float64)
    bad = ~np.isfinite(y)
    if bad.any():
        i = int(np.flatnonzero(bad)[0])
        raise ValueError(
            f"{value}: row {validate.show(table.index[i])} "
            f"(series {validate.show(uniques[keys.series_of(i)])}) is {float(y[i])!r}; "
            "SPC needs a finite value for every point"
        )
    x = validate.as_dates(table[date].to_numpy(), name=date)
    traj = table[trajectory].to_numpy(dtype=np.float64) if trajectory else None
    f = table[by].array

    order, starts = grouping.row_order(keys, x, date)
    if order is not None:
        y, x, f = y[order], x[order], f.take(order)
        traj = None if traj is None else traj[order]
    targets, has_target = _targets(target, uniques)
    mark, absent = _rebase_marks(rebase, uniques, x, starts)

    res = run_blocks(
        y,
        starts,
        mark,
        improvement=imp,
        fix_after=k,
        screen=screen_outliers,
        target=targets,
        workers=workers,
    )
    sizes = np.diff(np.append(starts, y.size))
    points = points_frame(
        res,
        f=f,
        y=y,
        x=x,
        trajectory=np.full(y.size, np.nan) if traj is None else traj,
        target=np.repeat(targets, sizes),
    )
    return SpcMany(
        points=points, summary=_summary(res, uniques, by, imp, targets, has_target, absent, starts)
    )


def _summary(
    res: Any,
    uniques: pd.Index,
    by: str,
    imp: int,
    targets: np.ndarray,
    has_target: bool,
    absent: dict[int, list[Any]],
    starts: np.ndarray,
) -> pd.DataFrame:
    """One row per series: icons from its last point, and its warnings."""
    last = res.last
    pt = res.point_type[last]
    vtype: Any = pd.Categorical.from_codes(pt, categories=list(L.POINT_TYPES))
    icons = [L.variation_icon(t, imp) for t in L.POINT_TYPES]
    vicon: Any = pd.Categorical.from_codes(pt, categories=icons)
    if has_target and imp != 0:
        codes = assurance(targets, res.limits.lpl[last], res.limits.upl[last], imp)
        kinds = list(L.ASSURANCE_ICON)
        atype = pd.Categorical.from_codes(codes, categories=kinds)
        aicon = pd.Categorical.from_codes(codes, categories=[L.ASSURANCE_ICON[k] for k in kinds])
    else:
        atype = np.full(last.size, None, dtype=object)
        aicon = atype.copy()
    choices = np.empty(2, dtype=object)
    choices[0], choices[1] = _NO_WARNINGS, _SHORT
    warnings = choices[res.series_short.astype(np.intp)]
    for s, missing in absent.items():
        warnings[s] = (*warnings[s], missing_rebase_message(missing))
    return pd.DataFrame(
        {
            "n_points": np.diff(np.append(starts, res.rebase_group.size)),
            "variation_type": vtype,
            "variation_icon": vicon,
            "assurance_type": atype,
            "assurance_icon": aicon,
            "warnings": warnings,
        },
        index=pd.Index(uniques, name=by),
    )
