"""Outlier limits and running item totals (collect.validation.outliers), as pure units."""

from __future__ import annotations

import math
from types import SimpleNamespace

import pyarrow as pa
import pytest

from oversight.collect.validation.outliers import (
    ItemTotals,
    check_outliers,
    limits,
    normalise_history,
)
from oversight.collect.validation.sink import IssueSink


def _item(iid: str, aggregation: str, column: str | None = None, *conds: tuple) -> SimpleNamespace:
    filters = tuple(SimpleNamespace(column=c, op=op, value=v) for c, op, v in conds)
    return SimpleNamespace(id=iid, aggregation=aggregation, column=column, filter=filters)


def _totals(*items: SimpleNamespace) -> ItemTotals:
    return ItemTotals(SimpleNamespace(data_items=list(items)))  # type: ignore[arg-type]


def test_limits_are_mean_plus_or_minus_three_sd_of_the_last_twelve() -> None:
    # the first of 13 values (1000) is outside the window; the other 12 alternate 8 and 12
    past = [1000.0] + [8.0, 12.0] * 6 + [math.nan]
    mean, sd, low, high = limits(past)  # type: ignore[misc]
    assert mean == 10.0
    assert sd == pytest.approx(math.sqrt(48 / 11))
    assert (low, high) == (pytest.approx(10 - 3 * sd), pytest.approx(10 + 3 * sd))


def test_a_flat_history_uses_the_sd_floor_and_six_points_are_enough() -> None:
    assert limits([200.0] * 5) is None
    mean, sd, low, high = limits([200.0] * 6)  # type: ignore[misc]
    assert (mean, sd) == (200.0, pytest.approx(2.0))  # 1% of |mean|
    assert (low, high) == (pytest.approx(194.0), pytest.approx(206.0))


def test_a_value_exactly_on_a_limit_is_not_an_outlier() -> None:
    item = _item("gp", "sum", "appointments")
    past = [100.0, 110.0, 90.0, 100.0, 105.0, 95.0]
    _, _, low, high = limits(past)  # type: ignore[misc]
    for value, flagged in ((high, False), (low, False), (math.nextafter(high, math.inf), True)):
        totals = _totals(item)
        totals.add({"appointments": pa.array([value])})
        sink = IssueSink("f.csv")
        check_outliers(sink, totals, {"gp": past}, row=1)
        assert bool(sink.issues) is flagged, value


def test_history_may_be_keyed_by_the_column_name() -> None:
    totals = _totals(_item("gp", "sum", "appointments"))
    totals.add({"appointments": pa.array([500.0])})
    sink = IssueSink("f.csv")
    check_outliers(sink, totals, {"appointments": [100.0] * 6}, row=None)
    assert [(i.column, i.value, i.severity) for i in sink.issues] == [
        ("appointments", "500", "warning")
    ]


def test_totals_sum_count_and_mean_with_filters_across_batches() -> None:
    items = (
        _item("n", "count"),
        _item("n_admitted_old", "count", None, ("admitted", "==", True), ("age", ">=", 65)),
        _item("wait_sum", "sum", "wait"),
        _item("wait_mean", "mean", "wait"),
        _item("wait_mean_admitted", "mean", "wait", ("admitted", "==", True)),
    )
    totals = _totals(*items)
    totals.add(
        {
            "admitted": pa.array([True, True, False, None]),
            "age": pa.array([70, 30, 80, 90]),
            "wait": pa.array([10.0, 20.0, None, 30.0]),
        }
    )
    totals.add({"admitted": pa.array([True]), "age": pa.array([65]), "wait": pa.array([40.0])})
    assert totals.values() == {
        "n": 5.0,
        "n_admitted_old": 2.0,  # rows 1 and 5; a null admitted counts as not admitted
        "wait_sum": 100.0,
        "wait_mean": 25.0,  # over the 4 waits present
        "wait_mean_admitted": pytest.approx(70 / 3),
    }


def test_an_item_whose_column_is_missing_or_all_empty() -> None:
    totals = _totals(_item("gone", "sum", "absent"), _item("empty", "mean", "wait"))
    totals.add({"wait": pa.array([None, None], pa.float64())})
    assert totals.values() == {}  # "gone" cannot be computed, "empty" has no values
    totals = _totals(_item("filtered", "count", None, ("absent", "is_null", None)))
    totals.add({"wait": pa.array([1.0])})
    assert totals.values() == {}
    totals = _totals(_item("blank_sum", "sum", "wait"))
    totals.add({"wait": pa.array([None], pa.float64())})
    assert totals.values() == {}  # a sum of no values is no value (as in SQL), not 0


def test_history_from_a_frame_is_ordered_by_period() -> None:
    import pandas as pd

    frame = pd.DataFrame(
        {
            "data_item": ["a", "b", "a"],
            "period": ["2024-02-01", "2024-01-01", "2024-01-01"],
            "value": [2, 5, 1],
        }
    )
    assert normalise_history(frame) == {"a": [1.0, 2.0], "b": [5.0]}
    assert normalise_history({"a": [1, None, 3]}) == {"a": [1.0, 3.0]}
    assert normalise_history(None) == {}


def test_a_sum_with_no_values_is_not_called_an_outlier() -> None:
    """A missing column arrives as nulls: the schema check reports it; the outlier check
    must not also report a total of 0 against the history."""
    totals = _totals(_item("gp", "sum", "appointments"), _item("n", "count"))
    totals.add({"appointments": pa.array([None, None], pa.float64())})
    sink = IssueSink("f.csv")
    check_outliers(sink, totals, {"gp": [100.0] * 6, "n": [2.0] * 6}, row=None)
    assert sink.issues == []
    assert totals.values() == {"n": 2.0}
