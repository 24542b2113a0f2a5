"""Incremental recompute: one ICB-month changed -> recompute only what depends on it.

What depends on (dataset, ICB, month): that ICB's partials for the month (and, for items open at
period end, every later month: a snapshot counts all earlier records); the ICB, its region and
England for those months; the SPC series of those organisations; and the funnels of those
months. Everything is rebuilt with the same functions as the full computation, so a full
recompute and a sequence of incremental ones give the same tables.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from oversight.metrics import statistics
from oversight.metrics.assemble import ORG_KEYS, ROW_KEYS, assemble
from oversight.metrics.computation import (
    Computation,
    quantile_values,
    roll_up,
    scan,
    to_long,
    used_items,
)
from oversight.metrics.engines import Engine
from oversight.metrics.lakefiles import list_files
from oversight.metrics.organisations import ENGLAND_CODE, ICB, OrgTree

if TYPE_CHECKING:
    from oversight.catalogue import DataItem, Metric

Change = tuple[str, str, dt.date]
"""(dataset, icb_code, period) of one changed ICB-month."""


def _affected_periods(
    items: Sequence[DataItem], period: dt.date, periods: Sequence[dt.date]
) -> list:
    if any(i.aggregation == "open_at_period_end" for i in items):
        return [p for p in periods if p >= period]
    return [period] if period in periods else []


def _replace(old: pd.DataFrame, new: pd.DataFrame, drop: pd.Series) -> pd.DataFrame:
    kept = old[~drop]
    if new.empty:
        return kept.reset_index(drop=True)
    if kept.empty:
        return new.reset_index(drop=True)
    return pd.concat(
        [kept, new[old.columns] if set(old.columns) <= set(new.columns) else new], ignore_index=True
    )


def _swap(old: pd.DataFrame, new: pd.DataFrame, drop: np.ndarray, keys: list[str]) -> pd.DataFrame:
    """`old` (sorted by keys) with its `drop` rows replaced by `new`, still sorted by keys.

    When the new rows have exactly the keys of the dropped ones (the usual case: the same
    organisations, periods and groups), they are written in place; otherwise rows are
    concatenated and sorted again.
    """
    new = new.sort_values(keys, kind="stable").reset_index(drop=True)
    if len(new) == int(drop.sum()):
        before = old.loc[drop, keys].reset_index(drop=True)
        if before.astype(str).equals(new[keys].astype(str)):
            out = old.copy(deep=False)
            for col in old.columns:
                if col not in keys:
                    out[col] = _write(out[col], drop, new[col])
            return out
    merged = _replace(old, new, pd.Series(drop, index=old.index))
    return merged.sort_values(keys, kind="stable").reset_index(drop=True)


def _write(column: pd.Series, where: np.ndarray, values: pd.Series) -> pd.Series:
    """`column` with the `where` positions set to `values`, keeping the column's dtype."""
    dtype = column.dtype
    if isinstance(dtype, pd.StringDtype):  # in place: no round trip of every row via object
        out_s = column.copy()
        out_s.iloc[np.flatnonzero(where)] = values.to_numpy(dtype=object)
        return out_s
    numeric = isinstance(dtype, np.dtype) and np.issubdtype(dtype, np.number)
    if not numeric or values.dtype == object:
        column = column.astype(object)
        values = values.astype(object).where(values.notna(), None)
    elif column.dtype != values.dtype:
        column = column.astype("float64")
    out = column.to_numpy(copy=True)
    out[where] = values.to_numpy(dtype=out.dtype)
    written = pd.Series(out, index=column.index, name=column.name, dtype=out.dtype)
    return written if numeric or written.dtype == dtype else written.astype(dtype)


def _touching(frame: pd.DataFrame, codes: set[str], periods: Sequence[dt.date]) -> np.ndarray:
    """Rows of the touched organisations (ICB, region and England codes never collide)."""
    return (frame["org_code"].isin(codes) & frame["period"].isin(set(periods))).to_numpy()


def apply_change(
    comp: Computation,
    change: Change,
    lake: Path,
    metrics: Sequence[Metric],
    data_items: Mapping[str, DataItem],
    tree: OrgTree,
    engine: Engine,
) -> Computation:
    """A new Computation with one ICB-month recomputed (the input is not modified).

    The input must be in canonical order (pipeline.canonical); so is the output.
    """
    dataset, icb, period = change
    by_ds = used_items(metrics, data_items)
    if dataset not in by_ds:
        return comp
    items = by_ds[dataset]
    periods = _affected_periods(items, period, comp.periods)
    if not periods:
        return comp
    record_level = items[0].grain == "record"
    files = [
        f
        for f in list_files(lake, dataset, icbs=[icb])
        if f.period <= max(periods)
        and (f.period in periods or any(i.aggregation == "open_at_period_end" for i in items))
    ]
    old_part = comp.partials.get(dataset, pd.DataFrame())
    if files:
        part, presence = scan(engine, files, items, record_level, periods)
    else:
        part, presence = old_part.iloc[0:0], comp.presence.iloc[0:0, :3]
    # 1. partials and presence of the ICB for the affected months
    if len(old_part):
        drop = (old_part["icb_code"] == icb) & old_part["period"].isin(periods)
        part = _replace(old_part, part, drop)
    pres = comp.presence
    drop = (pres["dataset"] == dataset) & (pres["icb_code"] == icb) & pres["period"].isin(periods)
    presence = _replace(pres, presence.assign(dataset=dataset), drop)
    presence = presence.sort_values(["dataset", "icb_code", "period"]).reset_index(drop=True)
    # 2. organisations whose values change: the ICB, its region(s) and England
    regions = {tree.region_of(icb, p) for p in periods}
    codes = {icb, ENGLAND_CODE, *regions}
    orgs = tree.orgs()
    orgs = orgs[orgs["period"].isin(periods) & orgs["org_code"].isin(codes)]
    touched = orgs[ORG_KEYS].drop_duplicates()
    # 3. item values for those organisations and months
    scope = part[part["period"].isin(periods)]
    non_q = [i for i in items if i.aggregation != "quantile"]
    long = [to_long(roll_up(engine, scope, items, record_level, tree), non_q)]
    q_items = [i for i in items if i.aggregation == "quantile"]
    if q_items:
        q_files = list_files(lake, dataset, periods=periods)
        if q_files:
            long.append(to_long(quantile_values(engine, q_files, q_items, tree, periods), q_items))
    new_items = pd.concat(long, ignore_index=True).merge(touched, on=ORG_KEYS)
    old = comp.items
    drop = old["item"].isin([i.id for i in items]).to_numpy() & _touching(old, codes, periods)
    items_long = _swap(old, new_items, drop, ["item", *ROW_KEYS])
    # 4. metric rows of the metrics that use the dataset, for those organisations and months
    affected = [
        m for m in metrics if any(data_items[i].dataset == dataset for i in m.data_item_ids)
    ]
    ids = [m.id for m in affected]
    mine = items_long["item"].isin({i for m in affected for i in m.data_item_ids}).to_numpy()
    scoped = items_long[mine & _touching(items_long, codes, periods)]
    rows, lineage = assemble(affected, data_items, scoped, orgs, presence)
    old_rows = comp.metrics
    drop = old_rows["metric_id"].isin(ids).to_numpy() & _touching(old_rows, codes, periods)
    table = _swap(old_rows, rows, drop, ["metric_id", *ROW_KEYS])
    lineage = _relink(comp.lineage, lineage, old_rows.loc[drop, "revisions"], rows, table)
    new = Computation(
        table,
        lineage,
        items_long,
        {**comp.partials, dataset: part},
        presence,
        comp.periods,
    )
    if comp.statistics is not None:
        new.statistics = _restat(comp.statistics, table, affected, codes, periods)
    return new


def _relink(
    old: pd.DataFrame,
    new: pd.DataFrame,
    replaced: pd.Series,
    rows: pd.DataFrame,
    table: pd.DataFrame,
) -> pd.DataFrame:
    """The lineage table after a swap: the new keys added, and the keys only the replaced rows
    used dropped (the only ones that can have lost every reference; scanning the whole table's
    keys for that was the slowest step of a recompute)."""
    lost = set(replaced.dropna().unique()) - set(rows["revisions"].dropna().unique())
    if lost:
        lost -= set(table.loc[table["revisions"].isin(lost), "revisions"].unique())
    lineage = pd.concat([old, new], ignore_index=True).drop_duplicates("lineage_key")
    lineage = lineage[~lineage["lineage_key"].isin(lost)]
    return lineage.sort_values("lineage_key").reset_index(drop=True)


def _restat(
    old: pd.DataFrame,
    table: pd.DataFrame,
    affected: Sequence[Metric],
    codes: set[str],
    periods: Sequence[dt.date],
) -> pd.DataFrame:
    """Statistics again for the affected series (whole series) and the affected funnels.

    `old` and `table` are in the same (canonical) order, one statistics row per result row.
    """
    defs = {m.id: m for m in affected}
    keys = statistics.KEYS
    in_metrics = table["metric_id"].isin(list(defs)).to_numpy()
    series = in_metrics & table["org_code"].isin(codes).to_numpy()
    fresh = statistics.attach(table[series], defs)
    if len(old) != len(table):  # the grid changed shape: realign on the keys first
        old = table[keys].merge(old, on=keys, how="left")
    stats = _swap(old, fresh, series, keys)
    # funnels of the affected months: every ICB's position moves with the others
    fcols = ["funnel_z", "funnel_lower", "funnel_upper", "funnel_position"]
    months = in_metrics & table["period"].isin(set(periods)).to_numpy()
    funnel = statistics.funnels(table[months], defs)
    target = (
        months & (table["org_type"] == ICB).to_numpy() & (table["breakdown"] == "total").to_numpy()
    )
    at = table.loc[target, ["metric_id", "org_code", "period"]]
    placed = at.merge(funnel, on=["metric_id", "org_code", "period"], how="left")
    for col in fcols:
        values = placed[col] if col == "funnel_position" else placed[col].astype("float64")
        stats[col] = _write(stats[col], target, values)
    return stats[statistics.COLUMNS]


def apply_changes(
    comp: Computation,
    changes: Iterable[Change],
    lake: Path,
    metrics: Sequence[Metric],
    data_items: Mapping[str, DataItem],
    tree: OrgTree,
    engine: Engine,
) -> Computation:
    for change in changes:
        comp = apply_change(comp, change, lake, metrics, data_items, tree, engine)
    return comp


def detect_changes(
    presence: pd.DataFrame, periods: Sequence[dt.date], lake: Path, datasets: Iterable[str]
) -> list[Change]:
    """ICB-months whose file's revision differs from the one the results were computed from
    (`presence`: the results' revision of every dataset x ICB-month)."""
    import pyarrow.parquet as pq

    known = {
        (r.dataset, r.icb_code, r.period): r.revision_id
        for r in presence.itertuples(index=False)
    }
    seen, changes = set(), []
    for dataset in datasets:
        for f in list_files(lake, dataset, periods=periods):
            key = (dataset, f.icb_code, f.period)
            seen.add(key)
            col = pq.read_table(f.path, columns=["revision_id"])["revision_id"]
            revs = set(col.unique().to_pylist())
            if key not in known or revs != {known[key]}:
                changes.append(key)
    changes += [k for k in known if k not in seen]
    return sorted(set(changes))
