"""Rows to series and (series, date) order: the no-sort fast path and the general path agree."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from oversight.stats.spc import spc_many
from oversight.stats.spc.grouping import row_order, series_keys

DATES = pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"])


def test_grouped_sorted_keys_need_no_codes() -> None:
    keys = series_keys(pd.Series(["a", "a", "b", "b", "b", "c"]))
    assert keys.codes is None and keys.starts is not None
    assert list(keys.starts) == [0, 2, 5]
    assert list(keys.uniques) == ["a", "b", "c"]
    assert [keys.series_of(i) for i in range(6)] == [0, 0, 1, 1, 1, 2]


@pytest.mark.parametrize("raw", [["b", "b", "a"], ["a", "b", "a"], [2, 1, 2]])
def test_keys_out_of_order_or_split_are_factorized(raw: list[object]) -> None:
    keys = series_keys(pd.Series(raw))
    assert keys.starts is None and keys.codes is not None
    assert [keys.uniques[c] for c in keys.codes] == raw


def test_sorted_rows_are_not_reordered() -> None:
    keys = series_keys(pd.Series(["a", "a", "b"]))
    x = np.array([1, 2, 1], dtype=np.int64)  # a new series may start at an earlier date
    order, starts = row_order(keys, x, "d")
    assert order is None and list(starts) == [0, 2]


def test_dates_out_of_order_inside_grouped_keys_are_sorted() -> None:
    keys = series_keys(pd.Series(["a", "a", "b", "b"]))
    order, starts = row_order(keys, np.array([2, 1, 5, 3], dtype=np.int64), "d")
    assert order is not None and list(order) == [1, 0, 3, 2] and list(starts) == [0, 2]


def test_a_repeated_date_in_grouped_sorted_keys_is_an_error() -> None:
    table = pd.DataFrame(
        {"k": ["a", "a", "b", "b"], "d": DATES[[0, 1, 1, 1]], "v": [1.0, 2.0, 3.0, 4.0]}
    )
    with pytest.raises(ValueError, match=r"d: series 'b' has the date 2024-02-01 twice"):
        spc_many(table, by="k", date="d", value="v")


def test_a_bad_value_names_its_series_on_the_fast_path() -> None:
    table = pd.DataFrame({"k": ["a", "b", "b"], "d": DATES, "v": [1.0, 2.0, np.nan]})
    with pytest.raises(ValueError, match=r"v: row 2 \(series 'b'\) is nan"):
        spc_many(table, by="k", date="d", value="v")


def test_fast_and_general_paths_give_the_same_points() -> None:
    rng = np.random.default_rng(5)
    table = pd.DataFrame(
        {
            "k": np.repeat(["a", "b", "c"], 20),
            "d": np.tile(pd.date_range("2020-01-01", periods=20, freq="MS"), 3),
            "v": np.round(rng.normal(5, 1, 60), 1),
        }
    )
    fast = spc_many(table, by="k", date="d", value="v")
    shuffled = table.sample(frac=1, random_state=1)
    general = spc_many(shuffled, by="k", date="d", value="v")
    pd.testing.assert_frame_equal(fast.points, general.points, check_exact=True)
    pd.testing.assert_frame_equal(fast.summary, general.summary, check_exact=True)
