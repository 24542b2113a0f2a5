"""Statistics attach to every result row: SPC per series, intervals by statistic, funnels."""

from __future__ import annotations

import metrics_fixtures as fixtures
import pytest

from oversight.metrics import statistics
from oversight.metrics.compute import Computation
from oversight.stats.intervals import proportion_ci

METRICS = {m.id: m for m in fixtures.METRICS}


@pytest.fixture(scope="module")
def stats(tiny: Computation):  # type: ignore[no-untyped-def]
    return statistics.attach(tiny.metrics, METRICS)


def test_one_statistics_row_per_result_row(tiny: Computation, stats) -> None:  # type: ignore[no-untyped-def]
    assert len(stats) == len(tiny.metrics)
    assert not stats.duplicated(statistics.KEYS).any()


def test_proportion_interval_is_wilson_of_the_row(tiny: Computation, stats) -> None:  # type: ignore[no-untyped-def]
    s = stats[(stats.metric_id == "ae_4h_pct") & (stats.org_code == "QMJ")]
    s = s[(s.period == fixtures.JAN) & (s.breakdown == "total")].iloc[0]
    expect = proportion_ci([4], [10], multiplier=100)
    assert s.ci_lower == pytest.approx(expect.lowercl[0])
    assert s.ci_upper == pytest.approx(expect.uppercl[0])
    assert s.ci_method == "Wilson"


def test_missing_rows_get_no_statistics(tiny: Computation, stats) -> None:  # type: ignore[no-untyped-def]
    gone = tiny.metrics.missing_reason.notna()
    assert stats.loc[gone.to_numpy(), ["ci_lower", "spc_mean"]].isna().all().all()


def test_spc_and_funnel_fields_present(stats) -> None:  # type: ignore[no-untyped-def]
    assert stats.spc_mean.notna().any()
    assert stats.variation_icon.notna().any()
    funnel = stats[stats.funnel_position.notna()]
    assert set(funnel.org_type) == {"icb"}
    assert set(funnel.funnel_position) <= {"above", "below", "within"}
