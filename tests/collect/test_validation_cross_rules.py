"""Cross-item rules (collect.validation.cross_item) on typed arrays: equal is allowed, the wait
tolerance is one minute in every timestamp unit, and a rule needs all of its columns."""

from __future__ import annotations

import dataclasses
import datetime as dt
from types import SimpleNamespace

import pyarrow as pa
import pytest

from oversight.collect.validation.cross_item import (
    RULES,
    applicable,
    check_cross,
    covered_pairs,
)
from oversight.collect.validation.sink import IssueSink


def _check(typed: dict[str, pa.Array]) -> list[tuple[str, int | None]]:
    sink = IssueSink("f.csv")
    check_cross(sink, SimpleNamespace(names=list(typed)), typed, 0)  # type: ignore[arg-type]
    return [(i.rule, i.row) for i in sink.issues]


def test_a_part_equal_to_its_whole_is_allowed() -> None:
    typed = {
        "appointments": pa.array([10, 10, 10]),
        "appointments_within_2_weeks": pa.array([9, 10, 11]),
    }
    assert _check(typed) == [("cross.part_exceeds_whole", 3)]


def test_a_clock_stopping_when_it_starts_is_allowed() -> None:
    day = dt.date(2024, 6, 3)
    typed = {
        "clock_start": pa.array([day, day, day]),
        "clock_stop": pa.array([day + dt.timedelta(days=1), day, day - dt.timedelta(days=1)]),
    }
    assert _check(typed) == [("cross.clock_stop_before_start", 3)]


@pytest.mark.parametrize("unit", ["s", "ms", "us", "ns"])
def test_wait_minutes_may_differ_by_one_minute_in_any_timestamp_unit(unit: str) -> None:
    arrive = dt.datetime(2024, 6, 3, 10, 0)
    typed = {
        "wait_minutes": pa.array([60, 61, 62, 58]),
        "arrival_time": pa.array([arrive] * 4, pa.timestamp(unit)),
        "departure_time": pa.array([arrive + dt.timedelta(hours=1)] * 4, pa.timestamp(unit)),
    }
    assert _check(typed) == [
        ("cross.wait_minutes_mismatch", 3),
        ("cross.wait_minutes_mismatch", 4),
    ]


def test_a_rule_applies_only_when_the_dataset_has_all_its_columns() -> None:
    def rules(*names: str) -> list[str]:
        return [r.left for r in applicable(SimpleNamespace(names=list(names)))]  # type: ignore[arg-type]

    assert rules("departure_time") == []
    assert rules("arrival_time", "wait_minutes") == []  # departure_time is missing
    assert rules("arrival_time", "departure_time", "wait_minutes") == [
        "departure_time",
        "wait_minutes",
    ]


def test_covered_pairs_are_the_part_whole_rules_only() -> None:
    spec = SimpleNamespace(
        names=["appointments", "appointments_within_2_weeks", "arrival_time", "departure_time"]
    )
    assert covered_pairs(spec) == {("appointments_within_2_weeks", "appointments")}  # type: ignore[arg-type]


def test_the_rule_table_cannot_be_changed_at_run_time() -> None:
    with pytest.raises(dataclasses.FrozenInstanceError):
        RULES[0].op = "<="  # type: ignore[misc]
