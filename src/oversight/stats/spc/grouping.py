"""Which rows belong to which series, and the (series, date) order of the rows.

Tables usually arrive grouped by series, keys ascending and dates ascending inside each
series. That is recognised in O(n) with one comparison of neighbouring keys and one of
neighbouring dates, and then nothing is sorted, hashed or copied: every series is already
a contiguous slice. Anything else is factorized and sorted once.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from oversight.stats.spc import validate
from oversight.stats.spc.segments import IntArray


@dataclass(frozen=True)
class SeriesKeys:
    """The sorted distinct keys and, per row, its series: ``codes`` (an index into
    ``uniques``, -1 for a missing key), or ``starts`` (the first row of every series)
    when the rows are already grouped in key order."""

    uniques: pd.Index
    codes: IntArray | None
    starts: IntArray | None

    def series_of(self, row: int) -> int:
        """Index of the series of a row (in the table's own order)."""
        if self.codes is not None:
            return int(self.codes[row])
        assert self.starts is not None
        return int(np.searchsorted(self.starts, row, side="right")) - 1


def series_keys(keys: pd.Series) -> SeriesKeys:
    """Group the rows by key; runs of equal keys that strictly increase are already grouped
    and sorted (no key can come back later), which needs no hashing."""
    if len(keys) > 1 and not keys.hasnans:
        arr = keys.array
        try:
            changes = np.asarray(arr[:-1] != arr[1:], dtype=bool)
            starts = np.concatenate(([0], np.flatnonzero(changes) + 1))
            uniques = arr.take(starts)
            ordered = bool(np.asarray(uniques[:-1] < uniques[1:], dtype=bool).all())
        except TypeError:  # keys that do not compare (mixed types): hash them
            ordered = False
        if ordered:
            return SeriesKeys(pd.Index(uniques), None, starts)
    codes, found = pd.factorize(keys, sort=True)
    return SeriesKeys(pd.Index(found), codes.astype(np.int64, copy=False), None)


def row_order(keys: SeriesKeys, x: np.ndarray, date: str) -> tuple[IntArray | None, IntArray]:
    """Row order by (series, date) (None when the rows are already in that order) and the
    first position of each series in that order. A date repeated in a series is an error."""
    n = x.size
    if keys.starts is not None:
        rising = x[1:] > x[:-1]
        rising[keys.starts[1:] - 1] = True  # a new series may start at any date
        if rising.all():  # sorted, and no date repeats
            return None, keys.starts
        codes = np.repeat(
            np.arange(keys.starts.size, dtype=np.int64), np.diff(np.append(keys.starts, n))
        )
    else:
        assert keys.codes is not None
        codes = keys.codes
    order = _sort_order(codes, x)
    if order is not None:
        codes, x = codes[order], x[order]
    same = codes[1:] == codes[:-1]
    dups = validate.duplicate_dates(x, same)
    if dups.size:
        i = int(dups[0])
        raise ValueError(
            f"{date}: series {validate.show(keys.uniques[codes[i]])} has the date "
            f"{validate.show(x[i])} twice"
        )
    return order, np.concatenate(([0], np.flatnonzero(~same) + 1))


def _sort_order(codes: IntArray, x: np.ndarray) -> IntArray | None:
    """Sort order by (series, date), or None when the rows are already in that order."""
    if codes.size < 2:
        return None
    dc = np.diff(codes)
    dx = np.diff(x)
    if bool(np.all((dc > 0) | ((dc == 0) & (dx > 0)))):
        return None
    return np.lexsort((x, codes))
