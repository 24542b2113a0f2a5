"""Exact quantiles for every level x breakdown group, in memory from the records they need.

Quantiles are not additive, so unlike counts and means they cannot be rolled up from partials.
The engine projects only the records a quantile item counts (its filter, its value, ICB, period
and the raw person columns; compile.quantile_records), and this module takes every level x
breakdown x item quantile from them by sorting. Each value becomes an unsigned integer in the
same order (a whole number of seconds: its offset from the smallest; otherwise its rank), and per
grouping each record is one integer, group key in the high bits and value in the low bits; one
plain sort of those integers (a vectorised sort, several times faster than an argsort) puts every
group's values together and in order, so a group's quantile is read at its offset. The
interpolation is linear between the two nearest order statistics at (n - 1) x q, the definition
of DuckDB's quantile_cont and Spark's percentile, so both engines give the same figures. (On
DuckDB this replaced 6 x 3 holistic group-bys per item, which collect every value of every group
once per grouping; at scale 1.0 the packed sort took the 36 groupings from 10 s to about 2 s.)
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from oversight.metrics.breakdowns import DIMENSIONS, TOTAL
from oversight.metrics.compile import count_col, keep_col, value_col, value_of, x_col
from oversight.metrics.organisations import ENGLAND_CODE
from oversight.metrics.rollup import (
    ROW_KEYS,
    _Rows,
    breakdown_codes,
    region_index,
    sorted_codes,
)

if TYPE_CHECKING:
    from oversight.catalogue import DataItem

Decode = Callable[[np.ndarray], np.ndarray]


def _sortable(xs: np.ndarray) -> tuple[np.ndarray, Decode]:
    """Values -> unsigned integers in the same order, and the exact way back.

    Whole numbers spanning less than 2**32 (durations in seconds) are their offset from the
    smallest, with no sort; any other values are their rank (one float sort).
    """
    if len(xs) and bool(np.isfinite(xs).all()):
        low = float(xs.min())
        if float(xs.max()) - low < 2**32 and bool((xs == np.floor(xs)).all()):
            return (xs - low).astype(np.uint64), lambda u: u.astype(np.float64) + low
    order = np.argsort(xs, kind="stable")
    ordered = xs[order]
    ranks = np.empty(len(xs), dtype=np.uint64)
    ranks[order] = np.arange(len(xs), dtype=np.uint64)
    return ranks, lambda u: ordered[u.astype(np.int64)]


def _packing(u: np.ndarray, size: int) -> tuple[type, int]:
    """The unsigned type that holds a group key below `size` above values `u`, and the shift."""
    bits = max(int(u.max()).bit_length(), 1) if len(u) else 1
    need = bits + max(size - 1, 1).bit_length()
    if need > 64:
        raise ValueError("too many groups or values to pack a quantile key")
    return (np.uint32 if need <= 32 else np.uint64), bits


def _group_quantiles(
    u: np.ndarray, decode: Decode, key: np.ndarray, size: int, q: float
) -> tuple[np.ndarray, np.ndarray]:
    """Per key (0..size-1): the q quantile of the values (NaN: none) and how many there are.

    `u` holds the values as order-preserving unsigned integers (_sortable), `key` each
    value's group. Key and value are packed into one integer (32 bits when they fit) and sorted.
    """
    kind, bits = _packing(u, size)
    shift = kind(bits)
    packed: np.ndarray = key.astype(kind)
    packed <<= shift
    packed |= u.astype(kind, copy=False)
    packed.sort()
    bounds = np.searchsorted(packed, np.arange(size + 1, dtype=kind) << shift)
    start, n = bounds[:-1], np.diff(bounds)
    has = n > 0
    h = (n[has] - 1) * q
    lo = np.floor(h).astype(np.int64)
    hi = np.minimum(lo + 1, n[has] - 1)
    mask = kind((1 << bits) - 1)
    a = decode(packed[start[has] + lo] & mask)
    b = decode(packed[start[has] + hi] & mask)
    v = np.full(size, np.nan)
    v[has] = a + (h - lo) * (b - a)
    return v, n.astype(float)


def _small(codes: np.ndarray) -> np.ndarray:
    """Non-negative codes in the narrowest unsigned type (they are gathered per grouping)."""
    top = int(codes.max()) if len(codes) else 0
    for kind in (np.uint8, np.uint16, np.uint32):
        if top <= np.iinfo(kind).max:
            return codes.astype(kind)
    return codes.astype(np.uint64)


def quantile_rows(
    records: pd.DataFrame, items: Sequence[DataItem], membership: pd.DataFrame
) -> pd.DataFrame:
    """Quantile and record count of each item for ICB, region and England x total and every
    breakdown group (ROW_KEYS, then `<id>__v`, `<id>__n`); a row wherever any item has records.

    Level by level and item by item, so that only one item's records of one level are held as
    arrays at a time (at scale 1.0 an item has 3.7M records).
    """
    measures = [c for i in items for c in (value_col(i.id), count_col(i.id))]
    if records.empty:
        return pd.DataFrame(columns=[*ROW_KEYS, *measures])
    icb_idx, icbs = sorted_codes(records["icb_code"])
    per_idx, periods = sorted_codes(records["period"])
    region_of, regions = region_index(icbs, periods, membership)
    n_icb, n_reg, n_per = len(icbs), len(regions), len(periods)
    org_of = (
        icb_idx.astype(np.int32),
        region_of[icb_idx, per_idx].astype(np.int32),
        np.zeros(len(records), np.int32),
    )
    per_idx = per_idx.astype(np.int32)
    del icb_idx
    coded = breakdown_codes(records)
    breakdowns = [(np.zeros(len(records), np.uint8), np.array([TOTAL], object))]
    breakdowns += [(_small(coded[d][0]), coded[d][1]) for d in DIMENSIONS]
    del coded
    levels = ((0, 0, n_icb), (1, n_icb, n_reg), (2, n_icb + n_reg, 1))
    wanted = []
    for k, j in enumerate(value_of(items)):
        keep = records[keep_col(k)].to_numpy(dtype=bool, na_value=False)
        x = records[x_col(j)].to_numpy(dtype="float64", na_value=np.nan)
        wanted.append((np.flatnonzero(keep & ~np.isnan(x)), x))
    cells: dict[tuple[int, int], dict[str, np.ndarray]] = {}
    for level, _, n_org in levels:
        for item, (rows, x) in zip(items, wanted, strict=True):
            org = org_of[level][rows]
            sel = rows if level != 1 else rows[org >= 0]  # ICBs with no region that month
            org_per = org[org >= 0] if level == 1 else org
            org_per = org_per * n_per + per_idx[sel]
            u, decode = _sortable(x[sel])
            q = float(item.quantile or 0)
            for b, (grp, labels) in enumerate(breakdowns):
                n_grp = len(labels)
                size = n_org * n_per * n_grp
                key = org_per.astype(_packing(u, size)[0])
                key *= n_grp
                key += grp[sel]
                v, n = _group_quantiles(u, decode, key, size, q)
                got = cells.setdefault((b, level), {"_rows": np.zeros(size)})
                got[value_col(item.id)], got[count_col(item.id)] = v, n
                got["_rows"] += n
    out = _Rows([*icbs, *regions, ENGLAND_CODE], periods, measures)
    for b, (_, labels) in enumerate(breakdowns):
        g0 = out.add_groups(labels)
        for level, org0, n_org in levels:
            out.add(level, org0, b, g0, cells[(b, level)], (n_org, n_per, len(labels)))
    return out.frame()
