"""Bad input is a ValueError naming the argument and the position."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from oversight.stats.spc import spc, spc_many


def test_nan_value_names_its_position() -> None:
    with pytest.raises(ValueError, match=r"values: position 2"):
        spc([1.0, 2.0, math.nan, 4.0])


def test_duplicate_dates_are_rejected() -> None:
    with pytest.raises(ValueError, match=r"dates: positions 0 and 2 share the date"):
        spc([1, 2, 3], ["2024-01-01", "2024-02-01", "2024-01-01"])


def test_empty_series_is_rejected() -> None:
    with pytest.raises(ValueError, match="empty"):
        spc([])


@pytest.mark.parametrize("k", [11, 0, -1, True, "12"])
def test_fix_after_n_points_must_be_at_least_12(k: object) -> None:
    with pytest.raises(ValueError, match="fix_after_n_points"):
        spc(list(range(20)), fix_after_n_points=k)  # type: ignore[arg-type]


def test_improvement_must_be_one_of_three() -> None:
    with pytest.raises(ValueError, match="improvement"):
        spc([1, 2, 3], improvement="up")


def test_target_must_be_finite() -> None:
    with pytest.raises(ValueError, match="target"):
        spc([1, 2, 3], target=math.nan)


def test_spc_many_names_the_series_and_row() -> None:
    t = pd.DataFrame(
        {
            "s": ["a", "a", "b"],
            "d": pd.to_datetime(["2024-01-01", "2024-02-01"] * 1 + ["2024-01-01"]),
            "v": [1.0, math.nan, 2.0],
        },
        index=[10, 11, 12],
    )
    with pytest.raises(ValueError, match=r"v: row 11 \(series 'a'\)"):
        spc_many(t, by="s", date="d", value="v")
    dup = t.assign(v=[1.0, 2.0, 3.0], d=pd.to_datetime(["2024-01-01"] * 3))
    with pytest.raises(ValueError, match=r"series 'a' has the date"):
        spc_many(dup, by="s", date="d", value="v")
    with pytest.raises(ValueError, match="target: keys not found"):
        spc_many(t.assign(v=1.0), by="s", date="d", value="v", target={"zz": 1.0})
    with pytest.raises(ValueError, match="column 'nope'"):
        spc_many(t, by="nope", date="d", value="v")
