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
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
import pyarrow as pa

from oversight.metrics import compile as cc
from oversight.metrics.assemble import ROW_KEYS, assemble
from oversight.metrics.engines import Engine, gathered
from oversight.metrics.lakefiles import LakeFile, footer_presence, lake_periods, list_files
from oversight.metrics.organisations import OrgTree
from oversight.metrics.quantiles import quantile_rows
from oversight.metrics.returns import (
    blank_breakdowns,
    provider_rows_kept,
    return_items,
    with_returns,
)
from oversight.metrics.rollup import rollup, text_array
from oversight.metrics.snapshots import BATCH_ROWS as OPEN_BATCH_ROWS
from oversight.metrics.snapshots import TooManyGroups, open_counts

if TYPE_CHECKING:
    import ibis.expr.types as ir

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


def to_long(wide: pd.DataFrame, items: Sequence[DataItem]) -> pd.DataFrame:
    """Wide item columns (`<id>__v`, `__n`, `__ss`) -> one row per item (item-major).

    The row keys are the wide frame's, repeated once per item: text held in Arrow as chunks
    sharing the wide frame's buffers, not copied per item (scale 0.1: 0.09 -> 0.02 s CPU over
    the catalogue's 13 datasets; building it with one take per column was slower still)."""
    if not items:
        return pd.DataFrame(columns=[*ROW_KEYS, "item", "v", "n", "ss"])
    k, size = len(items), len(wide)
    data: dict[str, Any] = {c: _repeated(wide[c], k) for c in ROW_KEYS}
    data["item"] = text_array([i.id for i in items], np.repeat(np.arange(k), size))
    for short, name in (("v", cc.value_col), ("n", cc.count_col), ("ss", cc.squares_col)):
        parts = [
            wide[name(i.id)].astype(float).to_numpy()
            if name(i.id) in wide.columns
            else np.full(size, np.nan)
            for i in items
        ]
        data[short] = np.concatenate(parts)
    return pd.DataFrame(data)


def _repeated(col: pd.Series, k: int) -> Any:
    """k copies of a column, end to end, of its dtype (Arrow text: chunks over one buffer)."""
    if isinstance(col.array, pd.arrays.ArrowStringArray):
        chunked = col.array.__arrow_array__()
        return pd.array(pa.chunked_array(chunked.chunks * k, type=chunked.type), dtype=col.dtype)
    return pd.Series(np.tile(col.to_numpy(), k), dtype=col.dtype).array


def _dates(frame: pd.DataFrame) -> pd.DataFrame:
    """Periods as datetime.date (DuckDB through Arrow gives dates already: left as they are)."""
    if "period" in frame.columns and len(frame):
        if isinstance(frame["period"].dtype, pd.CategoricalDtype):  # dates, dictionary-encoded
            return frame
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
    part, presence = scan_deferred(engine, files, items, record_level, periods)
    return part(), presence


def scan_deferred(
    engine: Engine,
    files: Sequence[LakeFile],
    items: Sequence[DataItem],
    record_level: bool,
    periods: Sequence[dt.date],
) -> tuple[Callable[[], pd.DataFrame], pd.DataFrame]:
    """scan, with the partials still to be converted to pandas: a function giving them, which
    compute calls in its pool thread, beside the engine's next scan (scale 0.1: about 0.1-0.2 s
    of Arrow-to-pandas conversion, dates as Python objects, off the main thread's path).

    A snapshot-only dataset's presence comes from its files' footers, read in a second thread
    while the engine streams the open records (DuckDB and numpy release the GIL; RTT at scale
    0.1: about 0.1 s of footers off the main thread's path)."""
    table = engine.read([f.path for f in files])
    additive = [i for i in items if i.aggregation in cc.ADDITIVE]
    opened = [i for i in items if i.aggregation == "open_at_period_end"]
    to_pandas: Callable[[], pd.DataFrame] = pd.DataFrame
    op: pd.DataFrame | None = None
    with ThreadPoolExecutor(max_workers=1) as side:
        footers = None
        if additive:
            expr = cc.partials(table, additive, record_level, None)
            to_pandas, presence = engine.execute_distinct_deferred(
                expr, ["icb_code", "period", "revision_id"]
            )
            presence = _in_periods(_dates(presence), periods)
        else:  # snapshot-only dataset: which revisions are there is all a scan would add
            footers = side.submit(footer_presence, files, periods)
        if opened:
            op = open_partials(engine, table, opened, periods)
            op["revision_id"] = None
        if footers is not None:
            found = footers.result()
            presence = (
                _dates(engine.execute(cc.revisions(table, periods))) if found is None else found
            )

    def part() -> pd.DataFrame:
        out = _in_periods(_dates(to_pandas()), periods) if additive else pd.DataFrame()
        if op is not None:
            out = pd.concat([out, op], ignore_index=True) if len(out) else op
        return out

    return part, presence.reset_index(drop=True)


def open_partials(
    engine: Engine, table: ir.Table, items: Sequence[DataItem], periods: Sequence[dt.date]
) -> pd.DataFrame:
    """Rows open at each period end per ICB and person columns: counted in memory from the
    records the engine projects (snapshots.py: no record expanded into months; RTT at scale 0.1,
    one DuckDB thread, about 1.3 -> 0.8 s of CPU), or, where the groups are too many for that,
    expanded and grouped on the engine (compile.open_partials, the same rows)."""
    plan = cc.open_plan(table, items, periods)
    try:
        batches = gathered(engine.batches(cc.open_records(table, items)), OPEN_BATCH_ROWS)
        return open_counts(batches, items, periods, plan)
    except TooManyGroups:
        return _dates(engine.execute(cc.open_partials(table, items, periods)))


def _in_periods(frame: pd.DataFrame, periods: Sequence[dt.date]) -> pd.DataFrame:
    """The rows of the periods (grouped rows of other periods dropped after the engine)."""
    if frame.empty:
        return frame
    keep = frame["period"].isin(set(periods)).to_numpy(dtype=bool)
    return frame if keep.all() else frame.loc[keep].reset_index(drop=True)


def roll_up(
    engine: Engine | None,
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


def quantile_records(
    engine: Engine, files: Sequence[LakeFile], items: Sequence[DataItem], periods: Sequence[dt.date]
) -> pd.DataFrame:
    """The records the quantile items need (the engine's part of quantile_values)."""
    table = engine.read([f.path for f in files])
    return _dates(engine.execute_coded(cc.quantile_records(table, items, periods)))


def quantile_values(
    engine: Engine,
    files: Sequence[LakeFile],
    items: Sequence[DataItem],
    tree: OrgTree,
    periods: Sequence[dt.date],
) -> pd.DataFrame:
    """Exact quantiles for every level x breakdown, from the records they need (one scan)."""
    return quantile_rows(quantile_records(engine, files, items, periods), items, tree.membership)


@dataclass
class Scanned:
    """What the engine gave for one dataset: ICB partials, presence and quantile records.

    The partials are converted from the engine's result on first use (`part`): in compute, by
    its pool thread, while the engine scans the next dataset."""

    items: Sequence[DataItem]
    record_level: bool
    to_part: Callable[[], pd.DataFrame]
    presence: pd.DataFrame
    records: pd.DataFrame | None

    @cached_property
    def part(self) -> pd.DataFrame:
        part, self.to_part = self.to_part(), pd.DataFrame  # the engine's result let go
        return part


def scan_dataset(
    engine: Engine,
    lake: Path,
    dataset: str,
    items: Sequence[DataItem],
    periods: Sequence[dt.date],
    listed: Sequence[LakeFile] | None = None,
) -> Scanned | None:
    """The engine's work for one dataset (None: it has no files); `listed`: the dataset's files
    when the caller has listed them already."""
    listed = list_files(lake, dataset) if listed is None else listed
    files = [f for f in listed if f.period <= max(periods)]
    if not files:
        return None
    record_level = items[0].grain == "record"
    part, presence = scan_deferred(engine, files, items, record_level, periods)
    q_items = [i for i in items if i.aggregation == "quantile"]
    records = None
    if q_items:
        in_range = [f for f in files if f.period in set(periods)]
        records = quantile_records(engine, in_range, q_items, periods)
    return Scanned(items, record_level, part, presence.assign(dataset=dataset), records)


def item_values(scanned: Scanned | None, tree: OrgTree) -> pd.DataFrame:
    """Long item values of a scanned dataset: the roll-up and the quantiles, in memory."""
    if scanned is None:
        return to_long(pd.DataFrame(columns=ROW_KEYS), [])
    items = scanned.items
    rolled = roll_up(None, scanned.part, items, scanned.record_level, tree)
    long = [to_long(rolled, _non_quantile(items))]
    if scanned.records is not None:
        q_items = [i for i in items if i.aggregation == "quantile"]
        q_rows = quantile_rows(scanned.records, q_items, tree.membership)
        long.append(to_long(q_rows, q_items))
    return pd.concat(long, ignore_index=True)


def dataset_values(
    engine: Engine,
    lake: Path,
    dataset: str,
    items: Sequence[DataItem],
    tree: OrgTree,
    periods: Sequence[dt.date],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Long item values, ICB partials and presence for one dataset (empty if no files)."""
    scanned = scan_dataset(engine, lake, dataset, items, periods)
    if scanned is None:
        empty = pd.DataFrame(columns=["icb_code", "period", "revision_id"])
        return item_values(None, tree), pd.DataFrame(), empty
    return item_values(scanned, tree), scanned.part, scanned.presence


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
    listed = {dataset: list_files(lake, dataset) for dataset in by_ds}  # listed once
    if not periods:  # lake_periods, from the listings
        months = {f.period for files in listed.values() for f in files}
        periods = sorted(months.union(lake_periods(lake, stand_ins)))
    periods = sorted(periods)
    if not periods:
        raise ValueError(f"the lake at {lake} holds no files for these metrics")
    longs, scans, presences = [], [], []
    # the in-memory roll-up of one dataset (and its partials' conversion to pandas) runs while
    # the engine scans the next
    with ThreadPoolExecutor(max_workers=1) as pool:
        for dataset, items in by_ds.items():
            if progress:
                progress(dataset)
            scanned = scan_dataset(engine, lake, dataset, items, periods, listed[dataset])
            longs.append(pool.submit(item_values, scanned, tree))
            empty = pd.DataFrame(columns=["icb_code", "period", "revision_id"])
            scans.append(scanned)
            presences.append(empty if scanned is None else scanned.presence)
        items_long = pd.concat([f.result() for f in longs], ignore_index=True)
    partials = {
        dataset: pd.DataFrame() if scanned is None else scanned.part
        for dataset, scanned in zip(by_ds, scans, strict=True)
    }
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
