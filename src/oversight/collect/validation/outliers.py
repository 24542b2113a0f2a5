"""Outliers against the submitter's own history: warnings that need confirmation, never errors.

A data item's value this month (summed over the file, or counted with its filter) is compared
with the last HISTORY_WINDOW values the same organisation submitted: outside
mean ± SIGMAS × sd, with sd floored at SD_FLOOR of |mean| so a flat history does not flag
every small change. Needs at least MIN_HISTORY points.
"""

from __future__ import annotations

import math
import statistics
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, TypeAlias

import pyarrow as pa
import pyarrow.compute as pc

from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import Spec

if TYPE_CHECKING:
    import pandas as pd

    from oversight.catalogue import Condition, DataItem

    HistoryInput: TypeAlias = Mapping[str, Sequence[float | None]] | pd.DataFrame | None
    """What a validator is given as history: a mapping as below (None values skipped), or a
    frame with item (or data_item) and value columns."""

OUTLIER = "outliers.history"
HISTORY_WINDOW = 12
MIN_HISTORY = 6
SIGMAS = 3.0
SD_FLOOR = 0.01

History = Mapping[str, Sequence[float]]
"""data item id (or column name) → previous monthly values, oldest first."""

_OPS = {
    "==": pc.equal,
    "!=": pc.not_equal,
    "<": pc.less,
    "<=": pc.less_equal,
    ">": pc.greater,
    ">=": pc.greater_equal,
}


def normalise_history(history: HistoryInput) -> dict[str, list[float]]:
    """Accept a mapping, or a DataFrame with item (or data_item) and value columns in order."""
    if history is None:
        return {}
    if isinstance(history, Mapping):
        return {k: [float(v) for v in vs if v is not None] for k, vs in history.items()}
    frame = history
    key = "data_item" if "data_item" in frame.columns else "item"
    if "period" in frame.columns:
        frame = frame.sort_values("period")
    return {str(k): [float(v) for v in g["value"]] for k, g in frame.groupby(key, sort=False)}


def _condition(typed: dict[str, pa.Array], cond: Condition) -> pa.Array | None:
    values = typed.get(cond.column)
    if values is None:
        return None
    if cond.op == "is_null":
        return pc.is_null(values)
    if cond.op == "not_null":
        return pc.is_valid(values)
    if cond.op == "in":
        assert isinstance(cond.value, tuple)  # Condition requires a list for 'in'
        return pc.is_in(values, pa.array(list(cond.value)).cast(values.type))
    return _OPS[cond.op](values, pa.scalar(cond.value).cast(values.type))


class ItemTotals:
    """Running totals of the collection's count/sum/mean items, batch by batch."""

    def __init__(self, spec: Spec) -> None:
        self.items = [i for i in spec.data_items if i.aggregation in ("count", "sum", "mean")]
        self.sums: dict[str, float] = {i.id: 0.0 for i in self.items}
        self.counts: dict[str, int] = {i.id: 0 for i in self.items}
        self.usable = {i.id for i in self.items}

    def add(self, typed: dict[str, pa.Array]) -> None:
        for item in self.items:
            mask: pa.Array | None = None
            for cond in getattr(item, "filter", ()):
                m = _condition(typed, cond)
                if m is None:
                    self.usable.discard(item.id)
                    break
                mask = m if mask is None else pc.and_(mask, m)
            if item.id not in self.usable:
                continue
            mask = pc.fill_null(mask, False) if mask is not None else None
            if item.aggregation == "count":
                n = len(next(iter(typed.values())))
                self.sums[item.id] += n if mask is None else (pc.sum(mask).as_py() or 0)
                continue
            col = typed.get(item.column) if item.column is not None else None
            if col is None:
                self.usable.discard(item.id)
                continue
            col = col if mask is None else col.filter(mask)
            self.sums[item.id] += pc.sum(col).as_py() or 0
            self.counts[item.id] += pc.count(col).as_py()

    def values(self) -> dict[str, float]:
        """Every usable item's value (what later months compare against)."""
        out = {}
        for item in self.items:
            value = self.value(item) if item.id in self.usable else None
            if value is not None:
                out[item.id] = float(value)
        return out

    def value(self, item: DataItem) -> float | None:
        """None when a sum or mean has no value at all (its column missing or empty): a
        missing column is the schema check's error, not a total of 0 to call an outlier."""
        if item.aggregation == "count":
            return self.sums[item.id]
        n = self.counts[item.id]
        if not n:
            return None
        return self.sums[item.id] / n if item.aggregation == "mean" else self.sums[item.id]


def limits(past: Sequence[float]) -> tuple[float, float, float, float] | None:
    """(mean, sd, low, high) of the last HISTORY_WINDOW values, or None if too few."""
    window = [v for v in past if not math.isnan(v)][-HISTORY_WINDOW:]
    if len(window) < MIN_HISTORY:
        return None
    mean = statistics.fmean(window)
    sd = max(statistics.stdev(window), SD_FLOOR * abs(mean))
    return mean, sd, mean - SIGMAS * sd, mean + SIGMAS * sd


def check_outliers(
    sink: IssueSink, totals: ItemTotals, history: dict[str, list[float]], row: int | None
) -> None:
    """`row` names the data row when the file has only one (an ICB's monthly return)."""
    for item in totals.items:
        if item.id not in totals.usable:
            continue
        past = history.get(item.id) or history.get(getattr(item, "column", None) or "")
        value = totals.value(item)
        bounds = limits(past) if past else None
        if value is None or bounds is None:
            continue
        mean, sd, low, high = bounds
        if low <= value <= high:
            continue
        sink.add(
            OUTLIER,
            getattr(item, "column", None) or item.id,
            f"{item.id} = {value:g} is outside the expected range {low:g} to {high:g} "
            f"(mean {mean:g} ± {SIGMAS:g} sd {sd:g} of the last {HISTORY_WINDOW} months); "
            "confirm it is correct",
            row=row,
            value=value,
            severity="warning",
        )
