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
from typing import Any

import pandas as pd

from oversight.metrics import statistics
from oversight.metrics.assemble import ORG_KEYS, assemble
from oversight.metrics.compute import (
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
from oversight.metrics.pipeline import canonical

Change = tuple[str, str, dt.date]
"""(dataset, icb_code, period) of one changed ICB-month."""


def _affected_periods(items: Sequence[Any], period: dt.date, periods: Sequence[dt.date]) -> list:
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


def apply_change(
    comp: Computation,
    change: Change,
    lake: Path,
    metrics: Sequence[Any],
    data_items: Mapping[str, Any],
    tree: OrgTree,
    engine: Engine,
) -> Computation:
    """A new Computation with one ICB-month recomputed (the input is not modified)."""
    dataset, icb, period = change
    by_ds = used_items(metrics, data_items)
    if dataset not in by_ds:
        return comp
    items = by_ds[dataset]
    periods = _affected_periods(items, period, comp.periods)
    if not periods:
        return comp
    record_level = items[0].grain == "record"
    files = [f for f in list_files(lake, dataset, icbs=[icb]) if f.period <= max(periods)]
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
    # 2. organisations whose values change
    regions = {tree.region_of(icb, p) for p in periods}
    orgs = tree.orgs()
    orgs = orgs[orgs["period"].isin(periods)]
    hit = (
        ((orgs["org_type"] == ICB) & (orgs["org_code"] == icb))
        | (orgs["org_code"].isin(regions) & (orgs["org_type"] == "region"))
        | (orgs["org_code"] == ENGLAND_CODE)
    )
    orgs = orgs[hit]
    touched = orgs[ORG_KEYS].drop_duplicates()
    # 3. item values for those organisations and months
    scope = part[part["period"].isin(periods)]
    long = [
        to_long(
            roll_up(engine, scope, items, record_level, tree),
            [i for i in items if i.aggregation != "quantile"],
        )
    ]
    q_items = [i for i in items if i.aggregation == "quantile"]
    if q_items:
        q_files = list_files(lake, dataset, periods=periods)
        if q_files:
            long.append(to_long(quantile_values(engine, q_files, q_items, tree, periods), q_items))
    new_items = pd.concat(long, ignore_index=True).merge(touched, on=ORG_KEYS)
    old = comp.items
    mine = old["item"].isin([i.id for i in items])
    drop = mine & _in(old, touched)
    items_long = _replace(old, new_items, drop)
    # 4. metric rows of the metrics that use the dataset, for those organisations and months
    affected = [
        m for m in metrics if any(data_items[i].dataset == dataset for i in m.data_item_ids)
    ]
    rows, lineage = assemble(
        affected, data_items, items_long[_in(items_long, touched)], orgs, presence
    )
    old_rows = comp.metrics
    drop = old_rows["metric_id"].isin([m.id for m in affected]) & _in(old_rows, touched)
    table = _replace(old_rows, rows, drop)
    lineage = pd.concat([comp.lineage, lineage], ignore_index=True)
    lineage = lineage[lineage["lineage_key"].isin(set(table["revisions"]))]
    new = Computation(
        table,
        lineage.drop_duplicates("lineage_key"),
        items_long,
        {**comp.partials, dataset: part},
        presence,
        comp.periods,
    )
    if comp.statistics is not None:
        new.statistics = _restat(comp.statistics, table, affected, touched, periods)
    return canonical(new)


def _in(frame: pd.DataFrame, keys: pd.DataFrame) -> pd.Series:
    idx = pd.MultiIndex.from_frame(keys[ORG_KEYS])
    return pd.Series(pd.MultiIndex.from_frame(frame[ORG_KEYS]).isin(idx), index=frame.index)


def _restat(
    old: pd.DataFrame,
    table: pd.DataFrame,
    affected: Sequence[Any],
    touched: pd.DataFrame,
    periods: Sequence[dt.date],
) -> pd.DataFrame:
    """Statistics again for the affected series (whole series) and the affected funnels."""
    defs = {m.id: m for m in affected}
    ids = list(defs)
    orgs = touched[["org_type", "org_code"]].drop_duplicates()
    series_rows = table[table["metric_id"].isin(ids)].merge(orgs, on=["org_type", "org_code"])
    fresh = statistics.attach(series_rows, defs)
    funnel = statistics.funnels(
        table[table["metric_id"].isin(ids) & table["period"].isin(periods)], defs
    )
    keys = statistics.KEYS
    stats = old.copy()
    drop = stats["metric_id"].isin(ids) & pd.MultiIndex.from_frame(
        stats[["org_type", "org_code"]]
    ).isin(pd.MultiIndex.from_frame(orgs))
    stats = _replace(stats, fresh, pd.Series(drop, index=stats.index))
    fcols = ["funnel_z", "funnel_lower", "funnel_upper", "funnel_position"]
    clear = stats["metric_id"].isin(ids) & stats["period"].isin(periods)
    stats.loc[clear, fcols[:3]] = float("nan")
    stats.loc[clear, "funnel_position"] = None
    if len(funnel):
        funnel = funnel.assign(org_type=ICB, breakdown="total", group="total")
        stats = stats.drop(columns=fcols).merge(
            pd.concat([stats.loc[~clear, [*keys, *fcols]], funnel[[*keys, *fcols]]]),
            on=keys,
            how="left",
        )
    return statistics.normalise(stats[statistics.COLUMNS])


def apply_changes(
    comp: Computation,
    changes: Iterable[Change],
    lake: Path,
    metrics: Sequence[Any],
    data_items: Mapping[str, Any],
    tree: OrgTree,
    engine: Engine,
) -> Computation:
    for change in changes:
        comp = apply_change(comp, change, lake, metrics, data_items, tree, engine)
    return comp


def detect_changes(comp: Computation, lake: Path, datasets: Iterable[str]) -> list[Change]:
    """ICB-months whose file's revision differs from the one the results were computed from."""
    import pyarrow.parquet as pq

    known = {
        (r.dataset, r.icb_code, r.period): r.revision_id
        for r in comp.presence.itertuples(index=False)
    }
    seen, changes = set(), []
    for dataset in datasets:
        for f in list_files(lake, dataset, periods=comp.periods):
            key = (dataset, f.icb_code, f.period)
            seen.add(key)
            col = pq.read_table(f.path, columns=["revision_id"])["revision_id"]
            revs = set(col.unique().to_pylist())
            if key not in known or revs != {known[key]}:
                changes.append(key)
    changes += [k for k in known if k not in seen]
    return sorted(set(changes))
