"""Metric values against values worked out by hand from the fixture records."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from tests.metrics.metrics_fixtures import FEB, JAN, QMJ_AE_WAITS, QMJ_C2_SECONDS

from oversight.metrics.computation import Computation


def row(c: Computation, metric: str, org: str, period, breakdown="total", group="total"):
    m = c.metrics
    hit = m[
        (m.metric_id == metric)
        & (m.org_code == org)
        & (m.period == period)
        & (m.breakdown == breakdown)
        & (m.group == group)
    ]
    assert len(hit) == 1, (metric, org, period, breakdown, group)
    return hit.iloc[0]


def test_ae_four_hour_share_of_ten_attendances(tiny: Computation) -> None:
    r = row(tiny, "ae_4h_pct", "QMJ", JAN)
    within = sum(w <= 240 for w in QMJ_AE_WAITS)
    assert (r.numerator, r.denominator) == (within, 10) == (4, 10)
    assert r.value == pytest.approx(40.0)


def test_ae_twelve_hour_count_and_sex_split(tiny: Computation) -> None:
    assert row(tiny, "ae_12h_count", "QMJ", JAN).value == 2
    # sexes alternate female, male over waits 30 ... 1000: 721 is female, 1000 is male
    assert row(tiny, "ae_12h_count", "QMJ", JAN, "sex", "female").value == 1
    assert row(tiny, "ae_12h_count", "QMJ", JAN, "sex", "male").value == 1
    four = row(tiny, "ae_4h_pct", "QMJ", JAN, "sex", "female")
    assert (four.numerator, four.denominator) == (2, 5)  # female waits 30, 239, 241, 600, 721


def test_ambulance_mean_and_90th_centile(tiny: Computation) -> None:
    mean = row(tiny, "amb_c2_mean_min", "QMJ", JAN)
    assert mean.value == pytest.approx(sum(QMJ_C2_SECONDS) / 10 / 60)  # C1 call excluded
    assert mean.denominator == 10
    sd = pd.Series(QMJ_C2_SECONDS).std() / 60
    assert mean.sd == pytest.approx(sd)
    p90 = row(tiny, "amb_c2_p90_min", "QMJ", JAN)
    assert p90.value == pytest.approx((3000 + 0.1 * 300) / 60)  # linear interpolation


def test_rtt_snapshot_counts_at_each_month_end(tiny: Computation) -> None:
    jan = row(tiny, "rtt_18w_pct", "QMJ", JAN)
    # open at 31 Jan: started 2023-06-01, 2023-01-10, 2024-01-20, 2023-10-01, 2023-09-27;
    # the one stopped on 31 Jan is not open; 126 days waited counts as within 18 weeks.
    assert (jan.numerator, jan.denominator) == (3, 5)
    feb = row(tiny, "rtt_18w_pct", "QMJ", FEB)
    assert (feb.numerator, feb.denominator) == (1, 5)
    assert row(tiny, "rtt_52w_count", "QMJ", JAN).value == 1
    assert row(tiny, "rtt_52w_count", "QMJ", FEB).value == 1


def test_aggregate_return_ratio(tiny: Computation) -> None:
    r = row(tiny, "bed_occupancy_pct", "QMJ", JAN)
    assert (r.numerator, r.denominator, r.value) == (90, 100, 90.0)


def test_missing_input_is_explicit_never_zero(tiny: Computation) -> None:
    r = row(tiny, "ae_4h_pct", "QHG", FEB)
    assert math.isnan(r.value) and math.isnan(r.numerator)
    assert r.missing_reason == "no ae_attendances submission"
    reg = row(tiny, "ae_12h_count", "Y61", FEB)
    assert math.isnan(reg.value)
    assert "1 of 1 ICBs (QHG)" in reg.missing_reason
    eng = row(tiny, "ae_12h_count", "ENG", FEB, "sex", "male")
    assert math.isnan(eng.value) and "1 of 3 ICBs" in eng.missing_reason
    # other datasets of the same ICB-month are unaffected
    assert row(tiny, "bed_occupancy_pct", "QHG", FEB).missing_reason is None


def test_empty_group_counts_zero_and_ratio_says_why(tiny: Computation) -> None:
    m = tiny.metrics
    ratio = m[(m.metric_id == "ae_4h_pct") & (m.org_code == "QMJ") & (m.period == JAN)]
    ratio = ratio[ratio.breakdown == "imd_decile"]
    assert len(ratio) == 10  # every decile appears, with or without records
    empty = ratio[ratio.denominator == 0]
    assert not empty.empty
    assert empty.value.isna().all()
    assert (empty.missing_reason == "denominator is zero").all()


def test_lineage_names_the_revisions_used(tiny: Computation) -> None:
    lineage = tiny.lineage.set_index("lineage_key")["revision_ids"]
    icb = row(tiny, "ae_4h_pct", "QMJ", JAN)
    assert list(lineage[icb.revisions]) == ["rev-ae_attendances-QMJ-202401"]
    region = row(tiny, "bed_occupancy_pct", "Y56", JAN)
    assert sorted(lineage[region.revisions]) == ["rev-beds-QMF-202401", "rev-beds-QMJ-202401"]
    snapshot = row(tiny, "rtt_52w_count", "QMJ", FEB)
    assert sorted(lineage[snapshot.revisions]) == [
        "rev-rtt_pathways-QMJ-202401",
        "rev-rtt_pathways-QMJ-202402",
    ]
