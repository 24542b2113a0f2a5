"""Worked examples for FunnelPlotR-style funnels, expected values by hand (math module)."""

from __future__ import annotations

import math

import numpy as np
import pytest

from oversight.stats.funnel import MSG_NO_OVERDISPERSION, MSG_NOT_ADJUSTED, funnel

Z95, Z998 = 1.959964, 3.090232

# Ten units: expected counts and observed counts with clear overdispersion.
EXPECTED = [50.0, 80.0, 120.0, 150.0, 200.0, 260.0, 300.0, 400.0, 500.0, 650.0]
OBSERVED = [30.0, 110.0, 100.0, 190.0, 160.0, 330.0, 250.0, 520.0, 430.0, 800.0]


def type7(values: list[float], p: float) -> float:
    ordered = sorted(values)
    h = (len(ordered) - 1) * p
    lo = math.floor(h)
    return ordered[lo] + (h - lo) * (ordered[min(lo + 1, len(ordered) - 1)] - ordered[lo])


def tau2_by_hand(z: list[float], s: list[float]) -> tuple[float, float]:
    n = len(z)
    phi = sum(v * v for v in z) / n
    if n * phi < n - 1:
        return phi, 0.0
    w = [1 / si**2 for si in s]
    return phi, max(0.0, (n * phi - (n - 1)) / (sum(w) - sum(x * x for x in w) / sum(w)))


def test_shmi_truncation_drops_outer_groups_and_fits_tau2() -> None:
    res = funnel(OBSERVED, EXPECTED)  # SR, SHMI, all defaults
    z = [math.sqrt(e) * math.log(o / e) for o, e in zip(OBSERVED, EXPECTED, strict=True)]
    s = [1 / math.sqrt(e) for e in EXPECTED]
    # N = 10, k = 10: group = floor(rank*10/11) drops rank 1 (group 0) and rank 10 (group 9)
    order = sorted(range(10), key=lambda i: z[i])
    kept = sorted(order[1:-1])
    phi, tau2 = tau2_by_hand([z[i] for i in kept], [s[i] for i in kept])
    assert res.phi == pytest.approx(phi, rel=1e-12)
    assert res.tau2 == pytest.approx(tau2, rel=1e-12)
    assert res.units["trimmed"].tolist() == [i in (order[0], order[-1]) for i in range(10)]
    assert res.units["z"].tolist() == pytest.approx(z, rel=1e-12)
    e = EXPECTED[3]
    row = res.units.iloc[3]
    assert row["OD99UCL"] == pytest.approx(math.exp(Z998 * math.sqrt(1 / e + tau2)), rel=1e-12)
    assert row["OD95LCL"] == pytest.approx(math.exp(-Z95 * math.sqrt(1 / e + tau2)), rel=1e-12)
    assert res.draw_adjusted and not res.draw_unadjusted


def test_cqc_winsorises_and_squares_adjusted_limits_back() -> None:
    res = funnel(OBSERVED, EXPECTED, sr_method="CQC")
    s = [1 / (2 * math.sqrt(e)) for e in EXPECTED]
    z = [(math.sqrt(o / e) - 1) / si for o, e, si in zip(OBSERVED, EXPECTED, s, strict=True)]
    lz, uz = type7(z, 0.1), type7(z, 0.9)
    wz = [min(max(v, lz), uz) for v in z]
    phi, tau2 = tau2_by_hand(wz, s)  # Winsorisation keeps all ten units
    assert res.phi == pytest.approx(phi, rel=1e-12)
    assert res.tau2 == pytest.approx(tau2, rel=1e-12)
    assert res.units["trimmed"].sum() >= 2
    e = EXPECTED[0]
    spread = Z998 * math.sqrt(1 / (4 * e) + tau2)
    row = res.units.iloc[0]
    assert row["OD99LCL"] == pytest.approx((1 - spread) ** 2, rel=1e-12)
    assert row["OD99UCL"] == pytest.approx((1 + spread) ** 2, rel=1e-12)
    # squared back, the overdispersed limits are wider than the Poisson ones
    assert row["OD99UCL"] > row["UCL99"] and row["OD99LCL"] < row["LCL99"]


def test_shmi_and_winsorised_phi_differ_on_the_same_units() -> None:
    shmi = funnel(OBSERVED, EXPECTED)
    cqc = funnel(OBSERVED, EXPECTED, sr_method="CQC")
    assert shmi.units["trimmed"].sum() == 2
    assert shmi.phi != pytest.approx(cqc.phi, rel=1e-6)


def test_phi_at_most_one_switches_to_unadjusted_limits() -> None:
    expected = [100.0, 200.0, 300.0, 400.0, 500.0, 600.0, 700.0, 800.0, 900.0, 1000.0]
    observed = [101.0, 199.0, 302.0, 398.0, 500.0, 601.0, 699.0, 803.0, 897.0, 1001.0]
    res = funnel(observed, expected, sr_method="CQC")
    assert res.phi <= 1
    assert res.tau2 == 0.0
    assert not res.draw_adjusted and res.draw_unadjusted
    assert res.messages == (MSG_NO_OVERDISPERSION,)
    both = funnel(observed, expected, sr_method="CQC", draw_unadjusted=True)
    assert both.draw_adjusted and both.tau2 == 0.0 and both.messages == ()
    e = expected[0]
    assert both.units["OD95UCL"][0] == pytest.approx((1 + Z95 / (2 * math.sqrt(e))) ** 2, rel=1e-12)


def test_phi_just_below_one_keeps_a_positive_tau2() -> None:
    # R/funnel_plot.R tests phi <= 1 for the switch but never zeroes tau2, and
    # R/od_adjustment.R tau_func gives tau2 > 0 whenever n*phi >= n - 1.
    # CQC, E = 100 for all ten units, z = 2*sqrt(O) - 20 = +-c with c^2 = 0.95:
    # Winsorising changes nothing (type-7 10%/90% quantiles are -c and +c), phi = 0.95,
    # w = 1/s^2 = 4E = 400, tau2 = (9.5 - 9)/(4000 - 400) = 1/7200.
    c = math.sqrt(0.95)
    observed = [(10 + sign * c / 2) ** 2 for sign in (-1, 1) * 5]
    res = funnel(observed, [100.0] * 10, sr_method="CQC")
    assert res.phi == pytest.approx(0.95, rel=1e-12)
    assert res.tau2 == pytest.approx(1 / 7200, rel=1e-9)
    assert not res.draw_adjusted and res.draw_unadjusted
    assert res.messages == (MSG_NO_OVERDISPERSION,)
    spread = Z95 * math.sqrt(1 / 400 + 1 / 7200)  # OD columns still carry tau2
    assert res.units["OD95UCL"][0] == pytest.approx((1 + spread) ** 2, rel=1e-12)
    both = funnel(observed, [100.0] * 10, sr_method="CQC", draw_unadjusted=True)
    assert both.draw_adjusted and both.draw_unadjusted and both.messages == ()
    assert both.tau2 == pytest.approx(1 / 7200, rel=1e-9)


def test_draw_adjusted_false_forces_phi_and_tau2_to_zero() -> None:
    res = funnel(OBSERVED, EXPECTED, draw_adjusted=False)
    assert res.phi == 0.0 and res.tau2 == 0.0
    # R/funnel_plot.R leaves draw_unadjusted as given; outliers use unadjusted limits
    assert not res.draw_unadjusted and not res.draw_adjusted
    assert res.messages == ()
    flagged = (res.units["rr"] > res.units["UCL99"]) | (res.units["rr"] < res.units["LCL99"])
    assert res.units["outlier"].tolist() == flagged.astype(int).tolist()
    both = funnel(OBSERVED, EXPECTED, draw_adjusted=False, draw_unadjusted=True)
    assert both.draw_unadjusted and both.messages == (MSG_NOT_ADJUSTED,)


def test_unadjusted_sr_limits_are_exact_poisson_on_expected() -> None:
    # E = 4 (integer): chi-square quantiles with even df are Poisson sums, checkable by hand
    res = funnel([3.0, 12.0, 4.0], [4.0, 4.0, 4.0], draw_adjusted=False, shmi_rounding=False)
    lo = res.units["LCL95"][0] * 4  # Poisson mean lambda with P(X >= 4 | lambda) = 0.025
    tail = 1 - sum(math.exp(-lo) * lo**i / math.factorial(i) for i in range(4))
    assert tail == pytest.approx(0.025, rel=1e-9)
    up = res.units["UCL95"][0] * 4  # P(X <= 4 | up) = 0.025
    assert sum(math.exp(-up) * up**i / math.factorial(i) for i in range(5)) == pytest.approx(
        0.025, rel=1e-9
    )
    # 12/4 = 3 is above the 95% but below the 99.8% upper limit: limit=99 does not flag it
    assert res.units["UCL95"][1] < 3.0 < res.units["UCL99"][1]
    assert res.units["outlier"].tolist() == [0, 0, 0]
    assert funnel([3.0, 12.0, 4.0], [4.0] * 3, draw_adjusted=False, limit=95).units[
        "outlier"
    ].tolist() == [0, 1, 0]


def test_pr_limits_and_grid_monotonicity_guard() -> None:
    num = [1.0, 3.0, 2.0, 10.0, 4.0, 6.0]
    den = [40.0, 150.0, 60.0, 400.0, 250.0, 300.0]
    res = funnel(num, den, data_type="PR", draw_adjusted=False)
    target = sum(num) / sum(den)
    assert res.target == pytest.approx(target, rel=1e-12)
    grid = res.limits
    assert grid["denominator"].iloc[0] == 3.0
    assert grid["denominator"].iloc[-1] == 400.0
    assert set(den) <= set(grid["denominator"])
    # at D = 3 the arcsine lower limit bends back above the next one, so it is set to 0
    centre = math.asin(math.sqrt(target))
    raw = math.sin(centre - Z95 / (2 * math.sqrt(3))) ** 2
    assert raw > 0 and grid["LCL95"].iloc[0] == 0.0
    assert np.all(np.diff(grid["LCL95"].to_numpy()) >= 0)
    assert np.all(np.diff(grid["UCL95"].to_numpy()) <= 0)
    row = res.units.iloc[3]
    assert row["LCL99"] == pytest.approx(
        math.sin(centre - Z998 / (2 * math.sqrt(400))) ** 2, rel=1e-12
    )


def test_rc_limits_use_half_root_denominator() -> None:
    num = [12.0, 30.0, 25.0, 60.0, 41.0]
    den = [10.0, 35.0, 20.0, 55.0, 50.0]
    res = funnel(num, den, data_type="RC", draw_adjusted=False)
    target = sum(num) / sum(den)
    o, d = num[1], den[1]
    s = math.sqrt(o / (o + 0.5) ** 2 + d / (d + 0.5) ** 2)
    assert res.units["z"][1] == pytest.approx(
        (math.log((o + 0.5) / (d + 0.5)) - math.log(target)) / s, rel=1e-12
    )
    assert res.units["UCL95"][1] == pytest.approx(
        math.exp(math.log(target) + Z95 / (2 * math.sqrt(d))), rel=1e-12
    )


def test_repeated_labels_are_summed_and_shmi_rounds_expected() -> None:
    res = funnel([10, 20, 5], [12.344, 20.001, 6.0], labels=["b", "a", "b"])
    assert res.units["group"].tolist() == ["a", "b"]
    assert res.units["numerator"].tolist() == [20.0, 15.0]
    assert res.units["denominator"].tolist() == [20.0, 18.34]
    # R/aggregate_func.R computes rr before R/funnel_plot.R rounds the expected values
    assert res.units["rr"].tolist() == [20 / 20.001, 15 / 18.344]


@pytest.mark.parametrize(
    ("value", "r_result"),
    [
        (0.075, 0.07),  # binary 0.07499999999999999722...; numpy.round gives 0.08
        (40.775, 40.77),  # binary 40.77499999999999857...; numpy.round gives 40.78
        (5.605, 5.61),  # binary 5.60500000000000042...; numpy.round gives 5.6
        (0.125, 0.12),  # an exact binary tie: floor(12.5) = 12 is even, keep 0.12
        (0.375, 0.38),  # exact tie, floor(37.5) = 37 is odd, go up
        (12.344, 12.34),
    ],
)
def test_shmi_rounding_is_r_round_not_numpy_round(value: float, r_result: float) -> None:
    res = funnel([10.0, 12.0, 11.0], [value, 20.0, 30.0], labels=["a", "b", "c"])
    assert res.units["denominator"][0] == r_result
    assert res.units["rr"][0] == 10.0 / value


def test_pr_guard_sets_upper_limit_to_the_multiplier() -> None:
    num = [39.0, 145.0, 58.0, 390.0, 245.0, 295.0]  # pooled p ~ 0.97
    den = [40.0, 150.0, 60.0, 400.0, 250.0, 300.0]
    plain = funnel(num, den, data_type="PR", draw_adjusted=False)
    pct = funnel(num, den, data_type="PR", draw_adjusted=False, multiplier=100)
    bent = plain.limits["UCL99"].to_numpy() == 1.0
    assert bent.any()  # at D = 3 the 99.8% upper arcsine limit bends back
    # R/calculate_limits.R writes 1 * multiplier there, not 1
    assert np.all(pct.limits["UCL99"].to_numpy()[bent] == 100.0)
    assert pct.limits["UCL99"].to_numpy()[~bent] == pytest.approx(
        100 * plain.limits["UCL99"].to_numpy()[~bent], rel=1e-12
    )


def test_multiplier_scales_limits_and_outlier_uses_rr_times_multiplier() -> None:
    plain = funnel(OBSERVED, EXPECTED)
    scaled = funnel(OBSERVED, EXPECTED, multiplier=100)
    assert scaled.units["OD99UCL"].to_numpy() == pytest.approx(
        100 * plain.units["OD99UCL"].to_numpy(), rel=1e-12
    )
    assert scaled.units["outlier"].tolist() == plain.units["outlier"].tolist()
    flagged = (plain.units["rr"] > plain.units["OD99UCL"]) | (
        plain.units["rr"] < plain.units["OD99LCL"]
    )
    assert plain.units["outlier"].tolist() == flagged.astype(int).tolist()


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"numerator": [1, -2], "denominator": [3, 3]}, "numerator: negative value at index 1"),
        ({"numerator": [1, 2], "denominator": [3, 0]}, "denominator: value must be greater"),
        ({"numerator": [1, 2], "denominator": [3]}, "denominator: shape"),
        ({"numerator": [1, 5], "denominator": [3, 3], "data_type": "PR"}, "above denominator"),
        ({"numerator": [1, 2], "denominator": [3, 3], "data_type": "XX"}, "data_type"),
        ({"numerator": [1, 2], "denominator": [3, 3], "limit": 90}, "limit"),
        ({"numerator": [1, 2], "denominator": [3, 3], "labels": ["a"]}, "labels: length"),
        ({"numerator": [1, 2], "denominator": [3, 3], "labels": ["a", None]}, "missing label"),
        ({"numerator": [], "denominator": []}, "numerator: no units given"),
        ({"numerator": [1, math.inf], "denominator": [3, 3]}, "numerator: value must be finite"),
        ({"numerator": [1, 2], "denominator": [math.inf, 3]}, "denominator: value must be fin"),
        ({"numerator": [1, 2], "denominator": [3, 3], "sr_method": "X"}, "sr_method"),
        ({"numerator": [1, 2], "denominator": [3, 3], "trim_by": 0}, "trim_by"),
        ({"numerator": [1, 2], "denominator": [3, 3], "trim_by": 0.5}, "trim_by"),
    ],
)
def test_bad_funnel_input_is_rejected(kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        funnel(**kwargs)
