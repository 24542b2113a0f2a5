"""spc_many is identical to spc run on each series (ties, flat series, rebases, targets)."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from oversight.stats.spc import spc, spc_many

START = pd.Timestamp("2022-01-01")


@st.composite
def tables(draw: st.DrawFn) -> tuple[pd.DataFrame, dict[str, Any]]:
    n_series = draw(st.integers(1, 5))
    rows = []
    for s in range(n_series):
        n = draw(st.integers(1, 30))
        kind = draw(st.sampled_from(["ties", "flat", "decimal"]))
        if kind == "flat":
            values = [2.5] * n
        elif kind == "ties":
            values = draw(st.lists(st.integers(0, 4), min_size=n, max_size=n))
        else:
            values = draw(st.lists(st.integers(-30, 30), min_size=n, max_size=n))
            values = [v / 10 for v in values]
        offsets = draw(st.permutations(range(n)))  # shuffled row order: spc_many must sort
        rows += [(f"s{s}", START + pd.Timedelta(days=d), float(values[d])) for d in offsets]
    table = pd.DataFrame(rows, columns=["series", "date", "value"])
    if draw(st.booleans()):  # the fast path for tables already sorted by series and date
        table = table.sort_values(["series", "date"], ignore_index=True)
    keys = sorted(table["series"].unique())
    options: dict[str, Any] = {
        "improvement": draw(st.sampled_from(["increase", "decrease", "neutral"])),
        "screen_outliers": draw(st.booleans()),
        "fix_after_n_points": draw(st.sampled_from([None, 12, 15])),
    }
    target = draw(st.sampled_from(["none", "scalar", "mapping"]))
    if target == "scalar":
        options["target"] = draw(st.sampled_from([0.0, 1.5, 2.5, 10.0]))
    elif target == "mapping":
        options["target"] = {k: draw(st.sampled_from([0.0, 2.0, 2.5])) for k in keys}
    rebase = draw(st.sampled_from(["none", "list", "mapping"]))
    day = st.integers(0, 32).map(lambda d: START + pd.Timedelta(days=d))
    if rebase == "list":
        options["rebase"] = draw(st.lists(day, max_size=3))
    elif rebase == "mapping":
        options["rebase"] = {k: draw(st.lists(day, max_size=2)) for k in keys}
    return table, options


def per_series(options: dict[str, Any], key: str) -> dict[str, Any]:
    out = dict(options)
    for name in ("target", "rebase"):
        if isinstance(out.get(name), dict):
            out[name] = out[name][key]
    return out


@settings(max_examples=100, deadline=None)
@given(tables())
def test_spc_many_equals_spc_per_series(case: tuple[pd.DataFrame, dict[str, Any]]) -> None:
    table, options = case
    many = spc_many(table, by="series", date="date", value="value", **options)
    assert list(many.summary.index) == sorted(table["series"].unique())
    for key, rows in table.groupby("series"):
        one = spc(rows["value"].to_numpy(), rows["date"].to_numpy(), **per_series(options, key))
        got = many.points[many.points["f"] == key].drop(columns="f").reset_index(drop=True)
        pd.testing.assert_frame_equal(got, one.points.drop(columns="f"))
        row = many.summary.loc[key]
        assert row["variation_icon"] == one.variation_icon
        assert row["variation_type"] == one.variation_type
        assert row["assurance_icon"] == one.assurance_icon
        assert list(row["warnings"]) == one.warnings
        assert row["n_points"] == len(rows)


def test_points_are_ordered_by_series_then_date() -> None:
    t = pd.DataFrame(
        {
            "series": ["b", "a", "b", "a"],
            "date": pd.to_datetime(["2024-02-01", "2024-02-01", "2024-01-01", "2024-01-01"]),
            "value": [4.0, 2.0, 3.0, 1.0],
        }
    )
    p = spc_many(t, by="series", date="date", value="value").points
    assert list(p["f"]) == ["a", "a", "b", "b"] and list(p["y"]) == [1.0, 2.0, 3.0, 4.0]


def test_series_missing_from_a_target_mapping_is_inconsistent_like_the_reference() -> None:
    t = pd.DataFrame(
        {
            "series": ["a"] * 14 + ["b"] * 14,
            "date": list(pd.date_range("2024-01-01", periods=14, freq="D")) * 2,
            "value": [1.0, 2.0] * 14,
        }
    )
    s = spc_many(t, by="series", date="date", value="value", target={"a": 100.0}).summary
    assert s.loc["a", "assurance_type"] == "consistent_fail"
    assert s.loc["b", "assurance_type"] == "inconsistent"
    assert np.isnan(
        spc_many(t, by="series", date="date", value="value", target={"a": 1.0}).points.loc[
            lambda p: p["f"] == "b", "target"
        ]
    ).all()


@pytest.mark.parametrize("improvement", ["increase", "neutral"])
def test_one_series_table_matches_spc(improvement: str) -> None:
    dates = pd.date_range("2024-01-01", periods=20, freq="MS")
    values = [5, 6, 5, 7, 9, 4, 5, 6, 6, 6, 5, 8, 2, 5, 6, 5, 7, 9, 4, 5]
    t = pd.DataFrame({"k": 1, "d": dates, "v": values})
    many = spc_many(t, by="k", date="d", value="v", improvement=improvement)
    one = spc(values, dates, improvement=improvement)
    pd.testing.assert_frame_equal(many.points.drop(columns="f"), one.points.drop(columns="f"))
