"""Standardised rates and ratios (stats.standardisation): refused inputs, named by argument
and index, and the suppression edge at ten events."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oversight.stats.standardisation import dsr, isr_rate, isr_ratio

X4, N4, W4 = [3, 4, 2, 1], [100, 200, 150, 50], [1, 2, 2, 1]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"x": [[[1, 2, 3, 4]]], "n": N4, "standard_population": W4}, "x: expected 1-D"),
        ({"x": X4, "n": N4[:3], "standard_population": W4}, "n: shape"),
        ({"x": [3, -1, 2, 1], "n": N4, "standard_population": W4}, "x: negative value at index"),
        ({"x": X4, "n": [100, 0, 150, 50], "standard_population": W4}, "n: value must be greater"),
        ({"x": X4, "n": N4, "standard_population": [1, 2, 2]}, "3 bands, expected 4"),
        (
            {"x": X4, "n": N4, "standard_population": [[1, 2, 2, 1]] * 2},
            "standard_population: shape",
        ),
        ({"x": X4, "n": N4, "standard_population": [1, -2, 2, 1]}, "standard_population: negative"),
        ({"x": X4, "n": N4, "standard_population": [0, 0, 0, 0]}, r"standard_population \(total\)"),
    ],
)
def test_dsr_refuses(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        dsr(**kwargs)


@pytest.mark.parametrize(("counts", "shown"), [([3, 3, 2, 1], False), ([3, 4, 2, 1], True)])
def test_dsr_is_shown_from_ten_events(counts: list[int], shown: bool) -> None:
    out = dsr(counts, N4, W4)
    assert out["total_count"][0] == sum(counts)
    assert (not math.isnan(out["value"][0])) is shown
    assert (not math.isnan(out["lowercl"][0])) is shown
    assert out["statistic"][0] == ("dsr per 100000" if shown else "dsr NA for total count < 10")


def test_dsr_for_several_groups_at_once() -> None:
    out = dsr([X4, [10, 20, 30, 40]], [N4, N4], W4, multiplier=1000)
    assert len(out) == 2
    alone = dsr([10, 20, 30, 40], N4, W4, multiplier=1000)
    assert out["value"][1] == pytest.approx(alone["value"][0], rel=1e-12)
    assert out["total_pop"].tolist() == [500.0, 500.0]


REF_X, REF_N = [10, 20, 30, 40], [1000, 1000, 1000, 1000]


@pytest.mark.parametrize("fn", [isr_ratio, isr_rate])
@pytest.mark.parametrize(
    ("args", "message"),
    [
        (([3, -1, 2, 1], N4, REF_X, REF_N), "x: negative value at index"),
        ((X4, [100, -5, 150, 50], REF_X, REF_N), "n: negative value at index"),
        ((X4, N4, [10, -1, 30, 40], REF_N), "x_ref: negative value at index"),
        ((X4, N4, REF_X, [1000, 0, 1000, 1000]), "n_ref: value must be greater"),
        ((X4, [0, 0, 0, 0], REF_X, REF_N), "expected: value must be greater"),
        ((X4, N4[:3], REF_X, REF_N), "n: shape"),
        ((X4, N4, REF_X[:3], REF_N), "x_ref: 3 bands, expected 4"),
    ],
)
def test_isr_refuses(fn, args: tuple, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        fn(*args)


def test_isr_method_switches_at_ten_observed() -> None:
    out = isr_ratio([X4, [3, 4, 2, 0]], [N4, N4], REF_X, REF_N)
    assert out["observed"].tolist() == [10.0, 9.0]
    assert out["method"].tolist() == ["Byars", "Exact"]
    expected = np.array([100, 200, 150, 50]) * np.array(REF_X) / 1000
    assert out["expected"][0] == pytest.approx(expected.sum(), rel=1e-12)
    assert out["value"][0] == pytest.approx(10 / expected.sum(), rel=1e-12)
