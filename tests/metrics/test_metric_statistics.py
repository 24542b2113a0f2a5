"""Statistics attach to every result row: SPC per series, intervals by statistic, funnels."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.metrics import metrics_fixtures as fixtures

from oversight.metrics import statistics
from oversight.metrics.computation import Computation
from oversight.stats.funnel import funnel
from oversight.stats.intervals import proportion_ci

METRICS = {m.id: m for m in fixtures.METRICS}


@pytest.fixture(scope="module")
def stats(tiny: Computation):
    return statistics.attach(tiny.metrics, METRICS)


def test_one_statistics_row_per_result_row(tiny: Computation, stats) -> None:
    assert len(stats) == len(tiny.metrics)
    assert not stats.duplicated(statistics.KEYS).any()


def test_proportion_interval_is_wilson_of_the_row(tiny: Computation, stats) -> None:
    s = stats[(stats.metric_id == "ae_4h_pct") & (stats.org_code == "QMJ")]
    s = s[(s.period == fixtures.JAN) & (s.breakdown == "total")].iloc[0]
    expect = proportion_ci([4], [10], multiplier=100)
    assert s.ci_lower == pytest.approx(expect.lowercl[0])
    assert s.ci_upper == pytest.approx(expect.uppercl[0])
    assert s.ci_method == "Wilson"


def test_missing_rows_get_no_statistics(tiny: Computation, stats) -> None:
    gone = tiny.metrics.missing_reason.notna()
    assert stats.loc[gone.to_numpy(), ["ci_lower", "spc_mean"]].isna().all().all()


def test_spc_and_funnel_fields_present(stats) -> None:
    assert stats.spc_mean.notna().any()
    assert stats.variation_icon.notna().any()
    funnel = stats[stats.funnel_position.notna()]
    assert set(funnel.org_type) == {"icb"}
    assert set(funnel.funnel_position) <= {"above", "below", "within"}


def test_metrics_attach_no_target_or_assurance(stats) -> None:
    """Which target stands and the assurance icon against it are the judge stage's decision
    (oversight.judge.stage); metrics keeps the SPC limits and rules only."""
    assert not [c for c in stats.columns if "assurance" in c or "target" in c]
    assert list(stats.columns) == statistics.COLUMNS


def test_rate_metrics_get_a_ratio_of_counts_funnel() -> None:
    """Rates (numerator may exceed denominator) are placed on an "RC" funnel; proportions stay
    "PR" and drop rows whose numerator exceeds the denominator."""
    rate = fixtures._metric("leavers", "ratio", "a", "b", statistic="rate", multiplier=100)
    prop = fixtures._metric("share", "ratio", "a", "b", statistic="proportion", multiplier=100)
    rng = np.random.default_rng(5)
    den = rng.integers(200, 5000, 12).astype(float)
    num = np.round(den * rng.uniform(0.05, 0.2, 12))
    num[3] = den[3] * 1.5  # a rate above 100%: fine for a rate, impossible for a proportion
    codes = [f"Q{k:02d}" for k in range(12)]

    def frame(metric: str) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "metric_id": metric,
                "org_type": "icb",
                "org_code": codes,
                "period": fixtures.JAN,
                "breakdown": "total",
                "group": "total",
                "numerator": num,
                "denominator": den,
                "value": num / den * 100,
            }
        )

    rows = pd.concat([frame("leavers"), frame("share")], ignore_index=True)
    out = statistics.funnels(rows, {"leavers": rate, "share": prop})
    rc = out[out.metric_id == "leavers"].set_index("org_code").loc[codes]
    ref = funnel(num, den, data_type="RC", labels=np.array(codes), multiplier=100).units
    np.testing.assert_allclose(rc.funnel_z.to_numpy(), ref["z"].to_numpy())
    assert rc.funnel_z.idxmax() == "Q03"
    flagged = np.where(ref["outlier"] == 1, np.where(ref["z"] > 0, "above", "below"), "within")
    assert list(rc.funnel_position) == list(flagged)
    pr = out[out.metric_id == "share"]
    assert len(pr) == 11 and "Q03" not in set(pr.org_code)
