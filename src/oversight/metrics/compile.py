"""Catalogue data items -> backend-free Ibis expressions over lake tables.

One scan of a dataset yields all its additive data items: filters become conditional sums
(sum(case when filter then 1 else 0)), grouped once by ICB, period, revision and the raw person
columns ("partials"; a few hundred thousand rows however many records). Partials are additive, so
every organisation level and breakdown is a roll-up of them in memory (rollup.py; region and
England from the same records, never averages). Quantiles are not additive: they are computed
from the records for each level and breakdown (exact, linear interpolation on both engines:
DuckDB quantile_cont, Spark percentile), over one cached projection of the records.

Items open at period end (waiting lists, backlogs) join the records with the month-end
snapshots (a dozen rows, so a streaming filter, not a real range join) and count, in one scan,
every item's rows open at each month-end.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from oversight.metrics.breakdowns import DIMENSIONS, RAW_DIMENSIONS, TOTAL, dimension_columns
from oversight.metrics.organisations import ENGLAND, ENGLAND_CODE, ICB, REGION

ADDITIVE = ("count", "sum", "mean")
KEYS = ("icb_code", "period")


def value_col(item_id: str) -> str:
    return f"{item_id}__v"


def count_col(item_id: str) -> str:
    return f"{item_id}__n"


def squares_col(item_id: str) -> str:
    return f"{item_id}__ss"


def measure_columns(items: Sequence[Any]) -> list[str]:
    """The additive measure columns the items of one dataset produce, in a stable order."""
    cols: list[str] = []
    for item in items:
        cols.append(value_col(item.id))
        if item.aggregation in ("mean", "quantile"):
            cols.append(count_col(item.id))
        if item.aggregation == "mean":
            cols.append(squares_col(item.id))
    return cols


def condition(table: ir.Table, cond: Any) -> ir.BooleanValue:
    """One catalogue filter condition ({column, op, value}) as an Ibis boolean."""
    col = table[cond.column]
    op, value = cond.op, cond.value
    if op == "is_null":
        return col.isnull()
    if op == "not_null":
        return col.notnull()
    if op == "in":
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


def item_filter(table: ir.Table, item: Any) -> ir.BooleanValue:
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


def _additive_measures(table: ir.Table, items: Sequence[Any]) -> dict[str, ir.Scalar]:
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


def _stopped_within(table: ir.Table, item: Any) -> ir.BooleanValue:
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
    table: ir.Table, items: Sequence[Any], record_level: bool, periods: Sequence[dt.date]
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


def month_end(period: dt.date) -> dt.date:
    return period.replace(day=calendar.monthrange(period.year, period.month)[1])


def _open_bounds(source: ir.Table, items: Sequence[Any]) -> dict[str, ir.Value]:
    """Per record and item: whether its filter holds, and the first and last month-end dates it
    may count at by days waited (computed once per record, not once per record x month)."""
    cols: dict[str, ir.Value] = {}
    for k, item in enumerate(items):
        start = source[item.start_column].cast("date")
        cols[f"_keep{k}"] = item_filter(source, item)
        if item.min_days is not None:
            start = _plus_days(start, item.min_days + 1).cast("date")
        cols[f"_from{k}"] = start
        if item.max_days is not None:
            cols[f"_until{k}"] = _plus_days(source[item.start_column].cast("date"), item.max_days)
            cols[f"_until{k}"] = cols[f"_until{k}"].cast("date")
        cols[f"_stop{k}"] = source[item.stop_column].cast("date")
    return cols


def _open_at(rows: ir.Table, k: int, item: Any, end: ir.DateValue) -> ir.BooleanValue:
    """Open at month-end `end`: waited more than min_days by then (and started), not stopped by
    then, waited at most max_days."""
    stop = rows[f"_stop{k}"]
    keep = rows[f"_keep{k}"] & (rows[f"_from{k}"] <= end) & (stop.isnull() | (stop > end))
    if item.max_days is not None:
        keep = keep & (end <= rows[f"_until{k}"])
    return keep.fill_null(False)


def _month_index(date: ir.DateValue, origin: dt.date) -> ir.IntegerValue:
    """Whole months from `origin`'s month to `date`'s month."""
    return (date.year() * 12 + date.month() - (origin.year * 12 + origin.month)).cast("int64")


def open_partials(table: ir.Table, items: Sequence[Any], periods: Sequence[dt.date]) -> ir.Table:
    """Rows open at each period end per ICB and person columns, in one scan.

    A row counts at month-end E when start <= E, stop is null or after E, and the days waited
    (E - start) are > min_days and <= max_days. Each record is expanded only into the months of
    its open run under the loosest of the items' conditions (started by E, not stopped by E:
    months from its start month to the month before its stop month), so the work is the
    (record, month-end) pairs that can count, not every record times every month-end.
    """
    origin, last = min(periods), max(periods)
    span = _month_index(ibis.date(last), origin).cast("int64")
    snaps = ibis.memtable(
        {
            "snap_k": [(p.year - origin.year) * 12 + p.month - origin.month for p in periods],
            "snapshot": list(periods),
            "snapshot_end": [month_end(p) for p in periods],
        },
        schema={"snap_k": "int64", "snapshot": "date", "snapshot_end": "date"},
    )
    source = table.filter(table.period <= last)
    firsts, lasts = [], []
    for start_col, stop_col in sorted({(i.start_column, i.stop_column) for i in items}):
        first = _month_index(source[start_col].cast("date"), origin)
        stop = source[stop_col].cast("date")
        firsts.append(ibis.ifelse(first < 0, 0, first))
        lasts.append(ibis.ifelse(stop.isnull(), span + 1, _month_index(stop, origin)))
    first = ibis.least(*firsts) if len(firsts) > 1 else firsts[0]
    last_excl = ibis.greatest(*lasts) if len(lasts) > 1 else lasts[0]
    last_excl = ibis.ifelse(last_excl > span + 1, span + 1, last_excl)
    bounds = _open_bounds(source, items)
    runs = source.select("icb_code", *RAW_DIMENSIONS, snap_k=ibis.range(first, last_excl), **bounds)
    rows = runs.unnest("snap_k").join(snaps, "snap_k")
    keys = [rows.icb_code, *[rows[d] for d in RAW_DIMENSIONS], rows.snapshot.name("period")]
    measures = {
        value_col(i.id): _count_if(_open_at(rows, k, i, rows.snapshot_end))
        for k, i in enumerate(items)
    }
    return rows.group_by(keys).aggregate(**measures)


def _org_columns(table: ir.Table, level: str) -> dict[str, ir.Value]:
    code = {
        ICB: table.icb_code,
        REGION: table.region_code,
        ENGLAND: ibis.literal(ENGLAND_CODE),
    }[level]
    return {"org_type": ibis.literal(level), "org_code": code.cast("string")}


def with_regions(table: ir.Table, membership: ir.Table) -> ir.Table:
    """Attach each row's region (per period) for the roll-up."""
    return table.left_join(membership, ["icb_code", "period"]).drop(
        *[c for c in ("icb_code_right", "period_right") if c in table.columns]
    )


def quantile_source(
    table: ir.Table, items: Sequence[Any], membership: ir.Table, periods: Sequence[dt.date]
) -> ir.Table:
    """The records quantiles need (any item's filter), with region and breakdown groups."""
    source = table.filter(table.period.isin(list(periods)))
    wanted = None
    for item in items:
        keep = item_filter(source, item)
        wanted = keep if wanted is None else wanted | keep
    source = source.filter(wanted)
    source = with_regions(source.mutate(**dimension_columns(source)), membership)
    cols = {c.column for i in items for c in i.filter} | {i.column for i in items}
    return source.select("icb_code", "region_code", "period", *DIMENSIONS, *sorted(cols))


def quantiles(source: ir.Table, items: Sequence[Any]) -> ir.Table:
    """Exact quantiles (and record counts) for every level x breakdown group, from the records."""
    parts = []
    for level in (ICB, REGION, ENGLAND):
        for breakdown in (TOTAL, *DIMENSIONS):
            group = ibis.literal(TOTAL) if breakdown == TOTAL else source[breakdown]
            keyed = source.mutate(
                **_org_columns(source, level), breakdown=ibis.literal(breakdown), group=group
            )
            aggs: dict[str, ir.Scalar] = {}
            for item in items:
                keep = item_filter(keyed, item)
                x = keyed[item.column].cast("float64")
                aggs[value_col(item.id)] = x.quantile(item.quantile, where=keep)
                aggs[count_col(item.id)] = _count_if(keep & x.notnull())
            parts.append(
                keyed.group_by(["org_type", "org_code", "period", "breakdown", "group"]).aggregate(
                    **aggs
                )
            )
    return ibis.union(*parts)
