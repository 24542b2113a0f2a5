"""Incremental recompute on a partitioned results version: read only what the changes touch.

`metrics.incremental.apply_change` recomputes one ICB-month inside a Computation; here that
Computation is only the touched part of the published version (the ICB, its region and
England; the changed dataset's partials of the affected months), so the work and the writing
scale with the change, not with the million rows of the version. Two things reach beyond the
touched organisations and are redone here: the statistics of the touched series (whole
series: SPC limits use every month) and the funnels of the affected months (every ICB's
position moves with one ICB's figure), for which the other ICBs' total rows are read.
The result equals a full recompute (tests/metrics/test_metric_delta.py).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from oversight.metrics import statistics
from oversight.metrics.computation import Computation, used_items
from oversight.metrics.engines import Engine
from oversight.metrics.incremental import _affected_periods, _swap, apply_changes
from oversight.metrics.organisations import ENGLAND_CODE, ICB, OrgTree
from oversight.metrics.results import FUNNEL, FUNNEL_KEYS, TOTALS, ResultsVersion

if TYPE_CHECKING:
    from oversight.catalogue import DataItem, Metric

Change = tuple[str, str, dt.date]


@dataclass
class Delta:
    """What a set of changes rewrote: a Computation of the touched organisations, and which
    organisations, partials and funnel months its pieces replace."""

    comp: Computation
    orgs: set[str] = field(default_factory=set)
    partial_keys: set[tuple[str, dt.date]] = field(default_factory=set)
    funnels: pd.DataFrame = field(default_factory=pd.DataFrame)
    changes: list[Change] = field(default_factory=list)
    metric_ids: set[str] = field(default_factory=set)
    months: set[dt.date] = field(default_factory=set)
    totals: pd.DataFrame = field(default_factory=pd.DataFrame)


def recompute(
    base: ResultsVersion,
    changes: Sequence[Change],
    lake: Path,
    metrics: Sequence[Metric],
    data_items: Mapping[str, DataItem],
    tree: OrgTree,
    engine: Engine,
    rebases: pd.DataFrame | None = None,
) -> Delta | None:
    """The touched part of `base` with `changes` applied; None when no change touches a
    published month of a computed dataset."""
    by_ds = used_items(metrics, data_items)
    applied: list[Change] = []
    orgs: set[str] = set()
    keys: set[tuple[str, dt.date]] = set()
    months: set[dt.date] = set()
    ids: set[str] = set()
    for change in sorted(set(changes)):
        dataset, icb, period = change
        if dataset not in by_ds:
            continue
        periods = _affected_periods(by_ds[dataset], period, base.periods)
        if not periods:
            continue
        applied.append(change)
        orgs |= {icb, ENGLAND_CODE}
        orgs |= {r for r in (tree.region_of(icb, p) for p in periods) if r is not None}
        keys |= {(dataset, p) for p in periods}
        months |= set(periods)
        ids |= {m.id for m in metrics if any(data_items[i].dataset == dataset
                                             for i in m.data_item_ids)}
    if not applied:
        return None
    comp = base.scope(orgs, keys)
    stats_before = comp.statistics
    comp.statistics = None  # redone below, once, for every touched series
    comp = apply_changes(comp, applied, lake, metrics, data_items, tree, engine)
    defs = {m.id: m for m in metrics if m.id in ids}
    if stats_before is not None:
        comp.statistics = _restat(stats_before, comp.metrics, defs, rebases)
    totals, funnels = _refunnel(base, comp.metrics, defs, months)
    return Delta(comp, orgs, keys, funnels, applied, ids, months, totals)


def _restat(
    old: pd.DataFrame, table: pd.DataFrame, defs: Mapping[str, Any],
    rebases: pd.DataFrame | None,
) -> pd.DataFrame:
    """The touched organisations' statistics with the changed metrics' series redone whole,
    limits starting again at the approved rebases (the funnel columns are left empty:
    funnels are kept by month)."""
    keys = statistics.KEYS
    series = table["metric_id"].isin(list(defs)).to_numpy()
    fresh = statistics.attach(table[series], defs, rebases)
    if len(old) != len(table) or not all(
        (old[k].to_numpy(dtype=object) == table[k].to_numpy(dtype=object)).all() for k in keys
    ):
        old = table[keys].merge(old, on=keys, how="left")
    stats = _swap(old, fresh, series, keys)
    for col in FUNNEL:
        stats[col] = None if col == "funnel_position" else np.nan
    return statistics.normalise(stats[statistics.COLUMNS])


def _refunnel(
    base: ResultsVersion,
    table: pd.DataFrame,
    defs: Mapping[str, Any],
    months: set[dt.date],
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The ICBs' total rows of the affected months (the touched ICBs' new ones) and the funnel
    rows of those months: the changed metrics' funnels redone from them, the others kept."""
    wanted = sorted(months)
    mine = table[(table["org_type"] == ICB) & (table["breakdown"] == "total")
                 & table["period"].isin(set(wanted))]
    others = base.totals(wanted)
    others = others[~others["org_code"].isin(set(mine["org_code"]))]
    totals = pd.concat([others, mine[TOTALS]], ignore_index=True)
    totals = totals.sort_values(["metric_id", "org_code", "period"], kind="stable")
    kept = base.funnel_rows(wanted)
    if not len(kept):
        kept = pd.DataFrame(columns=[*FUNNEL_KEYS, *FUNNEL])
    kept = kept[~kept["metric_id"].isin(list(defs))]
    kinds = {m: d for m, d in defs.items() if d.statistic in statistics.FUNNEL_TYPES}
    if kinds:
        fresh = statistics.funnels(totals[totals["metric_id"].isin(list(kinds))], kinds)
        if len(fresh):
            kept = pd.concat([kept, fresh[[*FUNNEL_KEYS, *FUNNEL]]], ignore_index=True)
    kept = kept.assign(period=pd.to_datetime(kept["period"]).dt.date) if len(kept) else kept
    funnels = kept.sort_values(FUNNEL_KEYS, kind="stable").reset_index(drop=True)
    return totals.reset_index(drop=True), funnels
