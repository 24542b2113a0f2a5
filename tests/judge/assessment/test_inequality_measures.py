"""Inequality measures in the pipeline: the SII is `stats.inequality.sii` on the same inputs,
windows pool months, the gaps match `stats.inequality.quintile_gap`, and what cannot be measured
says why."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
import pytest
from tests.judge.assessment.inequality_rows import rows

from oversight.catalogue import load
from oversight.judge.assessment import inequality as iq
from oversight.judge.assessment.gaps import gap
from oversight.stats.inequality import quintile_gap, sii

METRICS: Any = load().metrics
ONE_MONTH = iq.Settings(windows=(iq.MONTH,))


def test_pipeline_sii_equals_stats_sii_on_the_same_inputs() -> None:
    given = rows(METRICS, slope=0.03)
    out = iq.measure(given, METRICS, ONE_MONTH).set_index("org_code")
    deciles = given[given["breakdown"] == "imd_decile"].copy()
    deciles["d"] = deciles["group"].astype(int)
    deciles = deciles.sort_values(["org_code", "d"])
    wide = {c: deciles.pivot(index="org_code", columns="d", values=c).to_numpy()
            for c in ("value", "denominator", "ci_lower", "ci_upper")}  # fmt: skip
    period = given["period"].iloc[0]
    expected = sii(wide["value"], wide["denominator"], lower=wide["ci_lower"],
                   upper=wide["ci_upper"], rii=True, repetitions=1000,
                   seed=iq.seed_for("ae_4hr", period, iq.MONTH))  # fmt: skip
    for i, org in enumerate(["QAA", "QBB"]):
        got = out.loc[org]
        assert got["sii"] == expected["sii"][i]
        assert got["sii_lower"] == expected["sii_lower95_0cl"][i]
        assert got["sii_upper"] == expected["sii_upper95_0cl"][i]
        assert got["rii"] == expected["rii"][i]
        assert got["intercept"] == expected["intercept"][i]
    assert (out["sii"] > 0).all()  # the value rises from the most to the least deprived


def test_a_gradient_shows_and_none_gives_an_interval_round_zero() -> None:
    steep = iq.measure(rows(METRICS, slope=0.03, size=2000), METRICS, ONE_MONTH)
    flat = iq.measure(rows(METRICS, slope=0.0, size=2000, seed=3), METRICS, ONE_MONTH)
    assert (steep["sii_lower"] > 0).all()
    assert ((flat["sii_lower"] < 0) & (flat["sii_upper"] > 0)).all()
    assert (steep["quintile_gap_upper"] < 0).all()  # quintile 1 below quintile 5


def test_a_missing_decile_is_named_not_measured() -> None:
    given = rows(METRICS)
    given = given[~((given["org_code"] == "QAA") & (given["breakdown"] == "imd_decile")
                    & (given["group"] == "3"))]  # fmt: skip
    out = iq.measure(given, METRICS, ONE_MONTH).set_index("org_code")
    assert np.isnan(out.loc["QAA", "sii"])
    assert out.loc["QAA", "sii_missing_reason"] == "deciles without a value or interval: 3"
    assert not np.isnan(out.loc["QBB", "sii"]) and out.loc["QBB", "sii_missing_reason"] is None


def test_twelve_month_window_pools_numerators_and_denominators() -> None:
    given = rows(METRICS, months=13, orgs=("QAA",))
    pooled = iq.pooled(given, METRICS, 12)
    assert sorted(pooled["period"].unique()) == sorted(given["period"].unique())[11:]
    last = pooled[(pooled["period"] == pooled["period"].max()) & (pooled["group"] == "7")
                  & (pooled["breakdown"] == "imd_decile")].iloc[0]  # fmt: skip
    src = given[(given["breakdown"] == "imd_decile") & (given["group"] == "7")]
    src = src.sort_values("period").iloc[1:]
    assert last["numerator"] == src["numerator"].sum()
    assert last["denominator"] == src["denominator"].sum()
    assert last["value"] == pytest.approx(src["numerator"].sum() / src["denominator"].sum() * 100)
    assert last["ci_lower"] < last["value"] < last["ci_upper"]
    out = iq.measure(given, METRICS)
    assert set(out["window"]) == {"month", "12 months"}
    assert len(out[out["window"] == "12 months"]) == 2


def test_pooled_mean_and_sd_equal_the_records_pooled() -> None:
    rng = np.random.default_rng(5)
    months = [rng.normal(30, 8, size=n) for n in (5, 9, 4)]
    frame = pd.DataFrame({
        "metric_id": "ambulance_c2_mean", "org_type": "icb", "org_code": "QAA",
        "period": pd.to_datetime(["2024-01-01", "2024-02-01", "2024-03-01"]).date,
        "breakdown": "imd_decile", "group": "1",
        "numerator": [m.sum() * 60 for m in months], "denominator": [float(len(m)) for m in months],
        "value": [m.mean() for m in months], "sd": [m.std(ddof=1) for m in months],
    })  # fmt: skip
    last = iq.pooled(frame, METRICS, 3).iloc[0]
    everything = np.concatenate(months)
    assert last["value"] == pytest.approx(everything.mean())
    assert last["sd"] == pytest.approx(everything.std(ddof=1))


@pytest.mark.parametrize("kind", ["proportion", "rate"])
def test_gaps_equal_stats_quintile_gap(kind: str) -> None:
    x_a, n_a, x_b, n_b = np.array([30.0, 7]), np.array([100.0, 40]), np.array([55.0, 20]), np.array(
        [110.0, 45])
    d, lower, upper = gap(kind, x_a, n_a, x_b, n_b, multiplier=100)
    for i in range(2):
        ref = quintile_gap([1, 5], [x_a[i], x_b[i]], [n_a[i], n_b[i]], kind=kind, multiplier=100)
        assert d[i] == pytest.approx(ref["absolute_gap"][0], rel=1e-12)
        assert lower[i] == pytest.approx(ref["absolute_lowercl"][0], rel=1e-12)
        assert upper[i] == pytest.approx(ref["absolute_uppercl"][0], rel=1e-12)


def test_largest_ethnic_gap_names_both_groups_and_skips_small_or_unknown_ones() -> None:
    probs = {"Asian": 0.6, "Black": 0.3, "Mixed": 0.5, "White": 0.62, "Other": 0.5,
             "Not known": 0.05}  # fmt: skip
    given = rows(METRICS, ethnic=probs, size=500, orgs=("QAA",))
    tiny = (given["breakdown"] == "ethnicity_group") & (given["group"] == "Mixed")
    given.loc[tiny, ["numerator", "denominator"]] = [0.0, 10.0]
    given.loc[tiny, "value"] = 0.0
    out = iq.measure(given, METRICS, ONE_MONTH).iloc[0]
    assert out["ethnic_low_group"] == "Black"
    assert out["ethnic_high_group"] in {"White", "Asian"}
    assert out["ethnic_gap"] == pytest.approx(out["ethnic_high_value"] - out["ethnic_low_value"])
    assert out["ethnic_gap_lower"] > 0
