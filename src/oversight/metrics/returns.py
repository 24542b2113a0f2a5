"""Aggregate returns feeding data items where the records are not there (catalogue `returns`).

One metric definition, several sources: a data item is defined on its record-level dataset
(e.g. `ae_within_4_hours` on ECDS records), and the catalogue names the aggregate returns that
can stand in for it (NHS England's published A&E sitrep, `ae_sitrep_providers.attendances_
within_4_hours`). For each organisation and month the records are used when they are there,
else the return (`prefer_records`); a metric never mixes the two inside one organisation-month.

Provider-level returns (grain `provider_month`) are rolled up here, not through the ICB
partials: a provider row counts for the provider, for its ICB (when it has one that month),
for its region (its ICB's region, else the region NHS England publishes it under) and for
England. So England is every provider NHS England publishes, as its own headline figures are,
and a region is its ICBs plus its providers that have no ICB. ICB-level returns (`icb_month`)
go through the ordinary ICB roll-up.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from oversight.metrics.breakdowns import TOTAL
from oversight.metrics.lakefiles import list_files
from oversight.metrics.organisations import (
    ENGLAND,
    ENGLAND_CODE,
    ICB,
    PROVIDER,
    REGION,
    OrgTree,
)

if TYPE_CHECKING:
    from oversight.catalogue import DataItem, Dataset, Metric
    from oversight.metrics.engines import Engine

ITEM_COLUMNS = ["org_type", "org_code", "period", "breakdown", "group", "item", "v", "n", "ss"]
NO_ICB = "-"
"""The member-ICB placeholder of a provider with no ICB in results' organisation rows."""


def return_items(
    metrics: Iterable[Metric], data_items: Mapping[str, DataItem]
) -> dict[str, list[DataItem]]:
    """Per return dataset, the metrics' data items it can feed, as summed items of that dataset
    (same id as the item they stand in for)."""
    wanted = sorted({i for m in metrics for i in m.data_item_ids if i in data_items})
    out: dict[str, list[DataItem]] = {}
    for item_id in wanted:
        item = data_items[item_id]
        for source in getattr(item, "returns", ()):
            stand_in = item.model_copy(
                update={
                    "dataset": source.dataset,
                    "grain": "icb_month",
                    "aggregation": "sum",
                    "column": source.column,
                    "filter": (),
                    "start_column": None,
                    "stop_column": None,
                    "min_days": None,
                    "max_days": None,
                    "quantile": None,
                    "returns": (source,),  # how it adds up (ReturnSource.per, provider_only)
                }
            )
            out.setdefault(source.dataset, []).append(stand_in)
    return dict(sorted(out.items()))


def provider_values(
    engine: Engine,
    lake: Path,
    dataset: str,
    items: Sequence[DataItem],
    tree: OrgTree,
    periods: Sequence[dt.date],
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Item values for providers, ICBs, regions and England from a provider-level return;
    its presence (every ICB of each submitting region, and the region itself for providers
    with no ICB); and the provider organisation rows (org_type, org_code, period, icb_code)."""
    files = [f for f in list_files(lake, dataset) if f.period in set(periods)]
    empty = pd.DataFrame(columns=["dataset", "icb_code", "period", "revision_id"])
    if not files:
        return pd.DataFrame(columns=ITEM_COLUMNS), empty, _no_orgs()
    columns = ["ods_code", "icb_code", "region_code", "period", "revision_id"]
    columns += sorted({str(i.column) for i in items} | {str(p) for p in map(_per, items) if p})
    table = engine.execute(engine.read([f.path for f in files]).select(*columns))
    table["period"] = pd.to_datetime(table["period"]).dt.date
    members = tree.membership
    in_tree = set(zip(members["icb_code"], members["period"], strict=True))
    icb = [
        c if isinstance(c, str) and (c, p) in in_tree else None
        for c, p in zip(table["icb_code"], table["period"], strict=True)
    ]
    table["icb_code"] = pd.Series(icb, index=table.index, dtype=object)
    parts = []
    summed = [i for i in items if not _provider_only(i)]
    for level, key in ((PROVIDER, "ods_code"), (ICB, "icb_code"), (REGION, "region_code")):
        rows = table.dropna(subset=[key])
        parts.append(_sums(rows, items if level == PROVIDER else summed, level, rows[key]))
    parts.append(_sums(table, summed, ENGLAND, pd.Series(ENGLAND_CODE, index=table.index)))
    long = pd.concat(parts, ignore_index=True)
    presence = _presence(files, table, members, dataset)
    orgs = table.assign(
        org_type=PROVIDER,
        org_code=table["ods_code"],
        icb_code=table["icb_code"].fillna(table["region_code"]),
    )[["org_type", "org_code", "period", "icb_code"]].drop_duplicates()
    return long, presence, orgs.reset_index(drop=True)


def _per(item: DataItem) -> str | None:
    """The count a stand-in is a mean over (ReturnSource.per), or None for a sum."""
    return next((str(r.per) for r in item.returns if getattr(r, "per", None)), None)


def _provider_only(item: DataItem) -> bool:
    return any(getattr(r, "provider_only", False) for r in item.returns)


def _sums(
    rows: pd.DataFrame, items: Sequence[DataItem], level: str, codes: pd.Series
) -> pd.DataFrame:
    """Each item summed per organisation and month; a mean (`per`) carries the sum of its
    column and the sum of its count (as a mean item's records do: the assembler divides), and
    a month with no value (all null) has none, not 0."""
    frames = []
    grouped = rows.assign(_org=codes.astype(str)).groupby(["_org", "period"])
    for item in items:
        column, per = str(item.column), _per(item)
        summed = grouped[column].sum(min_count=1).reset_index()
        values = summed[column].astype(float)
        counts = pd.Series(np.nan, index=summed.index)
        if per is not None:
            counts = grouped[per].sum(min_count=1).reset_index()[per].astype(float)
        frames.append(
            pd.DataFrame(
                {
                    "org_type": level,
                    "org_code": summed["_org"],
                    "period": summed["period"],
                    "breakdown": TOTAL,
                    "group": TOTAL,
                    "item": item.id,
                    "v": values,
                    "n": counts,
                    "ss": np.nan,
                }
            )
        )
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=ITEM_COLUMNS)


def _presence(
    files: Sequence, table: pd.DataFrame, members: pd.DataFrame, dataset: str
) -> pd.DataFrame:
    """A region's return is complete for the region: every ICB of the region that month is
    present (an ICB with no provider row has 0), and so is the region itself (the member key of
    its providers with no ICB)."""
    revision = table.groupby(["region_code", "period"])["revision_id"].first().rename("revision_id")
    rows = []
    for f in files:
        key = (f.icb_code, f.period)
        rid = revision.get(key)
        if rid is None:
            continue
        icbs = members.loc[
            (members["region_code"] == f.icb_code) & (members["period"] == f.period), "icb_code"
        ]
        rows += [(dataset, icb, f.period, rid) for icb in icbs]
        rows.append((dataset, f.icb_code, f.period, rid))
    return pd.DataFrame(rows, columns=["dataset", "icb_code", "period", "revision_id"])


def _no_orgs() -> pd.DataFrame:
    return pd.DataFrame(columns=["org_type", "org_code", "period", "icb_code"])


def prefer_records(
    records: pd.DataFrame,
    stand_ins: pd.DataFrame,
    presence: pd.DataFrame | None = None,
    data_items: Mapping[str, DataItem] | None = None,
    tree: OrgTree | None = None,
) -> pd.DataFrame:
    """Item values: the records' where the records cover the organisation-month, else the
    first return's (returns have totals only: no persons).

    An ICB is covered when its records were submitted for the month; a region or England
    only when every member ICB's were (a partial record total is never preferred to a
    return's whole one); a provider has returns only. Without `presence` (and the items and
    tree to read it), an organisation-month is covered when the records give it a total.
    """
    if stand_ins.empty:
        return records
    keys = ["item", "org_type", "org_code", "period"]
    totals = records.loc[(records["breakdown"] == TOTAL) & records["v"].notna(), keys]
    have = set(map(tuple, totals.to_numpy(object)))
    if presence is not None and data_items is not None and tree is not None:
        have = _covered(have, presence, data_items, tree)
    dedup = stand_ins.drop_duplicates(keys)
    wanted = np.array([tuple(k) not in have for k in dedup[keys].to_numpy(object)], dtype=bool)
    replaced = set(map(tuple, dedup.loc[wanted, keys].to_numpy(object)))
    kept = np.array([tuple(k) not in replaced for k in records[keys].to_numpy(object)], dtype=bool)
    return pd.concat([records.loc[kept], dedup.loc[wanted]], ignore_index=True)


NO_BREAKDOWN = "no breakdown in the aggregate return"


def blank_breakdowns(
    table: pd.DataFrame, metrics: Sequence[Metric], items: pd.DataFrame
) -> pd.DataFrame:
    """Breakdown rows of an organisation-month whose figure came from a return carry no value
    (a return has no persons: a group would otherwise count 0), with the reason."""
    if table.empty or "_from_return" not in items.columns:
        return table
    keys = ["item", "org_type", "org_code", "period"]
    marked = items["_from_return"].fillna(False).astype(bool) & (items["breakdown"] == TOTAL)
    from_returns = set(map(tuple, items.loc[marked, keys].to_numpy(object)))
    if not from_returns:
        return table
    numerator = {m.id: m.numerator for m in metrics}
    rows = table.loc[table["breakdown"] != TOTAL, ["metric_id", "org_type", "org_code", "period"]]
    hit = np.array(
        [(numerator[m], t, o, p) in from_returns for m, t, o, p in rows.to_numpy(object)],
        dtype=bool,
    )
    at = rows.index[hit] if len(rows) else rows.index
    out = table.copy()
    out.loc[at, ["numerator", "denominator", "value"]] = np.nan
    out.loc[at, "missing_reason"] = NO_BREAKDOWN
    if "sd" in out.columns:  # a return has totals, no spread: a mean from one has no sd
        keys = out[["metric_id", "org_type", "org_code", "period"]].to_numpy(object)
        spread = np.array(
            [(numerator[m], t, o, p) in from_returns for m, t, o, p in keys], dtype=bool
        )
        out.loc[spread, "sd"] = np.nan
        # a published centile has no count behind it here: no denominator, not 0
        value_kind = out["metric_id"].map({m.id: m.kind == "value" for m in metrics})
        out.loc[spread & value_kind.fillna(False).to_numpy(bool) & (out["denominator"] == 0),
                "denominator"] = np.nan
    return out


def _covered(
    have: set[tuple], presence: pd.DataFrame, data_items: Mapping[str, DataItem], tree: OrgTree
) -> set[tuple]:
    """The (item, level, org, period) with records whose every member ICB has its records."""
    members = tree.membership
    by_region: dict[tuple, list[str]] = {}
    by_period: dict[object, list[str]] = {}
    for icb, period, region in members[["icb_code", "period", "region_code"]].itertuples(
        index=False
    ):
        by_region.setdefault((region, period), []).append(icb)
        by_period.setdefault(period, []).append(icb)
    there: dict[str | None, set[tuple]] = {}
    out = set()
    for item, level, org, period in have:
        dataset = data_items[item].dataset if item in data_items else None
        if dataset not in there:
            own = presence.loc[presence["dataset"] == dataset]
            there[dataset] = set(zip(own["icb_code"], own["period"], strict=True))
        if level == ICB:
            icbs = [org]
        elif level == REGION:
            icbs = by_region.get((org, period), [])
        elif level == ENGLAND:
            icbs = by_period.get(period, [])
        else:
            continue
        if all((icb, period) in there[dataset] for icb in icbs):
            out.add((item, level, org, period))
    return out


def source_name(item: DataItem) -> str:
    """The presence name of an item fed by returns: its dataset and its returns' datasets."""
    return "+".join([item.dataset, *(r.dataset for r in item.returns)])


def with_returns(
    engine: Engine,
    lake: Path,
    metrics: Sequence[Metric],
    data_items: Mapping[str, DataItem],
    datasets: Mapping[str, Dataset],
    tree: OrgTree,
    periods: Sequence[dt.date],
    items_long: pd.DataFrame,
    presence: pd.DataFrame,
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame, dict[str, DataItem], set[tuple]]:
    """The records' item values and presence completed from the returns.

    Returns the item values, the presence, the provider organisation rows, the item
    definitions to assemble with (an item fed by returns is present where its dataset or one
    of its returns is: its presence name is `source_name`) and the (item, provider, period)
    that have a figure.
    """
    stand_ins = {d: i for d, i in return_items(metrics, data_items).items() if list_files(lake, d)}
    longs, presences, orgs = [], [presence], [_no_orgs()]
    for dataset, items in stand_ins.items():
        grain = datasets[dataset].grain if dataset in datasets else "icb_month"
        if grain == "provider_month":
            long, pres, porgs = provider_values(engine, lake, dataset, items, tree, periods)
            orgs.append(porgs)
        else:
            from oversight.metrics.computation import dataset_values

            long, _, pres = dataset_values(engine, lake, dataset, items, tree, periods)
        longs.append(long)
        presences.append(pres.assign(dataset=dataset) if len(pres) else pres)
    stand_long = pd.concat(longs, ignore_index=True) if longs else pd.DataFrame()
    if len(stand_long):
        stand_long = stand_long.assign(_from_return=True)
    merged = prefer_records(items_long, stand_long, presence, data_items, tree)
    every = pd.concat(presences, ignore_index=True)
    defs = dict(data_items)
    for item_id in {i.id for items in stand_ins.values() for i in items}:
        item = data_items[item_id]
        name = source_name(item)
        sources = {item.dataset, *(r.dataset for r in item.returns)}
        part = every.loc[every["dataset"].isin(sources)].assign(dataset=name)
        every = pd.concat([every, part], ignore_index=True)
        defs[item_id] = item.model_copy(update={"dataset": name})
    every = every.drop_duplicates(["dataset", "icb_code", "period", "revision_id"])
    figures = set()
    if len(stand_long):
        prov = stand_long.loc[stand_long["org_type"] == PROVIDER]
        figures = set(zip(prov["item"], prov["org_code"], prov["period"], strict=True))
    provider_orgs = pd.concat(orgs, ignore_index=True).drop_duplicates()
    return merged, every.reset_index(drop=True), provider_orgs, defs, figures


def provider_rows_kept(
    table: pd.DataFrame, metrics: Sequence[Metric], figures: set[tuple]
) -> pd.DataFrame:
    """A provider keeps a metric's rows only for the months a return gave it the metric's
    numerator (a trust that publishes no RTT figure has no RTT row, not a zero)."""
    provider = (table["org_type"] == PROVIDER).to_numpy()
    if not provider.any():
        return table
    numerator = {m.id: m.numerator for m in metrics}
    keep = np.ones(len(table), dtype=bool)
    rows = table.loc[provider, ["metric_id", "org_code", "period"]].to_numpy(object)
    keep[provider] = [(numerator[m], o, p) in figures for m, o, p in rows]
    return table.loc[keep].reset_index(drop=True)
