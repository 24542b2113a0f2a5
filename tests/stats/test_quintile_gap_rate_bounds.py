"""The quintile gap for rates: both ends of each interval, and a quintile with a single event."""

from __future__ import annotations

import math
from statistics import NormalDist

import pytest

from oversight.stats.inequality import quintile_gap

Z95 = NormalDist().inv_cdf(0.975)


def test_rate_gap_interval_is_symmetric_about_the_gap() -> None:
    # r1 = 50/10000 = 0.005, r5 = 20/12000; var = 50/10000^2 + 20/12000^2 (Poisson counts)
    out = quintile_gap([1, 5], [50.0, 20.0], [10000.0, 12000.0], kind="rate", multiplier=1e5)
    gap = (50 / 10000 - 20 / 12000) * 1e5
    half = Z95 * math.sqrt(50 / 10000**2 + 20 / 12000**2) * 1e5
    assert out["q1_value"][0] == pytest.approx(500.0, rel=1e-12)  # per 100,000
    assert out["q5_value"][0] == pytest.approx(500 / 3, rel=1e-12)
    assert out["absolute_gap"][0] == pytest.approx(1000 / 3, rel=1e-12)
    assert out["absolute_lowercl"][0] == pytest.approx(gap - half, rel=1e-9)
    assert out["absolute_uppercl"][0] == pytest.approx(gap + half, rel=1e-9)
    assert out["absolute_uppercl"][0] == pytest.approx(490.0, abs=0.1)  # 333.3 + 156.7
    assert out.attrs == {"confidence": (0.95,), "kind": "rate"}


def test_one_event_in_a_quintile_still_gives_ratio_bounds() -> None:
    # x1 = 1, x5 = 4 per 100: ratio 0.25, se = sqrt(1/1 + 1/4) on the log scale
    out = quintile_gap([1, 5], [1.0, 4.0], [100.0, 100.0], kind="rate")
    se = math.sqrt(1.25)
    assert out["relative_gap"][0] == pytest.approx(0.25, rel=1e-12)
    assert out["relative_lowercl"][0] == pytest.approx(0.25 * math.exp(-Z95 * se), rel=1e-9)
    assert out["relative_uppercl"][0] == pytest.approx(0.25 * math.exp(Z95 * se), rel=1e-9)


def test_one_event_in_a_quintile_of_proportions_still_gives_ratio_bounds() -> None:
    # Katz: se = sqrt(1/x1 - 1/n1 + 1/x5 - 1/n5) = sqrt(1 - 1/100 + 1/4 - 1/100)
    out = quintile_gap([1, 5], [1.0, 4.0], [100.0, 100.0], kind="proportion")
    se = math.sqrt(1 - 0.01 + 0.25 - 0.01)
    assert out["relative_lowercl"][0] == pytest.approx(0.25 * math.exp(-Z95 * se), rel=1e-9)
    assert out["relative_uppercl"][0] == pytest.approx(0.25 * math.exp(Z95 * se), rel=1e-9)
