"""Catalogue data items -> backend-free Ibis expressions over lake tables.

One scan of a dataset yields all its additive data items: filters become conditional sums
(sum(case when filter then 1 else 0)), grouped once by ICB, period, revision and the raw person
columns ("partials"; a few hundred thousand rows however many records). Partials are additive, so
every organisation level and breakdown is a roll-up of them in memory (rollup.py; region and
England from the same records, never averages). Quantiles are not additive: they are computed
from the records for each level and breakdown (exact, linear interpolation on both engines:
DuckDB quantile_cont, Spark percentile), over one cached projection of the records that holds
each item's filter and float value and compact breakdown keys (IMD as integers). Each level x
breakdown x item is one group-by over that item's records (WHERE, not an aggregate FILTER),
keyed by the columns themselves with level, breakdown and group labels attached to the grouped
rows; the per-item rows are then put side by side.

Items open at period end (waiting lists, backlogs): per record and item, the month-ends at
which it counts are one run of snapshot indices [lo, hi] (started + min_days by then, not
stopped by then, within max_days), computed once per record as integers. Each record is
expanded only into the snapshots of its loosest run (ibis.range + unnest) and an item counts
it at snapshot p when lo <= p <= hi; the rows are grouped by ICB, person columns and snapshot
index, and the snapshot dates joined to the grouped rows. (Measured on DuckDB: a wide
formulation, one conditional count per item x snapshot with no expansion, and pre-aggregating
records by run shape before expanding were both slower: many aggregates per row, or a hash
table of ~1M groups, cost more than the expansion.)
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING

import ibis
import ibis.expr.types as ir

from oversight.metrics.breakdowns import (
    DIMENSIONS,
    RAW_DIMENSIONS,
    TOTAL,
    dimension_group,
    dimension_keys,
)
from oversight.metrics.organisations import ENGLAND, ENGLAND_CODE, ICB, REGION

if TYPE_CHECKING:
    from oversight.catalogue import Condition, DataItem

ADDITIVE = ("count", "sum", "mean")
KEYS = ("icb_code", "period")


def value_col(item_id: str) -> str:
    return f"{item_id}__v"


def count_col(item_id: str) -> str:
    return f"{item_id}__n"


def squares_col(item_id: str) -> str:
    return f"{item_id}__ss"


def measure_columns(items: Sequence[DataItem]) -> list[str]:
    """The additive measure columns the items of one dataset produce, in a stable order."""
    cols: list[str] = []
    for item in items:
        cols.append(value_col(item.id))
        if item.aggregation in ("mean", "quantile"):
            cols.append(count_col(item.id))
        if item.aggregation == "mean":
            cols.append(squares_col(item.id))
    return cols


def condition(table: ir.Table, cond: Condition) -> ir.BooleanValue:
    """One catalogue filter condition ({column, op, value}) as an Ibis boolean."""
    col = table[cond.column]
    op, value = cond.op, cond.value
    if op == "is_null":
        return col.isnull()
    if op == "not_null":
        return col.notnull()
    if op == "in":
        assert isinstance(value, tuple)  # Condition requires a list for 'in'
        return col.isin(list(value))
    compare = {
        "==": col.__eq__,
        "!=": col.__ne__,
        "<": col.__lt__,
        "<=": col.__le__,
        ">": col.__gt__,
        ">=": col.__ge__,
    }
    if op not in compare:
        raise ValueError(f"unknown filter op {op!r}")
    return compare[op](value)


def item_filter(table: ir.Table, item: DataItem) -> ir.BooleanValue:
    """The item's conditions ANDed; a null comparison counts as false (no conditions: all rows).

    Always a column expression (never a scalar), so conditional sums work on every backend.
    """
    expr: ir.BooleanValue = table.period.notnull()
    for cond in item.filter:
        expr = expr & condition(table, cond).fill_null(False)
    return expr


def _plus_days(date: ir.DateValue, days: int) -> ir.DateValue:
    return date + ibis.interval(days=days)


def _count_if(keep: ir.BooleanValue) -> ir.Scalar:
    return ibis.ifelse(keep, 1, 0).cast("int64").sum()


def _additive_measures(table: ir.Table, items: Sequence[DataItem]) -> dict[str, ir.Scalar]:
    out: dict[str, ir.Scalar] = {}
    for item in items:
        keep = item_filter(table, item)
        if item.aggregation == "count":
            if item.start_column and (item.min_days is not None or item.max_days is not None):
                keep = keep & _stopped_within(table, item)
            out[value_col(item.id)] = _count_if(keep)
        elif item.aggregation == "sum":
            out[value_col(item.id)] = ibis.ifelse(keep, table[item.column], None).sum()
        elif item.aggregation == "mean":
            x = ibis.ifelse(keep, table[item.column].cast("float64"), None)
            out[value_col(item.id)] = x.sum()
            out[count_col(item.id)] = x.count().cast("int64")
            out[squares_col(item.id)] = (x * x).sum()
    return out


def _stopped_within(table: ir.Table, item: DataItem) -> ir.BooleanValue:
    """A `count` item with day bounds (docs/data-model.md): only rows whose stop_column is set
    and whose days from start to stop satisfy min_days < days <= max_days."""
    start = table[item.start_column].cast("date")
    stop = table[item.stop_column].cast("date")
    keep = stop.notnull()
    if item.min_days is not None:
        keep = keep & (_plus_days(start, item.min_days + 1) <= stop)
    if item.max_days is not None:
        keep = keep & (stop <= _plus_days(start, item.max_days))
    return keep.fill_null(False)


def partials(
    table: ir.Table, items: Sequence[DataItem], record_level: bool, periods: Sequence[dt.date]
) -> ir.Table:
    """count/sum/mean items grouped by ICB, period, revision (and raw person columns)."""
    source = table.filter(table.period.isin(list(periods)))
    keys = [*KEYS, "revision_id"]
    if record_level:
        keys += list(RAW_DIMENSIONS)
    measures = _additive_measures(source, items)
    return source.group_by(keys).aggregate(_rows=source.count(), **measures)


def revisions(table: ir.Table, periods: Sequence[dt.date]) -> ir.Table:
    """The revision of each ICB-month in the periods (presence, for lineage)."""
    source = table.filter(table.period.isin(list(periods)))
    return source.select("icb_code", "period", "revision_id").distinct()


def _month_index(date: ir.Value, origin: dt.date) -> ir.IntegerValue:
    """Whole months from `origin`'s month to `date`'s month."""
    return (date.year() * 12 + date.month() - (origin.year * 12 + origin.month)).cast("int64")


_NEVER = 1 << 30
"""A month index later than any snapshot: a record that never counts for an item."""


def _open_run(source: ir.Table, item: DataItem, origin: dt.date) -> tuple[ir.Value, ir.Value]:
    """The snapshot indices [lo, hi] at which a record counts for an open item.

    At month-end E of month index p a record counts when its filter holds, start + min_days + 1
    <= E (month index of that date <= p), stop is null or after E (p <= month(stop) - 1) and
    E <= start + max_days (p <= month(start + max_days + 1) - 1). Those months are one run.
    lo is null when start is null and _NEVER when the filter fails: either way nothing counts.
    """
    start = source[item.start_column].cast("date")
    frm = start if item.min_days is None else _plus_days(start, item.min_days + 1)
    lo = _month_index(frm, origin)
    if item.filter:
        lo = ibis.ifelse(item_filter(source, item), lo, _NEVER)
    stop = source[item.stop_column].cast("date")
    hi = (_month_index(stop, origin) - 1).fill_null(_NEVER)
    if item.max_days is not None:
        hi = ibis.least(hi, _month_index(_plus_days(start, item.max_days + 1), origin) - 1)
    return lo, hi


def _loose_run(
    source: ir.Table, items: Sequence[DataItem], origin: dt.date
) -> tuple[ir.Value, ir.Value]:
    """The months [lo, hi] a record is open under the loosest of the items' conditions (started,
    not stopped): the (ICB, person, month) rows it makes present even when no item counts it."""
    firsts, lasts = [], []
    for start_col, stop_col in sorted({(i.start_column, i.stop_column) for i in items}):
        stop = source[stop_col].cast("date")
        firsts.append(_month_index(source[start_col].cast("date"), origin))
        lasts.append((_month_index(stop, origin) - 1).fill_null(_NEVER))
    first = ibis.least(*firsts) if len(firsts) > 1 else firsts[0]
    last = ibis.greatest(*lasts) if len(lasts) > 1 else lasts[0]
    return first, last


def open_partials(
    table: ir.Table, items: Sequence[DataItem], periods: Sequence[dt.date]
) -> ir.Table:
    """Rows open at each period end per ICB and person columns, in one scan.

    Per record, the month indices [lo, hi] of each item's run (_open_run) and of the loosest
    run (_loose_run) are computed once. The record is expanded only into the snapshots of its
    loosest run (so the work is the (record, snapshot) pairs that can count, not every record
    times every snapshot), and an item counts it at snapshot p when lo <= p <= hi: integer
    comparisons, grouped by ICB, person columns and snapshot index; the snapshot dates are
    attached to the (few hundred thousand) grouped rows, not to the expanded ones.
    """
    origin, last = min(periods), max(periods)
    snaps = sorted(
        {(p.year - origin.year) * 12 + p.month - origin.month: p for p in periods}.items()
    )
    span = snaps[-1][0]
    source = table.filter(table.period <= last)
    alo, ahi = _loose_run(source, items, origin)
    runs: dict[str, ir.Value] = {}
    for k, item in enumerate(items):
        runs[f"_lo{k}"], runs[f"_hi{k}"] = _open_run(source, item, origin)
    first = ibis.ifelse(alo < 0, 0, alo)
    stop = ibis.least(ahi + 1, span + 1)
    rec = source.select("icb_code", *RAW_DIMENSIONS, _p=ibis.range(first, stop), **runs)
    rows = rec.unnest("_p")
    if len(snaps) < span + 1:  # months between the periods are not snapshots
        rows = rows.filter(rows._p.isin([k for k, _ in snaps]))
    measures = {
        value_col(i.id): ((rows[f"_lo{k}"] <= rows._p) & (rows._p <= rows[f"_hi{k}"]))
        .cast("int64")
        .sum()
        .fill_null(0)  # an item whose start column is null in every record of a group
        for k, i in enumerate(items)
    }
    grouped = rows.group_by(["icb_code", *RAW_DIMENSIONS, "_p"]).aggregate(**measures)
    dates = ibis.memtable(
        {"_p": [k for k, _ in snaps], "period": [p for _, p in snaps]},
        schema={"_p": "int64", "period": "date"},
    )
    out = grouped.join(dates, "_p")
    return out.select("icb_code", *RAW_DIMENSIONS, "period", *measures)


def with_regions(table: ir.Table, membership: ir.Table) -> ir.Table:
    """Attach each row's region (per period) for the roll-up."""
    return table.left_join(membership, ["icb_code", "period"]).drop(
        *[c for c in ("icb_code_right", "period_right") if c in table.columns]
    )


def _quantile_value(k: int) -> str:
    return f"_x{k}"


def _quantile_keep(k: int) -> str:
    return f"_keep{k}"


def quantile_source(
    table: ir.Table, items: Sequence[DataItem], membership: ir.Table, periods: Sequence[dt.date]
) -> ir.Table:
    """The records quantiles need (any item's filter), with region and breakdown keys.

    Per item k, `_keep{k}` (its filter) and `_x{k}` (its value as float64) are computed here,
    once per record, rather than in each of the level x breakdown groupings that read them.
    """
    source = table.filter(table.period.isin(list(periods)))
    keeps = {_quantile_keep(k): item_filter(source, item) for k, item in enumerate(items)}
    wanted = None
    for keep in keeps.values():
        wanted = keep if wanted is None else wanted | keep
    values = {_quantile_value(k): source[i.column].cast("float64") for k, i in enumerate(items)}
    source = source.mutate(**dimension_keys(source), **keeps, **values).filter(wanted)
    source = with_regions(source, membership)
    return source.select("icb_code", "region_code", "period", *DIMENSIONS, *keeps, *values)


def quantiles(source: ir.Table, items: Sequence[DataItem]) -> ir.Table:
    """Exact quantiles (and record counts) for every level x breakdown group, from the records.

    One grouping per level, breakdown and item over that item's records only (a WHERE, not an
    aggregate FILTER, so each record enters only the groupings it counts in), keyed by the
    columns themselves; the level and breakdown names are attached to the grouped rows. The
    per-item rows are then put side by side (one row per organisation, period and group).
    """
    keys = ["org_type", "org_code", "period", "breakdown", "group"]
    nothing = {}
    for item in items:
        nothing[value_col(item.id)] = ibis.null("float64")
        nothing[count_col(item.id)] = ibis.literal(0, type="int64")
    parts = []
    for k, item in enumerate(items):
        rows = source.filter(source[_quantile_keep(k)])
        x = rows[_quantile_value(k)]
        aggs = {"_v": x.quantile(item.quantile), "_n": x.count().cast("int64")}
        for level in (ICB, REGION, ENGLAND):
            org = {ICB: ["icb_code"], REGION: ["region_code"], ENGLAND: []}[level]
            for breakdown in (TOTAL, *DIMENSIONS):
                by = [*org, "period"] + ([] if breakdown == TOTAL else [breakdown])
                grouped = rows.group_by(by).aggregate(**aggs)
                code = ibis.literal(ENGLAND_CODE) if level == ENGLAND else grouped[org[0]]
                group = (
                    ibis.literal(TOTAL)
                    if breakdown == TOTAL
                    else dimension_group(grouped[breakdown])
                )
                cols = {
                    **nothing,
                    value_col(item.id): grouped._v,
                    count_col(item.id): grouped._n,
                }
                parts.append(
                    grouped.select(
                        org_type=ibis.literal(level),
                        org_code=code.cast("string"),
                        period=grouped.period,
                        breakdown=ibis.literal(breakdown),
                        group=group.cast("string"),
                        **cols,
                    )
                )
    stacked = ibis.union(*parts)
    if len(items) == 1:
        return stacked
    return stacked.group_by(keys).aggregate(
        **{c: (stacked[c].max() if c.endswith("__v") else stacked[c].sum()) for c in nothing}
    )
