"""Statistics attach to every result row: SPC per series, intervals by statistic, funnels."""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd
import pytest
from tests.metrics import metrics_fixtures as fixtures

from oversight.metrics import statistics
from oversight.metrics.computation import Computation
from oversight.stats.funnel import funnel
from oversight.stats.intervals import proportion_ci
from oversight.stats.spc import spc

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


# ---- assurance against the national target standing at each series' latest point ----

MONTHS = [dt.date(2023, 4, 1) + pd.DateOffset(months=k) for k in range(24)]  # 2023/24, 2024/25


def _rows(org: str, values: list[float], metric: str = "ae_4h_pct") -> pd.DataFrame:
    periods = [d.date() for d in MONTHS[: len(values)]]
    return pd.DataFrame(
        {
            "metric_id": metric,
            "org_type": "icb",
            "org_code": org,
            "period": periods,
            "breakdown": "total",
            "group": "total",
            "value": values,
        }
    )


def _steady(level: float, n: int, seed: int) -> list[float]:
    return list(level + np.random.default_rng(seed).normal(0, 0.5, n))


def test_assurance_icon_is_that_of_spc_with_the_standing_target() -> None:
    """Series ending in 2023/24 use that year's target; series ending in 2024/25 that year's."""
    targets = [
        fixtures.target("ae_4h_pct", "2023/24", 76.0, ">="),
        fixtures.target("ae_4h_pct", "2024/25", 90.0, ">="),
    ]
    rows = pd.concat(
        [_rows("AAA", _steady(85, 12, 1)), _rows("BBB", _steady(85, 24, 2))], ignore_index=True
    )
    out = statistics.spc(rows, METRICS, targets)
    for org, year_target, expect in (("AAA", 76.0, "pass"), ("BBB", 90.0, "fail")):
        mine = out[out.org_code == org]
        part = rows[rows.org_code == org]
        ref = spc(part.value, part.period, target=year_target, improvement="increase")
        assert set(mine.assurance_icon) == {ref.assurance_icon}
        assert expect in mine.assurance_icon.iloc[0]
        assert set(mine.assurance_target) == {year_target}
        assert set(mine.assurance_target_id) == {
            f"{'2023-24' if org == 'AAA' else '2024-25'}-ae_4h_pct"
        }


def test_a_target_stands_until_replaced_and_none_before_the_first() -> None:
    rows = _rows("AAA", _steady(85, 24, 3))
    later = [fixtures.target("ae_4h_pct", "2023/24", 76.0, ">=")]
    assert set(statistics.spc(rows, METRICS, later).assurance_target) == {76.0}
    too_late = [fixtures.target("ae_4h_pct", "2025/26", 76.0, ">=")]
    assert statistics.spc(rows, METRICS, too_late).assurance_icon.isna().all()


def test_series_without_a_target_get_no_assurance_not_inconsistent(tiny: Computation) -> None:
    stats = statistics.attach(tiny.metrics, METRICS, fixtures.TARGETS)
    has = stats.metric_id.isin(["ae_4h_pct", "rtt_52w_count"]) & stats.spc_mean.notna()
    assert stats.loc[has, "assurance_icon"].notna().all()
    assert stats.loc[~has, ["assurance_icon", "assurance_target_id"]].isna().all().all()
    # the national target applies to regions, England and breakdown groups alike
    assert set(stats.loc[has, "org_type"]) == {"icb", "region", "england"}
    assert stats.loc[has & (stats.breakdown != "total"), "assurance_icon"].notna().any()
    # a decreasing count with a <= 0 target can never pass: its lower limit is at least 0
    rtt = stats[stats.metric_id == "rtt_52w_count"].assurance_icon.dropna()
    assert not rtt.str.contains("pass").any()


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
