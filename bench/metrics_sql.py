"""The hand-written DuckDB SQL baseline for bench/metrics.py: the full catalogue's aggregates.

Every catalogue data item for ICB, region and England x total and every breakdown x every month,
written as one would by hand: per dataset, the records joined with region membership, copied
once per organisation level, and aggregated with GROUPING SETS (one set per breakdown);
snapshots (waiting lists, backlogs) join the records with the month-ends; quantiles use
quantile_cont (the engine's definition). Aggregate returns are summed per level. It yields the
aggregates only, not the tidy rows, missing-value reasons or lineage the engine also produces.
"""

from __future__ import annotations

import time
from pathlib import Path

import duckdb
import pandas as pd

SETS = """GROUPING SETS ((lvl, org, period), (lvl, org, period, imd_decile),
  (lvl, org, period, imd_quintile), (lvl, org, period, ethnicity_group),
  (lvl, org, period, age_band), (lvl, org, period, sex))"""

RECORDS = """WITH r AS (
  SELECT a.*, m.region_code, {dims}
  FROM (SELECT * EXCLUDE (imd_decile, ethnicity_group, age_band, sex), imd_decile AS d0,
          ethnicity_group AS e0, age_band AS a0, sex AS s0
        FROM read_parquet('{glob}', hive_partitioning = false)) a
  JOIN membership m USING (icb_code, period)
), lv AS (
  SELECT 'icb' AS lvl, icb_code AS org, * FROM r UNION ALL
  SELECT 'region', region_code, * FROM r UNION ALL
  SELECT 'england', 'ENG', * FROM r
)
SELECT lvl, org, period, imd_decile, imd_quintile, ethnicity_group, age_band, sex, {aggs}
FROM lv GROUP BY {sets}"""

RAW_DIMS = """coalesce(CAST(d0 AS VARCHAR), 'unknown') AS imd_decile,
  coalesce(CAST((d0 + 1) // 2 AS VARCHAR), 'unknown') AS imd_quintile,
  coalesce(e0, 'unknown') AS ethnicity_group,
  coalesce(a0, 'unknown') AS age_band, coalesce(s0, 'unknown') AS sex"""

AE = """count(*) AS ae_attendances,
  count(*) FILTER (WHERE wait_minutes > 720) AS ae_over_12_hours,
  count(*) FILTER (WHERE wait_minutes <= 240) AS ae_within_4_hours"""

AMBULANCE = """avg(response_seconds) FILTER (WHERE category = 'C1') AS c1_mean,
  count(response_seconds) FILTER (WHERE category = 'C1') AS c1_n,
  quantile_cont(response_seconds, 0.9) FILTER (WHERE category = 'C1') AS c1_p90,
  avg(response_seconds) FILTER (WHERE category = 'C2') AS c2_mean,
  count(response_seconds) FILTER (WHERE category = 'C2') AS c2_n,
  quantile_cont(response_seconds, 0.9) FILTER (WHERE category = 'C2') AS c2_p90"""

CANCER = """count(*) AS cancer_referrals,
  count(*) FILTER (WHERE cancer_confirmed AND treatment_date IS NOT NULL) AS cancer_treated,
  count(*) FILTER (WHERE cancer_confirmed AND treatment_date - referral_date <= 62)
    AS cancer_treated_within_62_days,
  count(*) FILTER (WHERE outcome_date - referral_date <= 28) AS cancer_told_within_28_days"""

TALKING = """count(*) FILTER (WHERE first_treatment_date IS NOT NULL) AS tt_entered_treatment,
  count(*) FILTER (WHERE finished_course AND at_caseness) AS tt_finished_at_caseness,
  count(*) FILTER (WHERE finished_course AND at_caseness AND recovered) AS tt_recovered"""

SNAPSHOTS = """WITH e AS (SELECT period, last_day(period) AS month_end FROM periods),
r AS (
  SELECT a.icb_code, e.period, m.region_code, a.start, a.stop, e.month_end, {dims}
  FROM (SELECT icb_code, {start} AS start, {stop} AS stop, imd_decile AS d0,
          ethnicity_group AS e0, age_band AS a0, sex AS s0
        FROM read_parquet('{glob}', hive_partitioning = false)
        WHERE period <= (SELECT max(period) FROM periods) AND {where}) a
  JOIN e ON a.start <= e.month_end AND (a.stop IS NULL OR a.stop > e.month_end)
  JOIN membership m ON m.icb_code = a.icb_code AND m.period = e.period
), lv AS (
  SELECT 'icb' AS lvl, icb_code AS org, * FROM r UNION ALL
  SELECT 'region', region_code, * FROM r UNION ALL
  SELECT 'england', 'ENG', * FROM r
)
SELECT lvl, org, period, imd_decile, imd_quintile, ethnicity_group, age_band, sex, {aggs}
FROM lv GROUP BY {sets}"""

RTT = """count(*) AS rtt_waiting,
  count(*) FILTER (WHERE month_end - start > 364) AS over_52_weeks,
  count(*) FILTER (WHERE month_end - start > 455) AS over_65_weeks,
  count(*) FILTER (WHERE month_end - start > 546) AS over_78_weeks,
  count(*) FILTER (WHERE month_end - start <= 126) AS within_18_weeks"""

AGGREGATES = {
    "beds": ["ga_beds_available", "ga_beds_occupied"],
    "community_ucr": ["ucr_referrals", "ucr_within_2_hours"],
    "diagnostics_waiting": ["diagnostic_waiting", "diagnostic_waiting_within_6_weeks"],
    "finance": ["actual_surplus_gbp_k", "plan_surplus_gbp_k"],
    "gp_appointments": ["appointments", "appointments_within_2_weeks"],
    "mental_health": [
        "cyp_mh_access_12m",
        "dementia_diagnosed",
        "dementia_estimated_prevalence",
        "oap_bed_days",
    ],
    "primary_care": [
        "hypertension_register",
        "hypertension_treated_to_target",
        "ld_health_checks",
        "ld_register",
    ],
    "workforce": ["available_days", "leavers_fte", "sickness_days_lost", "staff_fte"],
}

RETURNS = """WITH r AS (
  SELECT a.*, m.region_code FROM read_parquet('{glob}', hive_partitioning = false) a
  JOIN membership m USING (icb_code, period)
)
SELECT lvl, org, period, {aggs} FROM (
  SELECT 'icb' AS lvl, icb_code AS org, * FROM r UNION ALL
  SELECT 'region', region_code, * FROM r UNION ALL
  SELECT 'england', 'ENG', * FROM r
) GROUP BY lvl, org, period"""


def statements(lake: Path) -> list[str]:
    """One SELECT per dataset (two for cancer: referrals and the backlog snapshot)."""

    def glob(ds: str) -> str:
        return str(lake / ds / "*" / "*.parquet")

    out = [
        RECORDS.format(dims=RAW_DIMS, glob=glob(ds), aggs=aggs, sets=SETS)
        for ds, aggs in (
            ("ae_attendances", AE),
            ("ambulance_incidents", AMBULANCE),
            ("cancer_referrals", CANCER),
            ("talking_therapies_referrals", TALKING),
        )
    ]
    out.append(
        SNAPSHOTS.format(
            dims=RAW_DIMS,
            glob=glob("rtt_pathways"),
            start="clock_start",
            stop="clock_stop",
            where="true",
            aggs=RTT,
            sets=SETS,
        )
    )
    out.append(
        SNAPSHOTS.format(
            dims=RAW_DIMS,
            glob=glob("cancer_referrals"),
            start="referral_date",
            stop="treatment_date",
            where="cancer_confirmed",
            aggs="count(*) FILTER (WHERE month_end - start > 62) AS over_62_days",
            sets=SETS,
        )
    )
    for ds, cols in AGGREGATES.items():
        aggs = ", ".join(f"sum({c}) AS {c}" for c in cols)
        out.append(RETURNS.format(glob=glob(ds), aggs=aggs))
    return out


def run(lake: Path, membership: pd.DataFrame, threads: int | None = None) -> tuple[float, int]:
    """Seconds to run every statement (results fetched), and the number of rows they give."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    con.register("membership_df", membership)
    con.execute("CREATE TEMP TABLE membership AS SELECT * FROM membership_df")
    periods = pd.DataFrame({"period": sorted(set(membership["period"]))})
    con.register("periods_df", periods)
    con.execute(
        "CREATE TEMP TABLE periods AS SELECT CAST(period AS DATE) AS period FROM periods_df"
    )
    started = time.perf_counter()
    rows = 0
    for sql in statements(lake):
        rows += len(con.execute(sql).fetch_df())
    took = time.perf_counter() - started
    con.close()
    return took, rows
