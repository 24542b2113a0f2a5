"""Range rules: counts not negative, catalogue min/max, numerator ≤ denominator, the period
column equal to the submitted month and event dates inside it, nothing dated in the future."""

from __future__ import annotations

import datetime as dt

import pyarrow as pa
import pyarrow.compute as pc

from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import Spec

NEGATIVE = "ranges.negative"
BELOW_MIN = "ranges.below_min"
ABOVE_MAX = "ranges.above_max"
NUMERATOR = "ranges.numerator_gt_denominator"
PERIOD_MISMATCH = "ranges.period_mismatch"
OUTSIDE_PERIOD = "ranges.date_outside_period"
FUTURE = "ranges.future_date"

NON_NEGATIVE_UNITS = frozenset({"count", "fte", "days", "bed_days", "seconds", "minutes", "beds"})
"""Float columns feeding items in these units cannot be negative (money can)."""

EVENT_DATES: dict[str, tuple[str, bool]] = {
    "ae_attendances": ("arrival_time", False),
    "ambulance_incidents": ("call_time", False),
    "rtt_pathways": ("clock_start", True),
    "cancer_referrals": ("referral_date", False),
    "talking_therapies_referrals": ("referral_date", False),
}
"""Dataset → (column whose month is the row's period, may it be earlier?). RTT pathways that
started before the first month sit in it, so clock_start only may not be after the month."""

_INTEGER = ("int8", "int32", "int64")


def _non_negative_columns(spec: Spec) -> set[str]:
    units = {i.column: i.unit for i in spec.data_items if getattr(i, "column", None)}
    out = set()
    for c in spec.columns:
        if c.min not in (None, 0):
            continue  # the catalogue's own minimum governs
        if c.type in _INTEGER or (c.type == "float64" and units.get(c.name) in NON_NEGATIVE_UNITS):
            out.add(c.name)
    return out


def _bound(value: dt.date, arr: pa.Array, end_of_day: bool = False) -> pa.Scalar:
    if pa.types.is_timestamp(arr.type):
        moment = dt.datetime.combine(value, dt.time.max if end_of_day else dt.time.min)
        return pa.scalar(moment, arr.type)
    return pa.scalar(value, arr.type)


def check_ranges(
    sink: IssueSink,
    spec: Spec,
    typed: dict[str, pa.Array],
    raw: dict[str, pa.Array],
    row_offset: int,
    as_of: dt.datetime | None,
) -> None:
    counts = _non_negative_columns(spec)
    for name in sorted(counts):
        sink.add_mask(
            pc.less(typed[name], 0),
            NEGATIVE,
            name,
            raw.get(name),
            row_offset,
            "a count cannot be negative",
        )
    for c in spec.columns:
        if c.type not in (*_INTEGER, "float64"):
            continue
        if c.min is not None and c.name not in counts:
            sink.add_mask(
                pc.less(typed[c.name], c.min),
                BELOW_MIN,
                c.name,
                raw.get(c.name),
                row_offset,
                f"below the minimum {c.min:g}",
            )
        if c.max is not None:
            sink.add_mask(
                pc.greater(typed[c.name], c.max),
                ABOVE_MAX,
                c.name,
                raw.get(c.name),
                row_offset,
                f"above the maximum {c.max:g}",
            )
    for pair in spec.ratio_pairs:
        sink.add_mask(
            pc.greater(typed[pair.numerator], typed[pair.denominator]),
            NUMERATOR,
            pair.numerator,
            raw.get(pair.numerator),
            row_offset,
            f"{pair.numerator} exceeds {pair.denominator} (numerator and denominator of "
            f"{pair.metric})",
        )
    _check_period(sink, spec, typed, raw, row_offset)
    if as_of is not None:
        _check_future(sink, spec, typed, raw, row_offset, as_of)


def _check_period(
    sink: IssueSink,
    spec: Spec,
    typed: dict[str, pa.Array],
    raw: dict[str, pa.Array],
    row_offset: int,
) -> None:
    period = typed.get(spec.period_column)
    if period is not None and spec.period_column in raw:
        sink.add_mask(
            pc.not_equal(period, _bound(spec.period_start, period)),
            PERIOD_MISMATCH,
            spec.period_column,
            raw[spec.period_column],
            row_offset,
            f"period must be the submitted month {spec.period_start:%Y-%m}",
        )
    event = EVENT_DATES.get(spec.dataset_id)
    if event is None or event[0] not in raw or spec.column(event[0]) is None:
        return
    column, may_be_earlier = event
    values = typed[column]
    late = pc.greater(values, _bound(spec.period_end, values, end_of_day=True))
    if not may_be_earlier:
        late = pc.or_(late, pc.less(values, _bound(spec.period_start, values)))
    sink.add_mask(
        late,
        OUTSIDE_PERIOD,
        column,
        raw[column],
        row_offset,
        f"{column} must fall in the submitted month {spec.period_start:%Y-%m}",
    )


def _check_future(
    sink: IssueSink,
    spec: Spec,
    typed: dict[str, pa.Array],
    raw: dict[str, pa.Array],
    row_offset: int,
    as_of: dt.datetime,
) -> None:
    for c in spec.columns:
        if c.type not in ("date", "timestamp") or c.name not in raw:
            continue
        values = typed[c.name]
        limit = as_of if c.type == "timestamp" else as_of.date()
        sink.add_mask(
            pc.greater(values, pa.scalar(limit, values.type)),
            FUTURE,
            c.name,
            raw[c.name],
            row_offset,
            f"after the submission time {as_of:%Y-%m-%d %H:%M}",
        )
