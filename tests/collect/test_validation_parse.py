"""Cell parsing (collect.validation.parse) at its edges: integer bounds, nulls, month forms."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

import pyarrow as pa
import pytest

from oversight.collect.validation.parse import parse_column, parse_date


def _parse(
    cells: Sequence[str | None], column_type: str, target: pa.DataType, **kw: bool
) -> tuple[list, list]:
    typed, bad = parse_column(pa.array(cells, pa.string()), column_type, target, **kw)
    return typed.to_pylist(), bad.to_pylist()


@pytest.mark.parametrize(
    ("target", "low", "high"),
    [(pa.int8(), -128, 127), (pa.int32(), -(2**31), 2**31 - 1)],
)
def test_integers_at_the_types_bounds_parse_and_one_beyond_fail(
    target: pa.DataType, low: int, high: int
) -> None:
    # "x" forces the cell-by-cell path, where the bounds are checked
    cells = [str(low), str(high), str(low - 1), str(high + 1), "x", None]
    typed, bad = _parse(cells, "int32" if target == pa.int32() else "int8", target)
    assert typed == [low, high, None, None, None, None]
    assert bad == [False, False, True, True, True, False]


def test_booleans_that_are_not_words_are_null_not_false() -> None:
    typed, bad = _parse(["Yes", "maybe", None, "0"], "bool", pa.bool_())
    assert typed == [True, None, None, False]
    assert bad == [False, True, False, False]


def test_a_month_alone_is_a_date_only_in_a_month_column() -> None:
    cells = ["2024-06", "2024-06-30", "2024-06-31"]
    june = dt.date(2024, 6, 1)
    assert _parse(cells, "date", pa.date32()) == (
        [None, dt.date(2024, 6, 30), None],
        [True, False, True],
    )
    assert _parse(cells, "date", pa.date32(), month=True) == (
        [june, dt.date(2024, 6, 30), None],
        [False, False, True],
    )
    _, bad = parse_date(pa.array(cells), pa.date32())
    assert bad.to_pylist() == [True, False, True]


def test_a_text_column_given_numbers_is_text() -> None:
    typed, bad = parse_column(pa.array([1, 22]), "string", pa.string())
    assert typed.type == pa.string() and typed.to_pylist() == ["1", "22"]
    assert bad.to_pylist() == [False, False]


def test_an_all_empty_column_is_null_without_failures() -> None:
    typed, bad = parse_column(pa.nulls(2), "int32", pa.int32())
    assert typed.type == pa.int32() and typed.to_pylist() == [None, None]
    assert bad.to_pylist() == [False, False]
