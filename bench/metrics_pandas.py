"""The straightforward pandas baseline for bench/metrics.py: the full catalogue's aggregates.

Read every file of a dataset into one DataFrame, attach regions and breakdown groups, then for
every organisation level x breakdown a groupby: sums of filter masks for counts and sums, means
and quantiles of the filtered values, and for snapshot items one mask per month-end. Like the SQL
baseline it yields the aggregates only.
"""

from __future__ import annotations

import calendar
import time
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.metrics.computation import used_items
from oversight.metrics.lakefiles import list_files

BREAKDOWNS = (None, "imd_decile", "imd_quintile", "ethnicity_group", "age_band", "sex")
LEVELS = (("icb", "icb_code"), ("region", "region_code"), ("england", None))


OPS = {
    "==": lambda col, v: col == v,
    "!=": lambda col, v: col != v,
    "<": lambda col, v: col < v,
    "<=": lambda col, v: col <= v,
    ">": lambda col, v: col > v,
    ">=": lambda col, v: col >= v,
    "in": lambda col, v: col.isin(list(v)),
    "is_null": lambda col, v: col.isna(),
    "not_null": lambda col, v: col.notna(),
}


def _mask(df: pd.DataFrame, item: Any) -> pd.Series:
    keep = pd.Series(True, index=df.index)
    for c in item.filter:
        keep &= OPS[c.op](df[c.column], c.value).fillna(False).astype(bool)
    return keep


def _groupings(df: pd.DataFrame, record_level: bool) -> list[pd.DataFrame]:
    frames = []
    for _level, org in LEVELS:
        for dim in BREAKDOWNS if record_level else (None,):
            frames.append((org, dim))
    return frames


def _aggregate(df: pd.DataFrame, cols: dict[str, str], record_level: bool) -> int:
    rows = 0
    for org, dim in _groupings(df, record_level):
        keys = [k for k in (org, "period", dim) if k]
        out = df.groupby(keys).agg(**{name: (col, how) for name, (col, how) in cols.items()})
        rows += len(out)
    return rows


def dataset(lake: Path, items: list[Any], membership: pd.DataFrame) -> int:
    files = list_files(lake, items[0].dataset)
    df = pd.concat([pd.read_parquet(f.path) for f in files], ignore_index=True)
    df["period"] = pd.to_datetime(df["period"])
    mem = membership.assign(period=pd.to_datetime(membership["period"]))
    record_level = items[0].grain == "record"
    if record_level:
        df["imd_quintile"] = (df["imd_decile"] + 1) // 2
    rows = 0
    snaps = [i for i in items if i.aggregation == "open_at_period_end"]
    plain = [i for i in items if i.aggregation != "open_at_period_end"]
    if plain:
        flat = df[df["period"].isin(mem["period"])].merge(mem, on=["icb_code", "period"])
        cols: dict[str, tuple[str, str]] = {}
        for item in plain:
            keep = _mask(flat, item)
            if item.aggregation == "count" and item.start_column:
                days = (
                    pd.to_datetime(flat[item.stop_column]) - pd.to_datetime(flat[item.start_column])
                ).dt.days
                keep &= days.notna()
                if item.min_days is not None:
                    keep &= days > item.min_days
                if item.max_days is not None:
                    keep &= days <= item.max_days
            if item.aggregation == "count":
                flat[item.id] = keep.astype(int)
                cols[item.id] = (item.id, "sum")
            else:
                flat[item.id] = flat[item.column].where(keep)
                how = {"sum": "sum", "mean": "mean", "quantile": "quantile"}[item.aggregation]
                cols[item.id] = (item.id, how if how != "quantile" else "median")
        quantiles = [i for i in plain if i.aggregation == "quantile"]
        rows += _aggregate(flat, {k: v for k, v in cols.items() if v[1] != "median"}, record_level)
        for item in quantiles:
            for org, dim in _groupings(flat, record_level):
                keys = [k for k in (org, "period", dim) if k]
                rows += len(flat.groupby(keys)[item.id].quantile(item.quantile))
    for period in sorted(set(mem["period"])) if snaps else ():
        end = pd.Timestamp(period).replace(day=calendar.monthrange(period.year, period.month)[1])
        flat = df[df["period"] <= period].copy()
        flat["period"] = period
        flat = flat.merge(mem, on=["icb_code", "period"])
        cols = {}
        for item in snaps:
            start = pd.to_datetime(flat[item.start_column])
            stop = pd.to_datetime(flat[item.stop_column])
            waited = (end - start).dt.days
            keep = _mask(flat, item) & (start <= end) & (stop.isna() | (stop > end))
            if item.min_days is not None:
                keep &= waited > item.min_days
            if item.max_days is not None:
                keep &= waited <= item.max_days
            flat[item.id] = keep.astype(int)
            cols[item.id] = (item.id, "sum")
        rows += _aggregate(flat, cols, record_level)
    return rows


def run(lake: Path, metrics: list[Any], data_items: Any, membership: pd.DataFrame) -> float:
    """Seconds for the whole catalogue."""
    started = time.perf_counter()
    for items in used_items(metrics, data_items).values():
        dataset(lake, items, membership)
    return time.perf_counter() - started
