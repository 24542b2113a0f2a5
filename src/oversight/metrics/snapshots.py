"""Open-at-period-end counts (waiting lists, backlogs) from the records, by difference arrays.

A record counts for an open item at the month-ends of one run of month indices [lo, hi]
(compile._open_run). Instead of expanding every record into the months of its run and grouping
the expanded rows (one row per record and month: at scale 1.0, tens of millions), each record
adds +1 at lo and -1 at hi + 1 of its group's row of months, and a cumulative sum along the
months gives every month's count. The engine only projects the records (compile.open_records:
ICB, raw person columns, the items' start and stop dates and, for an item with its own filter,
that filter); the months, bounds and sums are integer numpy over batches of records, the same
whichever engine read them.

Groups (ICB x person columns) are coded as the batches stream in (each column's distinct values,
null included, numbered in order of first sight), and the sums are held on a dense grid of
those codes x months, which grows when a batch brings a new value. Where the grid would be large
(columns of many distinct values) `TooManyGroups` is raised and the caller falls back to the
engine's expansion (compile.open_partials), which gives the same rows.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from oversight.metrics import compile as cc
from oversight.metrics.breakdowns import RAW_DIMENSIONS
from oversight.metrics.engines import positions_in

if TYPE_CHECKING:
    from oversight.catalogue import DataItem

KEY_COLUMNS = ("icb_code", *RAW_DIMENSIONS)
GRID_CELLS = 1 << 22
"""The largest grid (groups x months) summed densely: 32 MB per sum."""
_NEVER = 1 << 30
BATCH_ROWS = 1 << 18
"""Records counted at a time: about 30 int32 arrays of months and bounds per record are held
per batch (at scale 1.0, batches of a million records raised the engine's peak by 0.4 GB)."""


class TooManyGroups(Exception):
    """The groups' grid would exceed GRID_CELLS: expand on the engine instead."""


class _Codes:
    """One key column's values (null included) numbered in order of first sight."""

    def __init__(self) -> None:
        self.code: dict[Any, int] = {}
        self.type: pa.DataType = pa.null()
        self._known: pa.Array | None = None  # the non-null values coded so far, and their codes
        self._known_codes = np.zeros(0, dtype=np.int32)

    def __call__(self, col: pa.Array) -> np.ndarray:
        if pa.types.is_integer(col.type) and col.null_count < len(col):
            return self._integers(col)
        known = self._seen(col)
        if known is not None:
            return known
        enc = col if pa.types.is_dictionary(col.type) else pc.dictionary_encode(col)
        self.type = enc.type.value_type
        local = [self.code.setdefault(v, len(self.code)) for v in enc.dictionary.to_pylist()]
        null = self.code.setdefault(None, len(self.code)) if enc.indices.null_count else 0
        table = np.array([*local, null], dtype=np.int32)
        values = [v for v in self.code if v is not None]
        self._known = pa.array(values, type=self.type)
        self._known_codes = np.array([self.code[v] for v in values], dtype=np.int32)
        return table[enc.indices.fill_null(len(local)).to_numpy()]

    def _seen(self, col: pa.Array) -> np.ndarray | None:
        """The codes of a batch whose every value is coded already (`positions_in`; RTT's four
        text columns at scale 0.1: 0.19 -> 0.14 s), None when it brings a value not seen yet."""
        at = None if pa.types.is_dictionary(col.type) else positions_in(col, self._known)
        if at is None:
            return None
        null = self.code.setdefault(None, len(self.code)) if col.null_count else 0
        table = np.append(self._known_codes, np.int32(null))
        return table[at.fill_null(len(self._known_codes)).to_numpy()]

    def _integers(self, col: pa.Array) -> np.ndarray:
        """Small integers (the IMD decile) by their offset from the smallest: no hashing."""
        self.type = col.type
        low = pc.min(col).as_py()
        offset = col.fill_null(low).to_numpy().astype(np.int32) - low
        present = np.flatnonzero(np.bincount(offset))
        table = np.zeros(int(present[-1]) + 1, dtype=np.int32)
        table[present] = [self.code.setdefault(int(v) + low, len(self.code)) for v in present]
        codes = table[offset]
        if col.null_count:
            null = self.code.setdefault(None, len(self.code))
            codes[col.is_null().to_numpy(zero_copy_only=False)] = null
        return codes

    def values(self) -> pa.Array:
        return pa.array(list(self.code), type=self.type)


class _Calendar:
    """Whole months from the origin month to a date plus some days, for a batch's dates: a
    table over the batch's range of days (a few thousand entries), not a calendar per record."""

    def __init__(self, dates: Sequence[np.ndarray], reach: int, origin: int) -> None:
        self.origin = origin
        self.low = min(int(d.min()) for d in dates) if dates else 0
        high = max(int(d.max()) for d in dates) + reach if dates else 0
        self.table = None
        if high - self.low <= 1 << 20:  # about 2,900 years: 8 MB
            days = np.arange(self.low, high + 1).astype("datetime64[D]")
            self.table = (days.astype("datetime64[M]").astype(np.int64) - origin).astype(np.int32)

    def months(self, days: np.ndarray, plus: int = 0) -> np.ndarray:
        if self.table is None:  # dates centuries apart: numpy's calendar per record
            at = (days + plus).astype("datetime64[D]")
            return (at.astype("datetime64[M]").astype(np.int64) - self.origin).astype(np.int32)
        return self.table[days + (plus - self.low)]


def _days(col: pa.Array) -> tuple[np.ndarray, np.ndarray]:
    """A date column as days since 1970-01-01 (int32; nulls as the earliest day there is, or
    0) and its null mask."""
    days = col.cast(pa.date32()).cast(pa.int32())
    nulls = days.is_null().to_numpy(zero_copy_only=False)
    fill = pc.min(days).as_py() if days.null_count < len(days) else 0
    return days.fill_null(fill).to_numpy(), nulls


def _runs(
    batch: pa.RecordBatch, items: Sequence[DataItem], plan: cc.OpenPlan, origin: int, span: int
) -> list[tuple[np.ndarray, np.ndarray]]:
    """Per item, the months [lo, hi] at which each record counts, and last the months it is
    expanded into (the rows it makes), exactly as compile.open_partials bounds them (`plan`):
    null bounds as DuckDB and Spark treat them (a null start expands from month 0; a null
    bound compared counts nothing)."""
    names = batch.schema.names
    dates: dict[str, tuple[np.ndarray, np.ndarray]] = {}
    for item in items:
        for col in cc.run_columns(item):
            if col not in dates:
                dates[col] = _days(batch.column(names.index(cc.date_col(col))))
    reach = max(max(i.min_days or 0, i.max_days or 0) for i in items) + 1
    calendar = _Calendar([d for d, _ in dates.values()], reach, origin)
    los, lo_nulls, his, caps = [], [], [], []
    stops: dict[str, np.ndarray] = {}
    for k, item in enumerate(items):
        start_col, stop_col = cc.run_columns(item)
        start, no_start = dates[start_col]
        stop, no_stop = dates[stop_col]
        offset = 0 if item.min_days is None else item.min_days + 1
        lo, lo_null = calendar.months(start, offset), no_start
        if plan.gated[k]:
            kept = batch.column(names.index(cc.keep_col(k))).fill_null(False)
            kept_np = kept.to_numpy(zero_copy_only=False)
            lo, lo_null = np.where(kept_np, lo, _NEVER), kept_np & no_start
        if stop_col not in stops:
            stops[stop_col] = np.where(no_stop, _NEVER, calendar.months(stop) - 1)
        hi = stops[stop_col]
        cap = None
        if item.max_days is not None:  # least(hi, cap) skips a null cap (no start)
            cap = calendar.months(start, item.max_days + 1) - 1
            hi = np.where(no_start, hi, np.minimum(hi, cap))
        los.append(lo)
        lo_nulls.append(lo_null)
        his.append(hi)
        caps.append((cap, no_start))
    if plan.first is not None:
        first, first_null = los[plan.first], lo_nulls[plan.first]
    else:  # least() skips nulls (as _NEVER: no lo is later); null only where every lo is
        skipped = [np.where(n, _NEVER, lo) for lo, n in zip(los, lo_nulls, strict=True)]
        first = np.minimum.reduce(skipped)
        first_null = np.logical_and.reduce(lo_nulls)
    row_lo = np.where(first_null, 0, np.maximum(first, 0))
    row_hi = np.minimum(np.maximum.reduce(his), span)
    out = []
    for k in range(len(items)):
        lo = row_lo
        if plan.need_lo[k]:
            lo = np.where(lo_nulls[k], _NEVER, np.maximum(los[k], row_lo))
        hi = row_hi
        if plan.hi_test[k] == "hi":
            hi = np.minimum(his[k], row_hi)
        elif plan.hi_test[k] == "cap":
            cap, no_start = caps[k]
            assert cap is not None
            hi = np.where(no_start, -1, np.minimum(cap, row_hi))
        out.append((lo, hi))
    out.append((row_lo, row_hi))
    return out


class _Grid:
    """Per item (and the widest run), +1 at lo and -1 at hi + 1 on a dense grid of group codes
    x month index (0 .. span + 1; the last slot takes what ends after the last month)."""

    def __init__(self, n_sums: int, months: int) -> None:
        self.caps = [0] * len(KEY_COLUMNS)
        self.months = months
        self.sums = [np.zeros((*self.caps, months), dtype=np.int64) for _ in range(n_sums)]

    def grow(self, caps: list[int]) -> None:
        if caps == self.caps:
            return
        if int(np.prod(caps)) * self.months > GRID_CELLS:
            raise TooManyGroups
        pad = [(0, new - old) for new, old in zip(caps, self.caps, strict=True)] + [(0, 0)]
        self.sums = [np.pad(s, pad) for s in self.sums]
        self.caps = list(caps)

    def add(self, group: np.ndarray, runs: list[tuple[np.ndarray, np.ndarray]]) -> None:
        last = self.months - 1
        size = int(np.prod(self.caps)) * self.months
        base = group * self.months
        ends: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        deltas: dict[tuple[int, int], np.ndarray] = {}
        for s, (lo, hi) in enumerate(runs):
            if (id(lo), id(hi)) not in deltas:  # items with the same run share its sums
                if id(hi) not in ends:
                    end = np.clip(hi + 1, 0, last)
                    ends[id(hi)] = end, np.bincount(base + end, minlength=size)
                end, ended = ends[id(hi)]
                start = np.minimum(np.clip(lo, 0, last), end)  # an empty run: +1 and -1 there
                deltas[(id(lo), id(hi))] = np.bincount(base + start, minlength=size) - ended
            self.sums[s] += deltas[(id(lo), id(hi))].reshape(self.sums[s].shape)


def _coded(
    batches: Iterable[pa.RecordBatch], coders: list[_Codes]
) -> Iterator[tuple[pa.RecordBatch, list[np.ndarray], list[int]]]:
    """Each batch with rows, its key columns' codes and how many values each column has."""
    for batch in batches:
        if batch.num_rows:
            names = batch.schema.names
            keys = zip(coders, KEY_COLUMNS, strict=True)
            codes = [code(batch.column(names.index(name))) for code, name in keys]
            yield batch, codes, [len(c.code) for c in coders]


def open_counts(
    batches: Iterable[pa.RecordBatch],
    items: Sequence[DataItem],
    periods: Sequence[dt.date],
    plan: cc.OpenPlan,
) -> pd.DataFrame:
    """Rows open at each period end per ICB and person columns (compile.open_partials' rows:
    icb_code, the raw person columns, period, one count per item), from compile.open_records'
    batches and compile.open_plan's bounds. A row is there where some record is expanded into
    the month."""
    origin_date = min(periods)
    origin = (origin_date.year - 1970) * 12 + origin_date.month - 1
    snaps = sorted(
        {(p.year - origin_date.year) * 12 + p.month - origin_date.month: p for p in periods}.items()
    )
    span = snaps[-1][0]
    coders = [_Codes() for _ in KEY_COLUMNS]
    grid = _Grid(len(items) + 1, span + 2)
    for batch, codes, caps in _coded(batches, coders):
        grid.grow(caps)
        group = np.ravel_multi_index(codes, grid.caps) if grid.caps else np.zeros(0, np.int64)
        grid.add(group, _runs(batch, items, plan, origin, span))
    at = [k for k, _ in snaps]
    counts = [np.cumsum(s, axis=-1)[..., at] for s in grid.sums]
    cells = np.nonzero(counts[-1] > 0)
    data: dict[str, Any] = {
        name: coder.values().take(pa.array(idx)) if len(coder.code) else pa.nulls(0)
        for name, coder, idx in zip(KEY_COLUMNS, coders, cells[:-1], strict=True)
    }
    data["period"] = pa.array([p for _, p in snaps], pa.date32()).take(pa.array(cells[-1]))
    for item, count in zip(items, counts, strict=False):
        data[cc.value_col(item.id)] = pa.array(count[cells], pa.int64())
    return pa.table(data).to_pandas()
