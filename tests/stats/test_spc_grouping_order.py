"""Rows out of date order are sorted, however few and wherever the disorder sits."""

from __future__ import annotations

import numpy as np
import pandas as pd

from oversight.stats.spc.grouping import row_order, series_keys


def test_two_rows_of_one_series_in_reverse_date_order_are_sorted() -> None:
    keys = series_keys(pd.Series(["a", "a"]))
    order, starts = row_order(keys, np.array([2, 1], dtype=np.int64), "d")
    assert order is not None and list(order) == [1, 0] and list(starts) == [0]


def test_two_rows_with_unordered_keys_are_sorted_by_series_then_date() -> None:
    keys = series_keys(pd.Series(["b", "a"]))
    order, starts = row_order(keys, np.array([1, 2], dtype=np.int64), "d")
    assert order is not None and list(order) == [1, 0] and list(starts) == [0, 1]


def test_disorder_just_before_the_next_series_is_sorted() -> None:
    # series a: dates 1, 3, 2 (the last two swapped); series b starts at a later date, so
    # every neighbouring pair rises except the one right before b's first row
    keys = series_keys(pd.Series(["a", "a", "a", "b", "b", "b"]))
    order, starts = row_order(keys, np.array([1, 3, 2, 4, 5, 6], dtype=np.int64), "d")
    assert order is not None and list(order) == [0, 2, 1, 3, 4, 5]
    assert list(starts) == [0, 3]
