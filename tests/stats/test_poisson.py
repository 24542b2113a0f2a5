"""Poisson count limits (stats._poisson): Byar's formulas as written, exact limits at 0."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oversight.stats._poisson import (
    EXACT_BELOW,
    byars_lower,
    byars_upper,
    count_limits,
    exact_lower,
    exact_upper,
)

Z95 = 1.959963984540054


def _byar_lower(x: float, z: float = Z95) -> float:
    return x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3


def _byar_upper(x: float, z: float = Z95) -> float:
    return (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3


def test_byar_limits_follow_the_formula_even_below_one_event() -> None:
    x = np.array([1.0, 2.0, 10.0, 250.0])
    assert byars_lower(x, 0.95) == pytest.approx([_byar_lower(v) for v in x], rel=1e-12)
    assert byars_upper(x, 0.95) == pytest.approx([_byar_upper(v) for v in x], rel=1e-12)
    assert 0 < byars_lower(np.array([1.0]), 0.95)[0] < 1  # small but positive: kept


def test_a_negative_byar_lower_limit_becomes_nan() -> None:
    assert _byar_lower(0.5) < 0
    out = byars_lower(np.array([0.5, 4.0]), 0.95)
    assert math.isnan(out[0]) and out[1] == pytest.approx(_byar_lower(4.0))


def test_exact_limits_at_zero_and_one_event() -> None:
    x = np.array([0.0, 1.0])
    lower = exact_lower(x, 0.95)
    assert lower[0] == 0.0
    assert lower[1] == pytest.approx(0.025317807984290, rel=1e-9)  # -ln(0.975)
    upper = exact_upper(x, 0.95)
    assert upper[0] == pytest.approx(-math.log(0.025), rel=1e-12)  # 3.689
    assert upper[1] == pytest.approx(5.571643390938, rel=1e-9)


def test_count_limits_switch_to_byar_at_ten_events() -> None:
    assert EXACT_BELOW == 10
    x = np.array([9.0, 10.0])
    lower, upper, exact = count_limits(x, 0.95)
    assert list(exact) == [True, False]
    assert lower[0] == pytest.approx(exact_lower(np.array([9.0]), 0.95)[0])
    assert lower[1] == pytest.approx(_byar_lower(10.0)) and upper[1] == pytest.approx(
        _byar_upper(10.0)
    )
