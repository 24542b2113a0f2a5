"""Catalogue data items -> backend-free Ibis expressions over lake tables.

One scan of a dataset yields all its data items: filters become conditional sums
(sum(case when filter then 1 else 0)), grouped once by ICB, period, revision and every breakdown
dimension ("partials"). Partials are additive, so every organisation level and breakdown is a
roll-up of them (region and England from the same records, never averages). Quantiles are not
additive: they are computed from the records for each level and breakdown (exact, linear
interpolation on both engines: DuckDB percentile_cont, Spark percentile).

Items open at period end (waiting lists, backlogs) use a difference array instead of a range join
of records x periods: each record adds +1 in the first month-end it counts at and -1 in the first
month-end it no longer counts at; a small inequality join of those deltas with the periods sums
them into snapshots.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import ibis
import ibis.expr.types as ir

from oversight.metrics.breakdowns import DIMENSIONS, TOTAL, dimension_columns
from oversight.metrics.organisations import ENGLAND, ENGLAND_CODE, ICB, REGION

ADDITIVE = ("count", "sum", "mean")
FAR_FUTURE = dt.date(2999, 12, 1)
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


def _additive_measures(table: ir.Table, items: Sequence[Any]) -> dict[str, ir.Scalar]:
    out: dict[str, ir.Scalar] = {}
    for item in items:
        keep = item_filter(table, item)
        if item.aggregation == "count":
            out[value_col(item.id)] = ibis.ifelse(keep, 1, 0).cast("int64").sum()
        elif item.aggregation == "sum":
            out[value_col(item.id)] = ibis.ifelse(keep, table[item.column], None).sum()
        elif item.aggregation == "mean":
            x = ibis.ifelse(keep, table[item.column].cast("float64"), None)
            out[value_col(item.id)] = x.sum()
            out[count_col(item.id)] = x.count().cast("int64")
            out[squares_col(item.id)] = (x * x).sum()
    return out


def _record_dims(table: ir.Table) -> ir.Table:
    return table.mutate(**dimension_columns(table))


def partials(
    table: ir.Table, items: Sequence[Any], record_level: bool, periods: Sequence[dt.date]
) -> ir.Table:
    """count/sum/mean items grouped by ICB, period, revision (and dimensions for records)."""
    source = table.filter(table.period.isin(list(periods)))
    keys = [*KEYS, "revision_id"]
    if record_level:
        source = _record_dims(source)
        keys += list(DIMENSIONS)
    measures = _additive_measures(source, items)
    return source.group_by(keys).aggregate(_rows=source.count(), **measures)


def _plus_days(date: ir.DateValue, days: int) -> ir.DateValue:
    return date + ibis.interval(days=days)


def _earlier(a: ir.DateValue, b: ir.DateValue) -> ir.DateValue:
    return ibis.ifelse(a < b, a, b)


def open_partials(table: ir.Table, items: Sequence[Any], periods: Sequence[dt.date]) -> ir.Table:
    """Rows open at each period end per ICB and dimensions, by a difference array.

    A row counts at month-end E when start <= E, stop is null or after E, and the days waited
    (E - start) are > min_days and <= max_days. All bounds are on E, so a row counts over one
    contiguous run of months [first, last_excl).
    """
    first_period, last_period = min(periods), max(periods)
    source = _record_dims(table.filter(table.period <= last_period))
    keys = [*KEYS, *DIMENSIONS]
    branches = []
    for item in items:
        start = source[item.start_column].cast("date")
        stop = source[item.stop_column].cast("date").fill_null(ibis.date(FAR_FUTURE))
        lo = _plus_days(start, item.min_days + 1) if item.min_days is not None else start
        hi_excl = stop
        if item.max_days is not None:
            hi_excl = _earlier(stop, _plus_days(start, item.max_days + 1))
        first = lo.truncate("M")
        first = ibis.ifelse(first < ibis.date(first_period), ibis.date(first_period), first)
        last_excl = hi_excl.truncate("M")
        rows = source.filter(item_filter(source, item) & (first < last_excl))
        zeros = {value_col(other.id): ibis.literal(0, "int64") for other in items}
        for edge, delta in ((first, 1), (last_excl, -1)):
            branches.append(
                rows.select(
                    rows.icb_code,
                    *[rows[d] for d in DIMENSIONS],
                    period=edge,
                    **{**zeros, value_col(item.id): ibis.literal(delta, "int64")},
                )
            )
    deltas = (
        ibis.union(*branches)
        .group_by(keys)
        .aggregate(**{value_col(i.id): ibis._[value_col(i.id)].sum() for i in items})
    )
    snaps = ibis.memtable({"snapshot": list(periods)}, schema={"snapshot": "date"})
    joined = deltas.join(snaps, deltas.period <= snaps.snapshot)
    return (
        joined.group_by([joined.icb_code, *DIMENSIONS, joined.snapshot.name("period")])
        .aggregate(**{value_col(i.id): joined[value_col(i.id)].sum() for i in items})
        .select(*keys, *[value_col(i.id) for i in items])
    )


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


def _breakdowns(record_level: bool) -> tuple[str, ...]:
    return (TOTAL, *DIMENSIONS) if record_level else (TOTAL,)


def rollup(partial: ir.Table, measures: Sequence[str], record_level: bool) -> ir.Table:
    """Sum partials (with region_code attached) to every level x breakdown group."""
    parts = []
    for level in (ICB, REGION, ENGLAND):
        for breakdown in _breakdowns(record_level):
            group = ibis.literal(TOTAL) if breakdown == TOTAL else partial[breakdown].cast("string")
            keyed = partial.mutate(
                **_org_columns(partial, level), breakdown=ibis.literal(breakdown), group=group
            )
            parts.append(
                keyed.group_by(["org_type", "org_code", "period", "breakdown", "group"]).aggregate(
                    **{m: keyed[m].sum().cast(partial[m].type()) for m in measures}
                )
            )
    return ibis.union(*parts)


def quantiles(
    table: ir.Table, items: Sequence[Any], membership: ir.Table, periods: Sequence[dt.date]
) -> ir.Table:
    """Exact quantiles (and record counts) for every level x breakdown group, from the records."""
    source = _record_dims(table.filter(table.period.isin(list(periods))))
    source = with_regions(source, membership)
    parts = []
    for level in (ICB, REGION, ENGLAND):
        for breakdown in _breakdowns(True):
            group = ibis.literal(TOTAL) if breakdown == TOTAL else source[breakdown]
            keyed = source.mutate(
                **_org_columns(source, level), breakdown=ibis.literal(breakdown), group=group
            )
            aggs: dict[str, ir.Scalar] = {}
            for item in items:
                keep = item_filter(keyed, item)
                x = keyed[item.column].cast("float64")
                aggs[value_col(item.id)] = x.quantile(item.quantile, where=keep)
                aggs[count_col(item.id)] = ibis.ifelse(keep & x.notnull(), 1, 0).cast("int64").sum()
            parts.append(
                keyed.group_by(["org_type", "org_code", "period", "breakdown", "group"]).aggregate(
                    **aggs
                )
            )
    return ibis.union(*parts)
