"""Breakdown groups add up to the total; regions and England are sums of ICBs, never averages."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.metrics.metrics_fixtures import METRICS, REGIONS

from oversight.metrics.computation import Computation

ADDITIVE = [m.id for m in METRICS if m.id not in ("amb_c2_p90_min",)]


@pytest.mark.parametrize("metric", ADDITIVE)
def test_breakdown_groups_add_up_to_total(tiny: Computation, metric: str) -> None:
    m = tiny.metrics
    m = m[m.metric_id == metric]
    total = m[m.breakdown == "total"].set_index(["org_code", "period"])
    for dim, part in m[m.breakdown != "total"].groupby("breakdown"):
        sums = part.groupby(["org_code", "period"])[["numerator", "denominator"]].sum(min_count=1)
        joined = pd.merge(
            total[["numerator", "denominator"]],
            sums,
            left_index=True,
            right_index=True,
            suffixes=("", "_sum"),
        )
        ok = joined.numerator.notna()
        assert ok.any(), dim
        pd.testing.assert_series_equal(
            joined.numerator[ok], joined.numerator_sum[ok], check_names=False
        )


@pytest.mark.parametrize("metric", ADDITIVE)
def test_region_and_england_are_sums_of_icbs(tiny: Computation, metric: str) -> None:
    m = tiny.metrics
    m = m[(m.metric_id == metric) & m.missing_reason.isna()]
    icb = m[m.org_type == "icb"].assign(region=lambda d: d.org_code.map(REGIONS))
    keys = ["period", "breakdown", "group"]
    for level, by in (("region", "region"), ("england", None)):
        expect = icb.groupby([by, *keys] if by else keys)[["numerator", "denominator"]].sum(
            min_count=1
        )
        got = m[m.org_type == level]
        got = got.rename(columns={"org_code": by}) if by else got
        got = got.set_index([by, *keys] if by else keys)[["numerator", "denominator"]]
        both = pd.merge(got, expect, left_index=True, right_index=True, suffixes=("", "_icbs"))
        assert len(both) > 0
        pd.testing.assert_series_equal(both.numerator, both.numerator_icbs, check_names=False)
        if metric != "ae_12h_count" and metric != "rtt_52w_count":
            pd.testing.assert_series_equal(
                both.denominator, both.denominator_icbs, check_names=False
            )
