"""Cross-item rules: relations between two columns of the same row, declared in one table.

A rule applies when the dataset has every column it names; nulls never fail (a clock_stop
that is null while the patient still waits is not before clock_start).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

import pyarrow as pa
import pyarrow.compute as pc

from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import Spec

Op = Literal["<=", ">=", "minutes_between"]

WAIT_TOLERANCE_MINUTES = 1
"""wait_minutes may differ from departure − arrival by rounding (floor vs round) only."""


@dataclass(frozen=True)
class CrossRule:
    """`left op right`; for minutes_between, left ≈ minutes from right[0] to right[1]."""

    rule: str
    left: str
    op: Op
    right: tuple[str, ...]
    message: str


RULES: tuple[CrossRule, ...] = (
    CrossRule(
        "cross.departure_before_arrival",
        "departure_time",
        ">=",
        ("arrival_time",),
        "departure_time is before arrival_time",
    ),
    CrossRule(
        "cross.wait_minutes_mismatch",
        "wait_minutes",
        "minutes_between",
        ("arrival_time", "departure_time"),
        "wait_minutes differs from departure_time − arrival_time",
    ),
    CrossRule(
        "cross.clock_stop_before_start",
        "clock_stop",
        ">=",
        ("clock_start",),
        "clock_stop is before clock_start",
    ),
    CrossRule(
        "cross.outcome_before_referral",
        "outcome_date",
        ">=",
        ("referral_date",),
        "outcome_date is before referral_date",
    ),
    CrossRule(
        "cross.treatment_before_referral",
        "treatment_date",
        ">=",
        ("referral_date",),
        "treatment_date is before referral_date",
    ),
    CrossRule(
        "cross.first_treatment_before_referral",
        "first_treatment_date",
        ">=",
        ("referral_date",),
        "first_treatment_date is before referral_date",
    ),
    CrossRule(
        "cross.part_exceeds_whole",
        "four_hour_breaches",
        "<=",
        ("attendances",),
        "four_hour_breaches exceeds attendances",
    ),
    CrossRule(
        "cross.part_exceeds_whole",
        "appointments_within_2_weeks",
        "<=",
        ("appointments",),
        "appointments_within_2_weeks exceeds appointments",
    ),
    CrossRule(
        "cross.part_exceeds_whole",
        "ucr_within_2_hours",
        "<=",
        ("ucr_referrals",),
        "ucr_within_2_hours exceeds ucr_referrals",
    ),
    CrossRule(
        "cross.part_exceeds_whole",
        "diagnostic_waiting_within_6_weeks",
        "<=",
        ("diagnostic_waiting",),
        "diagnostic_waiting_within_6_weeks exceeds diagnostic_waiting",
    ),
    CrossRule(
        "cross.part_exceeds_whole",
        "ld_health_checks",
        "<=",
        ("ld_register",),
        "ld_health_checks exceeds ld_register",
    ),
    CrossRule(
        "cross.part_exceeds_whole",
        "hypertension_treated_to_target",
        "<=",
        ("hypertension_register",),
        "hypertension_treated_to_target exceeds hypertension_register",
    ),
    CrossRule(
        "cross.part_exceeds_whole",
        "leavers_fte",
        "<=",
        ("staff_fte",),
        "leavers_fte exceeds staff_fte",
    ),
    CrossRule(
        "cross.part_exceeds_whole",
        "sickness_days_lost",
        "<=",
        ("available_days",),
        "sickness_days_lost exceeds available_days",
    ),
)


def applicable(spec: Spec) -> list[CrossRule]:
    names = set(spec.names)
    return [r for r in RULES if r.left in names and set(r.right) <= names]


def covered_pairs(spec: Spec) -> set[tuple[str, str]]:
    """(left, right) pairs a cross rule already checks, so derived ratio checks skip them."""
    return {(r.left, r.right[0]) for r in applicable(spec) if r.op == "<="}


def _failures(rule: CrossRule, typed: dict[str, pa.Array]) -> pa.Array:
    left = typed[rule.left]
    if rule.op == "<=":
        return pc.greater(left, typed[rule.right[0]])
    if rule.op == ">=":
        return pc.less(left, typed[rule.right[0]])
    start, stop = typed[rule.right[0]], typed[rule.right[1]]
    micros = pc.cast(
        pc.subtract(pc.cast(stop, pa.int64()), pc.cast(start, pa.int64())), pa.float64()
    )
    minutes = pc.divide(micros, _per_minute(start.type))
    gap = pc.abs(pc.subtract(pc.cast(left, pa.float64()), minutes))
    return pc.greater(gap, WAIT_TOLERANCE_MINUTES)


def _per_minute(t: pa.DataType) -> float:
    unit = getattr(t, "unit", "s")
    return 60.0 * {"s": 1, "ms": 1e3, "us": 1e6, "ns": 1e9}[unit]


def _shown(rule: CrossRule, typed: dict[str, pa.Array], idx: pa.Array) -> pa.Array:
    parts = []
    for name in (rule.left, *rule.right):
        text = pc.cast(typed[name].take(idx), pa.string())
        parts.append(pc.binary_join_element_wise(f"{name}=", pc.fill_null(text, "null"), ""))
    return pc.binary_join_element_wise(*parts, "; ")


def check_cross(sink: IssueSink, spec: Spec, typed: dict[str, pa.Array], row_offset: int) -> None:
    for rule in applicable(spec):
        fails = _failures(rule, typed)

        def shown(idx: pa.Array, rule: CrossRule = rule) -> pa.Array:
            return _shown(rule, typed, idx)

        sink.add_mask(fails, rule.rule, rule.left, shown, row_offset, rule.message)
