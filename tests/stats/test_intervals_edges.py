"""Intervals (stats.intervals) past the worked examples: long inputs split into blocks, labels,
every refused mean input, and both exactness rules of the Wilson bounds."""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from oversight.stats.intervals import mean_ci, proportion_ci, rate_ci

Z95 = NormalDist().inv_cdf(0.975)


def _wilson(x: float, n: float) -> tuple[float, float]:
    z2 = Z95 * Z95
    root = Z95 * math.sqrt(z2 + 4 * x * (1 - x / n))
    return (2 * x + z2 - root) / (2 * (n + z2)), (2 * x + z2 + root) / (2 * (n + z2))


def test_a_long_input_split_into_blocks_gives_every_row_its_own_bounds() -> None:
    rows = 200_003  # more than two blocks of 65,536, with a short last one
    rng = np.random.default_rng(0)
    n = rng.integers(1, 1000, rows).astype(float)
    x = np.floor(n * rng.random(rows))
    x[-1], n[-1] = 7.0, 7.0  # the last row has x = n
    out = proportion_ci(x, n, multiplier=100)
    for i in (0, 65_535, 65_536, 131_072, 199_999, rows - 2):
        lo, hi = _wilson(x[i], n[i])
        assert out["lowercl"][i] == pytest.approx(100 * lo, rel=1e-9, abs=1e-12), i
        assert out["uppercl"][i] == pytest.approx(100 * hi, rel=1e-9), i
    assert out["uppercl"][rows - 1] == 100.0


def test_x_equal_to_n_has_an_upper_bound_of_exactly_the_multiplier() -> None:
    out = proportion_ci([5, 4], [5, 5], multiplier=1000)
    assert out["uppercl"][0] == 1000.0
    assert out["uppercl"][1] < 1000.0


@pytest.mark.parametrize(
    ("fn", "mult", "label"),
    [
        (proportion_ci, 100, "percentage"),
        (proportion_ci, 1, "proportion of 1"),
        (proportion_ci, 1000, "proportion of 1000"),
        (rate_ci, 1000, "rate per 1000"),
    ],
)
def test_the_statistic_label(fn, mult: float, label: str) -> None:
    assert fn([1], [10], multiplier=mult).attrs["statistic"] == label


def test_a_proportion_above_its_denominator_is_refused() -> None:
    proportion_ci([3], [3])
    with pytest.raises(ValueError, match="x: numerator above denominator at index 1"):
        proportion_ci([3, 4], [3, 3])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1.0, 2.0], "total": [3.0]}, "values: give values, or total/count/sd"),
        ({"values": [1.0, 2.0], "count": [2]}, "values: give values, or total/count/sd"),
        ({"values": [1.0, 2.0], "sd": [1.0]}, "values: give values, or total/count/sd"),
        ({"values": [1.0]}, "at least 2 observations"),
        ({"total": [3.0], "count": [2]}, "total: give values, or all of"),
        ({"total": [3.0], "sd": [1.0]}, "total: give values, or all of"),
        ({"count": [2], "sd": [1.0]}, "total: give values, or all of"),
        ({"total": [3.0, 4.0], "count": [2], "sd": [1.0, 1.0]}, "count: shape"),
        ({"total": [3.0], "count": [2], "sd": [-1.0]}, "sd: negative value"),
    ],
)
def test_mean_refuses(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        mean_ci(**kwargs)


def test_mean_of_two_values_and_of_summaries_with_two_levels() -> None:
    out = mean_ci([1.0, 3.0], confidence=(0.95, 0.998))
    t_1df = 12.706204736174704  # Student t 0.975 quantile, 1 df
    assert out["value"][0] == 2.0 and out["stdev"][0] == pytest.approx(math.sqrt(2))
    assert out["lower95_0cl"][0] == pytest.approx(2 - t_1df * math.sqrt(2) / math.sqrt(2))
    assert out["upper99_8cl"][0] > out["upper95_0cl"][0]
    many = mean_ci(total=[10.0, 9.0], count=[2, 3], sd=[1.0, 0.0])
    assert many["value"].tolist() == [5.0, 3.0]
    assert many["lowercl"][1] == many["uppercl"][1] == 3.0


def test_the_value_carries_the_multiplier() -> None:
    assert proportion_ci([1], [4], multiplier=100)["value"][0] == 25.0
    assert rate_ci([3], [1500], multiplier=1000)["value"][0] == 2.0


@pytest.mark.parametrize(
    ("x", "n", "message"),
    [
        ([1, 2], [10], "n: shape"),
        ([1, -2], [10, 10], "x: negative value at index 1"),
        ([1, 2], [10, 0], "n: value must be greater than zero at index 1"),
    ],
)
def test_rate_refuses(x: list, n: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        rate_ci(x, n)
