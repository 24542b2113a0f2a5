"""Worked examples for the SII/RII and the quintile gap, expected values by hand."""

from __future__ import annotations

import math
from statistics import NormalDist
from typing import Any

import numpy as np
import pandas as pd
import pytest

from oversight.stats.inequality import _order_stat, quintile_gap, sii

Z95 = NormalDist().inv_cdf(0.975)

QUINTILE_VALUES = [30.0, 26.0, 24.5, 21.0, 18.0]
QUINTILE_POP = [12000.0, 9000.0, 10000.0, 11000.0, 8000.0]
QUINTILE_SE = [1.2, 1.0, 0.9, 1.1, 1.3]

DECILE_RATES = [820.0, 760.0, 700.0, 690.0, 610.0, 590.0, 560.0, 520.0, 480.0, 450.0]
DECILE_POP = [5100.0, 4800.0, 5300.0, 4950.0, 5020.0, 5400.0, 4700.0, 5150.0, 4890.0, 5000.0]


def wls_by_hand(y: list[float], pop: list[float]) -> tuple[float, float, list[float], list[float]]:
    """Closed-form normal equations for y·√a = β0·√a + β1·b·√a."""
    total = sum(pop)
    a = [p / total for p in pop]
    b, cum = [], 0.0
    for share in a:
        b.append(cum + share / 2)
        cum += share
    s11 = sum(a)
    s12 = sum(ai * bi for ai, bi in zip(a, b, strict=True))
    s22 = sum(ai * bi * bi for ai, bi in zip(a, b, strict=True))
    t1 = sum(ai * yi for ai, yi in zip(a, y, strict=True))
    t2 = sum(ai * bi * yi for ai, bi, yi in zip(a, b, y, strict=True))
    beta1 = (s11 * t2 - s12 * t1) / (s11 * s22 - s12 * s12)
    beta0 = (t1 - s12 * beta1) / s11
    return beta0, beta1, a, b


def test_quintile_sii_rii_intercept_exact() -> None:
    out = sii(QUINTILE_VALUES, QUINTILE_POP, se=QUINTILE_SE, rii=True, repetitions=1000, seed=1)
    beta0, beta1, _, _ = wls_by_hand(QUINTILE_VALUES, QUINTILE_POP)
    assert out["sii"][0] == pytest.approx(beta1, rel=1e-12)
    assert out["intercept"][0] == pytest.approx(beta0, rel=1e-12)
    assert out["rii"][0] == pytest.approx((beta0 + beta1) / beta0, rel=1e-12)
    assert list(out.columns) == [
        "sii", "sii_lower95_0cl", "sii_upper95_0cl",
        "rii", "rii_lower95_0cl", "rii_upper95_0cl", "intercept",
    ]  # fmt: skip


def test_negative_multiplier_flips_sii_and_inverts_rii() -> None:
    out = sii(QUINTILE_VALUES, QUINTILE_POP, se=QUINTILE_SE, rii=True, multiplier=-100, seed=2,
              repetitions=2000)  # fmt: skip
    beta0, beta1, _, _ = wls_by_hand(QUINTILE_VALUES, QUINTILE_POP)
    assert out["sii"][0] == pytest.approx(-100 * beta1, rel=1e-12)
    assert out["rii"][0] == pytest.approx(beta0 / (beta0 + beta1), rel=1e-12)
    assert out["sii_lower95_0cl"][0] < out["sii"][0] < out["sii_upper95_0cl"][0]


def test_decile_rates_with_log_transform() -> None:
    lower = [r * math.exp(-Z95 * 0.05) for r in DECILE_RATES]
    upper = [r * math.exp(Z95 * 0.05) for r in DECILE_RATES]
    out = sii(DECILE_RATES, DECILE_POP, lower=lower, upper=upper, value_type=1, transform=True,
              rii=True, seed=3, repetitions=20000)  # fmt: skip
    beta0, beta1, _, _ = wls_by_hand([math.log(r) for r in DECILE_RATES], DECILE_POP)
    assert out["sii"][0] == pytest.approx(math.exp(beta0 + beta1) - math.exp(beta0), rel=1e-10)
    assert out["rii"][0] == pytest.approx(math.exp(beta1), rel=1e-10)
    assert out["intercept"][0] == pytest.approx(math.exp(beta0), rel=1e-10)
    assert "sii_lower95_0" in out.columns  # no "cl" suffix when transform=True
    # symmetric around the link-scale midpoint: recover the simulated slope from the
    # SII bound, then the RII bound must be exp(slope)
    half = beta0 + beta1 / 2
    for bound in ("lower", "upper"):
        slope = 2 * math.asinh(out[f"sii_{bound}95_0"][0] / (2 * math.exp(half)))
        assert out[f"rii_{bound}95_0"][0] == pytest.approx(math.exp(slope), rel=1e-9)


def test_decile_untransformed_sii_matches_hand_fit() -> None:
    lower = [r - 40 for r in DECILE_RATES]
    upper = [r + 44 for r in DECILE_RATES]
    out = sii(DECILE_RATES, DECILE_POP, lower=lower, upper=upper, value_type=1, seed=4,
              repetitions=1000)  # fmt: skip
    beta0, beta1, _, _ = wls_by_hand(DECILE_RATES, DECILE_POP)
    assert out["sii"][0] == pytest.approx(beta1, rel=1e-10)
    assert out["intercept"][0] == pytest.approx(beta0, rel=1e-10)


def test_monte_carlo_interval_matches_analytic_normal_interval() -> None:
    # value_type 0: the slope is linear in the draws, so it is exactly normal with
    # var = sum(c_j^2 se_j^2), c = the slope row of the WLS solution
    _, beta1, a, b = wls_by_hand(QUINTILE_VALUES, QUINTILE_POP)
    s11, s12 = sum(a), sum(ai * bi for ai, bi in zip(a, b, strict=True))
    s22 = sum(ai * bi * bi for ai, bi in zip(a, b, strict=True))
    det = s11 * s22 - s12 * s12
    coef = [(s11 * ai * bi - s12 * ai) / det for ai, bi in zip(a, b, strict=True)]
    sd = math.sqrt(sum((c * s) ** 2 for c, s in zip(coef, QUINTILE_SE, strict=True)))
    out = sii(QUINTILE_VALUES, QUINTILE_POP, se=QUINTILE_SE, repetitions=400_000, seed=11)
    width = 2 * Z95 * sd
    assert abs(out["sii_lower95_0cl"][0] - (beta1 - Z95 * sd)) < 0.02 * width
    assert abs(out["sii_upper95_0cl"][0] - (beta1 + Z95 * sd)) < 0.02 * width


def test_small_run_agrees_with_large_run_within_two_percent_of_width() -> None:
    conf = (0.95, 0.998)
    se = QUINTILE_SE
    small = sii(QUINTILE_VALUES, QUINTILE_POP, se=se, confidence=conf, repetitions=100_000, seed=5)
    large = sii(QUINTILE_VALUES, QUINTILE_POP, se=se, confidence=conf, repetitions=10**6, seed=6)
    width = large["sii_upper95_0cl"][0] - large["sii_lower95_0cl"][0]
    for col in ("sii_lower95_0cl", "sii_upper95_0cl"):
        assert abs(small[col][0] - large[col][0]) < 0.02 * width
    assert large["sii_lower99_8cl"][0] < large["sii_lower95_0cl"][0]


def test_same_seed_same_interval() -> None:
    first = sii(QUINTILE_VALUES, QUINTILE_POP, se=QUINTILE_SE, repetitions=5000, seed=9)
    again = sii(QUINTILE_VALUES, QUINTILE_POP, se=QUINTILE_SE, repetitions=5000, seed=9)
    assert first.equals(again)


def test_order_statistic_positions_are_r_one_based_rounded() -> None:
    draws = np.arange(1.0, 1001.0)  # the value equals its 1-based position
    assert _order_stat(draws, 0.95) == (25.0, 975.0)
    draws = np.arange(1.0, 1002.0)  # 1001 × 0.025 = 25.025 -> 25; 1001 × 0.975 = 975.975 -> 976
    assert _order_stat(draws, 0.95) == (25.0, 976.0)
    draws = np.arange(1.0, 100001.0)  # 100000 × 0.001 = 100; 100000 × 0.999 = 99900
    assert _order_stat(draws, 0.998) == (100.0, 99900.0)
    draws = np.arange(1.0, 1001.0)  # 1000 × 0.001 = 1: the very first draw
    assert _order_stat(draws, 0.998) == (1.0, 999.0)
    draws = np.arange(1.0, 1201.0)  # 1200 × 0.0005 = 0.6 -> 1 (no position 0)
    assert _order_stat(draws, 0.999)[0] == 1.0


def test_several_areas_at_once() -> None:
    values = np.array([QUINTILE_VALUES, QUINTILE_VALUES[::-1]])
    pops = np.array([QUINTILE_POP, QUINTILE_POP])
    out = sii(values, pops, se=np.array([QUINTILE_SE] * 2), repetitions=1000, seed=1)
    assert out["sii"][1] == pytest.approx(wls_by_hand(QUINTILE_VALUES[::-1], QUINTILE_POP)[1])


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"values": [1, 2, 3, 4], "population": [1, 1, 1, 1], "se": [1] * 4}, "4 quantiles"),
        ({"values": [1] * 5, "population": [1, 1, 0, 1, 1], "se": [1] * 5},
         "population: value must be greater than zero at index 2"),
        ({"values": [1, 2, float("nan"), 4, 5], "population": [1] * 5, "se": [1] * 5},
         r"values: missing \(NaN\) value at index 2"),
        ({"values": [1] * 5, "population": [1] * 6, "se": [1] * 5}, "population: shape"),
        ({"values": [1] * 5, "population": [1] * 5}, "lower"),
        ({"values": [1] * 5, "population": [1] * 5, "se": [1] * 5, "transform": True},
         "transform"),
        ({"values": [1] * 5, "population": [1] * 5, "se": [1] * 5, "repetitions": 999},
         "repetitions"),
        ({"values": [0.5, 1.2, 0.5, 0.5, 0.5], "population": [1] * 5, "se": [1] * 5,
          "value_type": 2}, "values: proportion must be inside"),
        ({"values": [0.5, 0.5, 0.5, 1.0, 0.5], "population": [1] * 5, "se": [1] * 5,
          "value_type": 2}, r"values: proportion must be inside \(0, 1\) at index 3"),
        ({"values": [0.5, 0.0, 0.5, 0.5, 0.5], "population": [1] * 5, "se": [1] * 5,
          "value_type": 2}, r"values: proportion must be inside \(0, 1\) at index 1"),
        ({"values": [1, 1, 1, 1, 0], "population": [1] * 5, "se": [1] * 5, "value_type": 1},
         "values: rate must be above 0 for the log scale at index 4"),
        ({"values": [1] * 5, "population": [1] * 5, "se": [1] * 5, "value_type": 3},
         "value_type"),
        ({"values": [1] * 101, "population": [1] * 101, "se": [1] * 101}, "101 quantiles"),
        ({"values": [[[1] * 5]], "population": [[[1] * 5]], "se": [[[1] * 5]]}, "expected 1-D"),
        ({"values": [1] * 5, "population": [1] * 5, "se": [1, 1, -1, 1, 1]},
         "se: negative value at index 2"),
        ({"values": [1] * 5, "population": [1] * 5, "se": [1] * 4}, "se: shape"),
        ({"values": [2] * 5, "population": [1] * 5, "se": [1] * 5, "value_type": 1,
          "transform": True}, "se: must be omitted"),
        ({"values": [1] * 5, "population": [1] * 5, "lower": [0] * 5}, "lower: give se"),
        ({"values": [2] * 5, "population": [1] * 5, "lower": [1, 1, 0, 1, 1],
          "upper": [3] * 5, "value_type": 1}, "lower: rate must be above 0"),
        ({"values": [2] * 5, "population": [1] * 5, "lower": [1] * 5,
          "upper": [3, 3, 3, -3, 3], "value_type": 1}, "upper: rate must be above 0"),
        ({"values": [1] * 5, "population": [1] * 5, "se": [1] * 5, "repetitions": 1000.5},
         "repetitions"),
    ],
)  # fmt: skip
def test_bad_sii_input_is_rejected(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        sii(**kwargs)


def test_a_hundred_quantiles_and_a_thousand_repetitions_are_enough() -> None:
    values = np.linspace(10, 20, 100)
    out = sii(values, [1] * 100, se=[0.5] * 100, repetitions=1000, seed=1)
    # y rises by 10/99 per quantile, i.e. by 1000/99 over the whole rank range 0..1
    assert out["sii"][0] == pytest.approx(1000 / 99, rel=1e-9)


def test_quintile_gap_newcombe_and_log_ratio() -> None:
    quintiles = [1, 1, 2, 3, 4, 5, 5]
    x = [30.0, 12.0, 35.0, 30.0, 25.0, 10.0, 8.0]
    n = [150.0, 60.0, 200.0, 210.0, 190.0, 120.0, 80.0]
    out = quintile_gap(quintiles, x, n, multiplier=100)
    x1, n1, x5, n5 = 42.0, 210.0, 18.0, 200.0
    p1, p5 = x1 / n1, x5 / n5

    def wilson(xx: float, nn: float) -> tuple[float, float]:
        root = Z95 * math.sqrt(Z95**2 + 4 * xx * (1 - xx / nn))
        return (2 * xx + Z95**2 - root) / (2 * (nn + Z95**2)), (2 * xx + Z95**2 + root) / (
            2 * (nn + Z95**2)
        )

    (l1, u1), (l5, u5) = wilson(x1, n1), wilson(x5, n5)
    gap = p1 - p5
    assert out["absolute_gap"][0] == pytest.approx(100 * gap, rel=1e-12)
    assert out["absolute_lowercl"][0] == pytest.approx(
        100 * (gap - math.sqrt((p1 - l1) ** 2 + (u5 - p5) ** 2)), rel=1e-9
    )
    assert out["absolute_uppercl"][0] == pytest.approx(
        100 * (gap + math.sqrt((u1 - p1) ** 2 + (p5 - l5) ** 2)), rel=1e-9
    )
    se = math.sqrt(1 / x1 - 1 / n1 + 1 / x5 - 1 / n5)
    assert out["relative_gap"][0] == pytest.approx(p1 / p5, rel=1e-12)
    assert out["relative_uppercl"][0] == pytest.approx(p1 / p5 * math.exp(Z95 * se), rel=1e-9)


def test_quintile_gap_rates_and_missing_quintile() -> None:
    out = quintile_gap([1, 5], [50.0, 20.0], [10000.0, 12000.0], kind="rate", multiplier=1e5)
    r1, r5 = 50 / 10000, 20 / 12000
    half = Z95 * math.sqrt(50 / 10000**2 + 20 / 12000**2)
    assert out["absolute_lowercl"][0] == pytest.approx((r1 - r5 - half) * 1e5, rel=1e-9)
    assert out["relative_lowercl"][0] == pytest.approx(
        r1 / r5 * math.exp(-Z95 * math.sqrt(1 / 50 + 1 / 20)), rel=1e-9
    )
    with pytest.raises(ValueError, match="quintile 5 has no rows"):
        quintile_gap([1, 2], [5.0, 5.0], [10.0, 10.0])


@pytest.mark.parametrize(
    ("value_type", "values"), [(1, [30.0, 25, 20, 18, 12]), (2, [0.3, 0.25, 0.2, 0.18, 0.12])]
)
def test_the_link_scale_does_not_move_the_point_estimate(value_type: int, values: list) -> None:
    # values go to the link scale and back before the fit: the SII is the untransformed one
    pop = [100, 120, 90, 110, 80]
    linked = sii(values, pop, se=[0.1] * 5, value_type=value_type, repetitions=1000, seed=3)
    plain = sii(values, pop, se=[0.1] * 5, repetitions=1000, seed=3)
    assert linked["sii"][0] == pytest.approx(plain["sii"][0], rel=1e-12)


def test_limits_give_the_se_on_the_link_scale() -> None:
    values = np.array([0.3, 0.25, 0.2, 0.18, 0.12])
    lower, upper = values - 0.05, values + 0.06
    logit = np.log(upper / (1 - upper)) - np.log(lower / (1 - lower))
    pop = [100, 120, 90, 110, 80]
    kw: dict[str, Any] = {"value_type": 2, "repetitions": 1000, "seed": 5}
    by_limits = sii(values, pop, lower=lower, upper=upper, **kw)
    by_se = sii(values, pop, se=logit / (2 * 1.959963984540054), **kw)
    pd.testing.assert_frame_equal(by_limits, by_se, rtol=1e-12)


CASES = [
    (0, False, 1.0),
    (0, False, 0.5),
    (0, False, -1.0),
    (1, False, 1.0),
    (1, False, -100.0),
    (2, False, 1.0),
    (1, True, 1.0),
    (1, True, -1.0),
    (2, True, 1.0),
    (2, True, 0.5),
    (2, True, -1.0),
]
RATES = [30.0, 25.0, 20.0, 18.0, 12.0]
PROPS = [0.3, 0.25, 0.2, 0.18, 0.12]


@pytest.mark.parametrize(("value_type", "transform", "mult"), CASES)
def test_with_no_uncertainty_every_bound_is_the_point_estimate(
    value_type: int, transform: bool, mult: float
) -> None:
    values = PROPS if value_type == 2 else RATES
    given: dict[str, Any] = (
        {"lower": [x * 0.999999 for x in values], "upper": [x * 1.000001 for x in values]}
        if transform
        else {"se": [1e-9] * 5}
    )
    out = sii(values, [100, 120, 90, 110, 80], value_type=value_type, transform=transform,
              multiplier=mult, rii=True, repetitions=1000, seed=2, **given)  # fmt: skip
    row = out.iloc[0]
    suffix = "95_0" if transform else "95_0cl"
    for stat in ("sii", "rii"):
        for bound in ("lower", "upper"):
            assert row[f"{stat}_{bound}{suffix}"] == pytest.approx(row[stat], rel=1e-4), (
                stat,
                bound,
            )
    assert np.sign(row["sii"]) == np.sign(mult) * np.sign(values[-1] - values[0])
    assert (row["rii"] > 1) == (mult * (values[-1] - values[0]) > 0)


def test_rate_bounds_for_a_multiplier_below_one_invert_the_rii_as_the_reference() -> None:
    # phe_sii swaps the bounds of log-transformed rates when multiplier < 1 (not < 0)
    out = sii(RATES, [100, 120, 90, 110, 80], value_type=1, transform=True, multiplier=0.5,
              lower=[x * 0.999999 for x in RATES], upper=[x * 1.000001 for x in RATES],
              rii=True, repetitions=1000, seed=2).iloc[0]  # fmt: skip
    assert out["rii_lower95_0"] == pytest.approx(1 / out["rii"], rel=1e-4)
    assert out["sii_lower95_0"] == pytest.approx(out["sii"], rel=1e-4)


@pytest.mark.parametrize(("value_type", "transform", "mult"), CASES)
def test_lower_bounds_are_below_upper_bounds(value_type: int, transform: bool, mult: float) -> None:
    values = PROPS if value_type == 2 else RATES
    given: dict[str, Any] = (
        {"lower": [x * 0.8 for x in values], "upper": [x * 1.2 for x in values]}
        if transform
        else {"se": [x * 0.1 for x in values] if value_type == 0 else [0.1] * 5}
    )
    row = sii(values, [100, 120, 90, 110, 80], value_type=value_type, transform=transform,
              multiplier=mult, repetitions=2000, seed=4, **given).iloc[0]  # fmt: skip
    suffix = "95_0" if transform else "95_0cl"
    assert row[f"sii_lower{suffix}"] < row["sii"] < row[f"sii_upper{suffix}"]


def test_both_levels_may_be_given_as_percentages() -> None:
    out = sii(RATES, [100, 120, 90, 110, 80], se=[1.0] * 5, confidence=[95, 99.8],
              repetitions=1000, seed=1)  # fmt: skip
    assert out.attrs["confidence"] == pytest.approx((0.95, 0.998))
    assert {"sii_lower95_0cl", "sii_upper99_8cl"} <= set(out.columns)


@pytest.mark.parametrize(
    ("args", "kwargs", "message"),
    [
        (([1, 5], [1.0], [10.0, 10.0]), {}, "numerators: shape"),
        (([1, 6], [1.0, 1.0], [10.0, 10.0]), {}, "quintiles: quintile must be 1 to 5 at index 1"),
        (([1, 5], [1.0, -1.0], [10.0, 10.0]), {}, "numerators: negative value at index 1"),
        (([1, 5], [1.0, 1.0], [10.0, 0.0]), {}, "denominators: value must be greater"),
        (([1, 5], [1.0, 11.0], [10.0, 10.0]), {}, "numerators: numerator above denominator"),
        (([2, 5], [1.0, 1.0], [10.0, 10.0]), {}, "quintile 1 has no rows"),
        (([1, 5], [1.0, 1.0], [10.0, 10.0]), {"kind": "ratio"}, "kind"),
    ],
)
def test_quintile_gap_refuses(args: tuple, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        quintile_gap(*args, **kwargs)


def test_quintile_gap_allows_all_events_and_rates_above_one() -> None:
    out = quintile_gap([1, 5], [10.0, 4.0], [10.0, 8.0])  # every person in quintile 1
    assert out["q1_value"][0] == 1.0
    rate = quintile_gap([1, 5], [30.0, 4.0], [10.0, 8.0], kind="rate")  # x > n is fine
    assert rate["q1_value"][0] == 3.0


@pytest.mark.parametrize(("kind", "x5"), [("proportion", 0.0), ("rate", 0.0)])
def test_relative_gap_bounds_are_nan_when_a_quintile_has_no_events(kind: str, x5: float) -> None:
    out = quintile_gap([1, 5], [6.0, x5], [50.0, 60.0], kind=kind)
    assert math.isnan(out["relative_lowercl"][0]) and math.isnan(out["relative_uppercl"][0])


def test_one_event_is_enough_for_relative_gap_bounds() -> None:
    out = quintile_gap([1, 5], [6.0, 1.0], [50.0, 60.0])
    se = math.sqrt(1 / 6 - 1 / 50 + 1 / 1 - 1 / 60)
    ratio = (6 / 50) / (1 / 60)
    assert out["relative_lowercl"][0] == pytest.approx(ratio * math.exp(-Z95 * se), rel=1e-9)


def test_transformed_intercept_scales_with_the_multiplier_and_attrs_name_the_scale() -> None:
    kw: dict[str, Any] = {"lower": [x * 0.9 for x in RATES], "upper": [x * 1.1 for x in RATES]}
    one = sii(RATES, [100, 120, 90, 110, 80], value_type=1, transform=True, repetitions=1000,
              seed=1, **kw)  # fmt: skip
    two = sii(RATES, [100, 120, 90, 110, 80], value_type=1, transform=True, repetitions=1000,
              seed=1, multiplier=2, **kw)  # fmt: skip
    assert two["intercept"][0] == pytest.approx(2 * one["intercept"][0], rel=1e-12)
    assert one.attrs["transform"] == "log"
    logit = sii(PROPS, [1] * 5, value_type=2, transform=True, repetitions=1000,
                lower=[x * 0.9 for x in PROPS], upper=[x * 1.1 for x in PROPS])  # fmt: skip
    assert logit.attrs["transform"] == "logit"
    assert (
        sii(PROPS, [1] * 5, value_type=2, se=[0.1] * 5, repetitions=1000).attrs["transform"]
        == "none"
    )
