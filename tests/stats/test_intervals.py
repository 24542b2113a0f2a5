"""Worked examples for proportion, rate, mean, DSR and ISR intervals.

Expected values are computed here from the published closed forms with the
``math`` module, never by calling the code under test.
"""

from __future__ import annotations

import math
from statistics import NormalDist

import numpy as np
import pytest

from oversight.stats.intervals import mean_ci, proportion_ci, rate_ci
from oversight.stats.standardisation import ESP2013, dsr, isr_rate, isr_ratio

Z95 = NormalDist().inv_cdf(0.975)
Z998 = NormalDist().inv_cdf(0.999)


def wilson(x: float, n: float, z: float) -> tuple[float, float]:
    root = z * math.sqrt(z * z + 4 * x * (1 - x / n))
    return (2 * x + z * z - root) / (2 * (n + z * z)), (2 * x + z * z + root) / (2 * (n + z * z))


def byar(x: float, z: float) -> tuple[float, float]:
    lo = x * (1 - 1 / (9 * x) - z / (3 * math.sqrt(x))) ** 3
    up = (x + 1) * (1 - 1 / (9 * (x + 1)) + z / (3 * math.sqrt(x + 1))) ** 3
    return lo, up


def poisson_tail_at_least(k: int, lam: float) -> float:
    return 1 - sum(math.exp(-lam) * lam**i / math.factorial(i) for i in range(k))


def poisson_cdf(k: int, lam: float) -> float:
    return sum(math.exp(-lam) * lam**i / math.factorial(i) for i in range(k + 1))


def test_wilson_worked_example_matches_formula() -> None:
    out = proportion_ci([37], [120])
    lo, up = wilson(37, 120, Z95)
    assert out["value"][0] == pytest.approx(37 / 120, rel=1e-12)
    assert out["lowercl"][0] == pytest.approx(lo, rel=1e-12)
    assert out["uppercl"][0] == pytest.approx(up, rel=1e-12)
    assert out.attrs["method"] == "Wilson"


def test_wilson_at_zero_and_all_is_exact() -> None:
    out = proportion_ci([0, 25], [25, 25], multiplier=100)
    assert out["lowercl"][0] == 0.0
    assert out["uppercl"][1] == 100.0
    assert out["uppercl"][0] == pytest.approx(100 * wilson(0, 25, Z95)[1], rel=1e-12)
    assert out.attrs["statistic"] == "percentage"


def test_confidence_one_gives_zero_and_multiplier() -> None:
    out = proportion_ci([3, 7], [10, 10], confidence=100, multiplier=100)
    assert list(out["lowercl"]) == [0.0, 0.0]
    assert list(out["uppercl"]) == [100.0, 100.0]


def test_two_levels_give_four_named_columns() -> None:
    out = proportion_ci([5], [50], confidence=[0.95, 0.998])
    assert list(out.columns) == [
        "value",
        "lower95_0cl",
        "upper95_0cl",
        "lower99_8cl",
        "upper99_8cl",
    ]
    assert out["lower99_8cl"][0] == pytest.approx(wilson(5, 50, Z998)[0], rel=1e-12)


# (95, 99.8): R/Proportions.R tests confidence[1] == 0.95 & confidence[2] == 0.998 unscaled
@pytest.mark.parametrize("confidence", [0.8, 50, 101, (0.9, 0.95), (0.95, 0.99, 0.998), (95, 99.8)])
def test_bad_confidence_is_rejected(confidence: object) -> None:
    with pytest.raises(ValueError, match="confidence"):
        proportion_ci([1], [2], confidence=confidence)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("x", "n", "message"),
    [
        ([1, -1], [5, 5], r"x: negative value at index 1"),
        ([1, 6], [5, 5], r"x: numerator above denominator at index 1"),
        ([1, 2], [5, 0], r"n: value must be greater than zero at index 1"),
        ([1, float("nan")], [5, 5], r"x: missing \(NaN\) value at index 1"),
        ([1, 2, 3], [5, 5], r"n: shape"),
    ],
)
def test_bad_proportion_input_names_argument_and_index(x: list, n: list, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        proportion_ci(x, n)


def test_rate_switches_from_exact_to_byar_at_ten() -> None:
    out = rate_ci([9, 10], [2000, 2000], multiplier=1000)
    assert list(out["method"]) == ["Exact", "Byars"]
    lo9, up9 = out["lowercl"][0] * 2000 / 1000, out["uppercl"][0] * 2000 / 1000
    # exact Poisson limits: P(X >= 9 | lo) = 0.025 and P(X <= 9 | up) = 0.025
    assert poisson_tail_at_least(9, lo9) == pytest.approx(0.025, rel=1e-9)
    assert poisson_cdf(9, up9) == pytest.approx(0.025, rel=1e-9)
    lo10, up10 = byar(10, Z95)
    assert out["lowercl"][1] == pytest.approx(lo10 / 2000 * 1000, rel=1e-12)
    assert out["uppercl"][1] == pytest.approx(up10 / 2000 * 1000, rel=1e-12)
    assert out["value"][1] == pytest.approx(5.0, rel=1e-12)


def test_rate_zero_events() -> None:
    out = rate_ci([0], [500])
    assert out["lowercl"][0] == 0.0
    # chi-square with 2 df: upper = -ln(alpha/2)
    assert out["uppercl"][0] == pytest.approx(-math.log(0.025) / 500 * 100000, rel=1e-10)


def test_mean_from_values_and_from_summaries_agree() -> None:
    data = [4.0, 7.0, 5.5, 6.0, 9.5, 3.0]
    out = mean_ci(data)
    mean = sum(data) / len(data)
    sd = math.sqrt(sum((d - mean) ** 2 for d in data) / (len(data) - 1))
    t_975_5df = 2.5705818366147395  # Student t quantile, 5 df (tables)
    assert out["value"][0] == pytest.approx(mean, rel=1e-12)
    assert out["lowercl"][0] == pytest.approx(mean - t_975_5df * sd / math.sqrt(6), rel=1e-9)
    again = mean_ci(total=[sum(data)], count=[6], sd=[sd])
    assert again["uppercl"][0] == pytest.approx(out["uppercl"][0], rel=1e-12)


def test_mean_rejects_single_observation_count() -> None:
    with pytest.raises(ValueError, match="count: at least 2 observations needed at index 1"):
        mean_ci(total=[10, 3], count=[4, 1], sd=[1, 1])


def test_esp2013_has_19_bands_summing_to_100000() -> None:
    assert len(ESP2013) == 19
    assert sum(ESP2013) == 100000


def test_dsr_dobson_worked_example() -> None:
    x = [3, 5, 8, 12, 20]
    n = [1000, 1500, 1200, 900, 600]
    w = [20000, 25000, 25000, 20000, 10000]
    out = dsr(x, n, w, multiplier=100000)
    wsum = sum(w)
    value = sum(xi * wi / ni for xi, ni, wi in zip(x, n, w, strict=True)) / wsum * 100000
    var = sum(xi * (wi / ni) ** 2 for xi, ni, wi in zip(x, n, w, strict=True)) / wsum**2
    total = sum(x)
    lo_o, up_o = byar(total, Z95)
    assert out["value"][0] == pytest.approx(value, rel=1e-12)
    assert out["lowercl"][0] == pytest.approx(
        value + math.sqrt(var / total) * (lo_o - total) * 100000, rel=1e-12
    )
    assert out["uppercl"][0] == pytest.approx(
        value + math.sqrt(var / total) * (up_o - total) * 100000, rel=1e-12
    )
    assert out["total_count"][0] == total


def test_dsr_suppressed_below_ten_and_missing_counts_as_zero() -> None:
    x = np.array([[2.0, np.nan, 3.0, 4.0], [2.0, 1.0, 3.0, 4.0]])
    n = np.full((2, 4), 1000.0)
    out = dsr(x, n, [1, 1, 1, 1])
    assert out["total_count"].tolist() == [9.0, 10.0]
    assert np.isnan(out["value"][0]) and np.isnan(out["lowercl"][0])
    assert out["statistic"][0] == "dsr NA for total count < 10"
    assert out["value"][1] == pytest.approx(10 / 4 / 1000 * 100000, rel=1e-12)


def test_dsr_rejects_wrong_band_count() -> None:
    with pytest.raises(ValueError, match="standard_population: 19 bands, expected 4"):
        dsr([10, 10, 10, 10], [100, 100, 100, 100])


def test_isr_ratio_and_rate_worked_example() -> None:
    x = [[4, 3, 1], [30, 20, 15]]
    n = [[1000, 800, 500], [4000, 3000, 2000]]
    x_ref, n_ref = [50, 60, 40], [20000, 15000, 8000]
    ratio = isr_ratio(x, n, x_ref, n_ref, refvalue=100)
    e = [sum(ni * xr / nr for ni, xr, nr in zip(row, x_ref, n_ref, strict=True)) for row in n]
    assert ratio["expected"].tolist() == pytest.approx(e, rel=1e-12)
    assert ratio["value"][0] == pytest.approx(8 / e[0] * 100, rel=1e-12)
    assert list(ratio["method"]) == ["Exact", "Byars"]
    lo65, up65 = byar(65, Z95)
    assert ratio["lowercl"][1] == pytest.approx(lo65 / e[1] * 100, rel=1e-12)
    assert ratio["uppercl"][1] == pytest.approx(up65 / e[1] * 100, rel=1e-12)
    lo8 = ratio["lowercl"][0] / 100 * e[0]
    assert poisson_tail_at_least(8, lo8) == pytest.approx(0.025, rel=1e-9)
    rate = isr_rate(x, n, x_ref, n_ref)
    ref_rate = sum(x_ref) / sum(n_ref)
    assert rate["value"][1] == pytest.approx(65 / e[1] * ref_rate * 100000, rel=1e-12)
    assert rate["uppercl"][1] == pytest.approx(up65 / e[1] * ref_rate * 100000, rel=1e-12)
    assert rate["ref_rate"][1] == pytest.approx(ref_rate * 100000, rel=1e-12)


def test_isr_missing_population_and_reference_count_count_as_zero() -> None:
    # R/ISRatio.R and R/ISRate.R: exp_x = na.zero(x_ref)/n_ref * na.zero(n); the reference
    # rate is sum(x_ref, na.rm = TRUE)/sum(n_ref).
    x = [4.0, 3.0, 9.0]
    n = [1000.0, np.nan, 500.0]
    x_ref, n_ref = [50.0, np.nan, 40.0], [20000.0, 15000.0, 8000.0]
    e = 1000 * 50 / 20000 + 500 * 40 / 8000
    ratio = isr_ratio(x, n, x_ref, n_ref)
    assert ratio["expected"][0] == pytest.approx(e, rel=1e-12)
    assert ratio["value"][0] == pytest.approx(16 / e, rel=1e-12)
    rate = isr_rate(x, n, x_ref, n_ref, multiplier=1000)
    assert rate["ref_rate"][0] == pytest.approx(90 / 43000 * 1000, rel=1e-12)
    assert rate["value"][0] == pytest.approx(16 / e * 90 / 43000 * 1000, rel=1e-12)


def test_dsr_accepts_a_zero_standard_population_weight() -> None:
    # R/DSR.R calculate_dsr only rejects stdpop < 0; a zero weight drops the band's rate
    x, n, w = [5.0, 7.0, 9.0], [1000.0, 2000.0, 3000.0], [0.0, 1.0, 3.0]
    out = dsr(x, n, w)
    assert out["value"][0] == pytest.approx((7 / 2000 + 3 * 9 / 3000) / 4 * 100000, rel=1e-12)
    assert out["total_count"][0] == 21.0
