"""National levels of the generated lake lie in the published ranges."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from oversight.synth import Manifest


def one(sql: str) -> float:
    return float(duckdb.execute(sql).fetchall()[0][0])


def test_national_ae_4_hour_percent_in_calibrated_range(lake: tuple[Path, Manifest]) -> None:
    out, _ = lake
    pct = one(
        f"select 100 * avg((wait_minutes <= 240)::int) "
        f"from read_parquet('{out}/ae_attendances/*/*.parquet')"
    )
    assert 70 <= pct <= 76
    over_12 = one(
        f"select 100 * avg((wait_minutes > 720)::int) "
        f"from read_parquet('{out}/ae_attendances/*/*.parquet')"
    )
    assert 1 <= over_12 <= 2.5


def test_winter_is_worse_than_summer_for_ae(lake: tuple[Path, Manifest]) -> None:
    out, _ = lake
    by_month = dict(
        duckdb.execute(
            f"select month(period), avg((wait_minutes <= 240)::int) "
            f"from read_parquet('{out}/ae_attendances/*/*.parquet') group by 1"
        ).fetchall()
    )
    assert by_month[1] < by_month[7] - 0.02


@pytest.mark.parametrize(("category", "low", "high"), [("C1", 7, 10), ("C2", 28, 45)])
def test_ambulance_mean_response(
    lake: tuple[Path, Manifest], category: str, low: float, high: float
) -> None:
    out, _ = lake
    minutes = one(
        f"select avg(response_seconds) / 60 "
        f"from read_parquet('{out}/ambulance_incidents/*/*.parquet') where category = '{category}'"
    )
    assert low <= minutes <= high


def test_rtt_waiting_list_shape(lake: tuple[Path, Manifest]) -> None:
    out, _ = lake
    end = "2024-03-31"
    (row,) = duckdb.execute(
        f"select avg((date '{end}' - clock_start <= 126)::int), "
        f"sum((date '{end}' - clock_start > 364)::int), "
        f"sum((date '{end}' - clock_start > 546)::int) "
        f"from read_parquet('{out}/rtt_pathways/*/*.parquet') "
        f"where clock_start <= date '{end}' and (clock_stop is null or clock_stop > date '{end}')"
    ).fetchall()
    within_18, over_52, over_78 = row
    assert 0.52 <= within_18 <= 0.64
    assert over_52 > 0 and over_78 > 0


def test_cancer_and_talking_therapies_levels(lake: tuple[Path, Manifest]) -> None:
    out, _ = lake
    fds = one(
        f"select avg((outcome_date - referral_date <= 28)::int) "
        f"from read_parquet('{out}/cancer_referrals/*/*.parquet') where outcome_date is not null"
    )
    assert 0.70 <= fds <= 0.80
    recovery = one(
        f"select sum(recovered::int) / sum((finished_course and at_caseness)::int) "
        f"from read_parquet('{out}/talking_therapies_referrals/*/*.parquet')"
    )
    assert 0.42 <= recovery <= 0.58


def test_aggregate_levels(lake: tuple[Path, Manifest]) -> None:
    out, _ = lake
    occupancy = one(
        f"select sum(ga_beds_occupied) / sum(ga_beds_available) "
        f"from read_parquet('{out}/beds/*/*.parquet')"
    )
    assert 0.90 <= occupancy <= 0.96
    dementia = one(
        f"select sum(dementia_diagnosed) / sum(dementia_estimated_prevalence) "
        f"from read_parquet('{out}/mental_health/*/*.parquet')"
    )
    assert 0.58 <= dementia <= 0.70
