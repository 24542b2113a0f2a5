"""Batch computation: lake -> item values for every organisation level -> tidy metric rows.

Per dataset, one scan yields the additive partials of all its items (ICB grain); the roll-up to
ICB, region and England x every breakdown runs on the same engine over those partials; quantile
items are computed from the records. The partials, the item values and the presence of every
ICB-month are kept with the results so that an incremental recompute can replace one ICB-month.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import ibis
import pandas as pd

from oversight.metrics import compile as cc
from oversight.metrics.assemble import ROW_KEYS, assemble
from oversight.metrics.engines import Engine
from oversight.metrics.lakefiles import LakeFile, lake_periods, list_files
from oversight.metrics.organisations import OrgTree
from oversight.metrics.returns import (
    blank_breakdowns,
    provider_rows_kept,
    return_items,
    with_returns,
)
from oversight.metrics.rollup import rollup

if TYPE_CHECKING:
    from oversight.catalogue import DataItem, Dataset, Metric

Progress = Callable[[str], None]


@dataclass
class Computation:
    """Everything one computation produced; the results store writes it, incremental edits it."""

    metrics: pd.DataFrame
    lineage: pd.DataFrame
    items: pd.DataFrame
    partials: dict[str, pd.DataFrame]
    presence: pd.DataFrame
    periods: list[dt.date]
    statistics: pd.DataFrame | None = None
    extras: dict[str, pd.DataFrame] = field(default_factory=dict)


def used_items(
    metrics: Iterable[Metric], data_items: Mapping[str, DataItem]
) -> dict[str, list[DataItem]]:
    """The data items the metrics need, by dataset, in a stable order."""
    ids = sorted({i for m in metrics for i in m.data_item_ids})
    missing = [i for i in ids if i not in data_items]
    if missing:
        raise KeyError(f"metrics refer to unknown data items: {', '.join(missing)}")
    by_ds: dict[str, list[DataItem]] = defaultdict(list)
    for i in ids:
        by_ds[data_items[i].dataset].append(data_items[i])
    return dict(sorted(by_ds.items()))


def membership_table(tree: OrgTree) -> Any:
    m = tree.membership[["icb_code", "period", "region_code"]]
    return ibis.memtable(
        m, schema={"icb_code": "string", "period": "date", "region_code": "string"}
    )


def to_long(wide: pd.DataFrame, items: Sequence[DataItem]) -> pd.DataFrame:
    """Wide item columns (`<id>__v`, `__n`, `__ss`) -> one row per item."""
    frames = []
    for item in items:
        cols = {
            "v": cc.value_col(item.id),
            "n": cc.count_col(item.id),
            "ss": cc.squares_col(item.id),
        }
        part = wide[ROW_KEYS].copy()
        part["item"] = item.id
        for short, col in cols.items():
            part[short] = wide[col].astype(float) if col in wide.columns else float("nan")
        frames.append(part)
    if not frames:
        return pd.DataFrame(columns=[*ROW_KEYS, "item", "v", "n", "ss"])
    return pd.concat(frames, ignore_index=True)


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Periods as datetime.date (DuckDB through Arrow gives dates already: left as they are)."""
    if "period" in frame.columns and len(frame):
        first = frame["period"].iloc[0]
        is_date = isinstance(first, dt.date) and not isinstance(first, dt.datetime)
        if is_date and frame["period"].dtype == object:
            return frame
        frame["period"] = pd.to_datetime(frame["period"]).dt.date
    return frame


def scan(
    engine: Engine,
    files: Sequence[LakeFile],
    items: Sequence[DataItem],
    record_level: bool,
    periods: Sequence[dt.date],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """ICB-grain partials of the count/sum/mean and open-at-period-end items, and presence."""
    table = engine.read([f.path for f in files])
    additive = [i for i in items if i.aggregation in cc.ADDITIVE]
    opened = [i for i in items if i.aggregation == "open_at_period_end"]
    if additive:
        part = _dates(engine.execute(cc.partials(table, additive, record_level, periods)))
        presence = part[["icb_code", "period", "revision_id"]].drop_duplicates()
    else:  # snapshot-only dataset: which revisions are there is all a scan would add
        part = pd.DataFrame()
        presence = _dates(engine.execute(cc.revisions(table, periods)))
    if opened:
        op = _dates(engine.execute(cc.open_partials(table, opened, periods)))
        op["revision_id"] = None
        part = pd.concat([part, op], ignore_index=True) if len(part) else op
    return part, presence.reset_index(drop=True)


def roll_up(
    engine: Engine,
    partial: pd.DataFrame,
    items: Sequence[DataItem],
    record_level: bool,
    tree: OrgTree,
) -> pd.DataFrame:
    """Partials -> every level x breakdown (in memory: the partials are small)."""
    del engine  # the roll-up is engine-independent; kept for a uniform signature
    measures = cc.measure_columns([i for i in items if i.aggregation != "quantile"])
    if partial.empty or not measures:
        return pd.DataFrame(columns=[*ROW_KEYS, *measures])
    return rollup(partial, measures, record_level, tree.membership)


def quantile_values(
    engine: Engine,
    files: Sequence[LakeFile],
    items: Sequence[DataItem],
    tree: OrgTree,
    periods: Sequence[dt.date],
) -> pd.DataFrame:
    """Exact quantiles for every level x breakdown, from one cached projection of the records."""
    table = engine.read([f.path for f in files])
    source = engine.cache(cc.quantile_source(table, items, membership_table(tree), periods))
    try:
        wide = _dates(engine.execute(cc.quantiles(source, items)))
    finally:
        engine.release(source)
    return wide.dropna(subset=["org_code"])


def dataset_values(
    engine: Engine,
    lake: Path,
    dataset: str,
    items: Sequence[DataItem],
    tree: OrgTree,
    periods: Sequence[dt.date],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Long item values, ICB partials and presence for one dataset (empty if no files)."""
    files = [f for f in list_files(lake, dataset) if f.period <= max(periods)]
    record_level = items[0].grain == "record"
    empty = pd.DataFrame(columns=["icb_code", "period", "revision_id"])
    if not files:
        return to_long(pd.DataFrame(columns=ROW_KEYS), []), pd.DataFrame(), empty
    part, presence = scan(engine, files, items, record_level, periods)
    long = [to_long(roll_up(engine, part, items, record_level, tree), _non_quantile(items))]
    q_items = [i for i in items if i.aggregation == "quantile"]
    if q_items:
        in_range = [f for f in files if f.period in set(periods)]
        long.append(to_long(quantile_values(engine, in_range, q_items, tree, periods), q_items))
    return pd.concat(long, ignore_index=True), part, presence.assign(dataset=dataset)


def _non_quantile(items: Sequence[DataItem]) -> list[DataItem]:
    return [i for i in items if i.aggregation != "quantile"]


def compute(
    lake: Path,
    metrics: Sequence[Metric],
    data_items: Mapping[str, DataItem],
    tree: OrgTree,
    engine: Engine,
    periods: Sequence[dt.date] | None = None,
    progress: Progress | None = None,
    datasets: Mapping[str, Dataset] | None = None,
) -> Computation:
    """Compute every metric for every organisation, period and breakdown group.

    Given the catalogue's `datasets`, data items are also fed from the aggregate returns the
    catalogue names for them where their records are not there (metrics/returns.py).
    """
    by_ds = used_items(metrics, data_items)
    stand_ins = {
        name: items
        for name, items in (
            return_items(metrics, data_items) if datasets is not None else {}
        ).items()
        if list_files(lake, name)
    }
    periods = sorted(periods or lake_periods(lake, [*by_ds, *stand_ins]))
    if not periods:
        raise ValueError(f"the lake at {lake} holds no files for these metrics")
    longs, partials, presences = [], {}, []
    for dataset, items in by_ds.items():
        if progress:
            progress(dataset)
        long, part, presence = dataset_values(engine, lake, dataset, items, tree, periods)
        longs.append(long)
        partials[dataset] = part
        presences.append(presence)
    items_long = pd.concat(longs, ignore_index=True)
    presence = pd.concat(presences, ignore_index=True)
    orgs = tree.orgs()
    defs, figures = data_items, None
    if stand_ins and datasets is not None:
        if progress:
            progress("returns")
        items_long, presence, providers, defs, figures = with_returns(
            engine, lake, metrics, data_items, datasets, tree, periods, items_long, presence
        )
        orgs = pd.concat([orgs, providers], ignore_index=True)
    presence = presence[presence["period"].isin(set(periods))] if len(presence) else presence
    orgs = orgs[orgs["period"].isin(set(periods))]
    table, lineage = assemble(metrics, defs, items_long, orgs, presence)
    if figures is not None:
        table = blank_breakdowns(provider_rows_kept(table, metrics, figures), metrics, items_long)
        items_long = items_long.drop(columns="_from_return", errors="ignore")
    return Computation(table, lineage, items_long, partials, presence, list(periods))
