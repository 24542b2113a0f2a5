"""The expert's DuckDB SQL for bench/metrics.py: the full catalogue's aggregates, hand-written.

The engine is measured against the fastest SQL we know how to write for the same figures (every
catalogue data item for ICB, region and England x total and every breakdown group x every month),
planned the way an analyst who knows DuckDB would (issue 17):

- one GROUP BY per dataset over ICB x period x the raw person columns into a small partial
  (conditional counts as `count(*) FILTER`, means as sum, count and sum of squares);
- GROUPING SETS for the three levels x six breakdowns over that partial (region and England by
  joining membership; labels made from the few partial rows, never per record);
- open-at-month-end items (waiting lists, backlogs): per record, the month indices at which each
  item counts are worked out once as integers, the record is expanded once into the months of
  its run, grouped by ICB x person columns x month, then rolled up like any partial;
- only the non-additive aggregates (the p90s) are taken per level and breakdown from the
  records (`quantile_cont`, the engine's definition), keyed by category so each record enters
  each grouping set once.

It yields the aggregates only (one frame per statement: lvl, org, period, breakdown, grp and
one column per data item, means as values), not the tidy rows, missing-value reasons or lineage
the engine also produces. tests/bench/test_metrics_sql.py checks every value against the engine.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import duckdb
import pandas as pd

DIMS = """coalesce(CAST(imd_decile AS VARCHAR), 'unknown') AS imd_decile,
  coalesce(CAST((imd_decile + 1) // 2 AS VARCHAR), 'unknown') AS imd_quintile,
  coalesce(ethnicity_group, 'unknown') AS ethnicity_group,
  coalesce(age_band, 'unknown') AS age_band, coalesce(sex, 'unknown') AS sex"""
"""Breakdown groups from the raw person columns (a null is the group `unknown`)."""

BREAKDOWN = """CASE GROUPING(imd_decile, imd_quintile, ethnicity_group, age_band, sex)
    WHEN 31 THEN 'total' WHEN 15 THEN 'imd_decile' WHEN 23 THEN 'imd_quintile'
    WHEN 27 THEN 'ethnicity_group' WHEN 29 THEN 'age_band' ELSE 'sex' END AS breakdown,
  coalesce(imd_decile, imd_quintile, ethnicity_group, age_band, sex, 'total') AS grp"""

SETS = """GROUPING SETS ((lvl, org, period), (lvl, org, period, imd_decile),
  (lvl, org, period, imd_quintile), (lvl, org, period, ethnicity_group),
  (lvl, org, period, age_band), (lvl, org, period, sex))"""

ROLLUP = """WITH p AS MATERIALIZED ({partial}),
lv AS (
  SELECT 'icb' AS lvl, icb_code AS org, * FROM p UNION ALL
  SELECT 'region', m.region_code, p.* FROM p JOIN membership m USING (icb_code, period)
  UNION ALL SELECT 'england', 'ENG', * FROM p
), g AS (SELECT * EXCLUDE (imd_decile, ethnicity_group, age_band, sex), {dims} FROM lv)
SELECT lvl, org, period, {breakdown}, {sums} FROM g GROUP BY {sets}"""
"""Stage two: the three levels x six breakdowns over a partial keyed by icb_code, period and the
raw person columns (a few hundred thousand rows whatever the number of records)."""

PARTIAL = """SELECT icb_code, period, imd_decile, ethnicity_group, age_band, sex, {aggs}
FROM read_parquet('{glob}', hive_partitioning = false) GROUP BY ALL"""

AE = """count(*) AS ae_attendances,
  count(*) FILTER (WHERE wait_minutes > 720) AS ae_over_12_hours,
  count(*) FILTER (WHERE wait_minutes <= 240) AS ae_within_4_hours"""

CANCER = """count(*) AS cancer_referrals,
  count(*) FILTER (WHERE outcome_date - referral_date <= 28) AS cancer_told_within_28_days,
  count(*) FILTER (WHERE cancer_confirmed AND treatment_date IS NOT NULL) AS cancer_treated,
  count(*) FILTER (WHERE cancer_confirmed AND treatment_date - referral_date <= 62)
    AS cancer_treated_within_62_days"""

TALKING = """count(*) FILTER (WHERE first_treatment_date IS NOT NULL) AS tt_entered_treatment,
  count(*) FILTER (WHERE finished_course AND at_caseness) AS tt_finished_at_caseness,
  count(*) FILTER (WHERE finished_course AND at_caseness AND recovered) AS tt_recovered"""

AMBULANCE_MEANS = """sum(response_seconds) FILTER (WHERE category = 'C1') AS c1_sum,
  count(response_seconds) FILTER (WHERE category = 'C1') AS c1_n,
  sum(response_seconds::DOUBLE * response_seconds) FILTER (WHERE category = 'C1') AS c1_ss,
  sum(response_seconds) FILTER (WHERE category = 'C2') AS c2_sum,
  count(response_seconds) FILTER (WHERE category = 'C2') AS c2_n,
  sum(response_seconds::DOUBLE * response_seconds) FILTER (WHERE category = 'C2') AS c2_ss"""

AMBULANCE_SUMS = """sum(c1_sum) / nullif(sum(c1_n), 0) AS ambulance_c1_response_mean,
  sum(c1_n) AS ambulance_c1_response_mean__n, sum(c1_ss) AS ambulance_c1_response_mean__ss,
  sum(c2_sum) / nullif(sum(c2_n), 0) AS ambulance_c2_response_mean,
  sum(c2_n) AS ambulance_c2_response_mean__n, sum(c2_ss) AS ambulance_c2_response_mean__ss"""

QUANTILES = """WITH r AS (
  SELECT a.icb_code, m.region_code, a.period, a.category, a.response_seconds::DOUBLE AS x, {dims}
  FROM read_parquet('{glob}', hive_partitioning = false) a
  LEFT JOIN membership m USING (icb_code, period)
  WHERE a.category IN ('C1', 'C2')
)
SELECT CASE GROUPING(icb_code, region_code) WHEN 1 THEN 'icb' WHEN 2 THEN 'region'
    ELSE 'england' END AS lvl,
  coalesce(icb_code, region_code, 'ENG') AS org, period, {breakdown}, category,
  quantile_cont(x, 0.9) AS p90, count(x) AS n
FROM r GROUP BY GROUPING SETS ({sets})
HAVING GROUPING(icb_code, region_code) <> 2 OR region_code IS NOT NULL"""
"""The p90s, from the records: 18 grouping sets (level x breakdown), keyed by category."""

SNAPSHOT_PARTIAL = """WITH r AS (
  SELECT icb_code, imd_decile, ethnicity_group, age_band, sex,
    {runs}
  FROM read_parquet('{glob}', hive_partitioning = false)
  WHERE period <= DATE '{last}' AND {where}
), x AS (
  SELECT * EXCLUDE (m0, m1), unnest(range(greatest(m0, 0), least(m1, {span}) + 1)) AS k FROM r
)
SELECT icb_code, s.period, imd_decile, ethnicity_group, age_band, sex, {counts}
FROM x JOIN snapshots s USING (k) GROUP BY ALL"""
"""Stage one for open-at-month-end items: each record's run of month indices [m0, m1] (index 0 is
the first period's month; month-end E of index k) expanded once, each item counted by integer
bounds worked out once per record, and grouped by ICB x snapshot x person columns."""


def _month(expr: str, origin: dt.date) -> str:
    """Whole months from the origin's month to the month of a date expression."""
    return f"(year({expr}) * 12 + month({expr}) - {origin.year * 12 + origin.month})"


def _rtt(origin: dt.date) -> tuple[str, str]:
    """Runs and counts of the RTT waiting list items: started by E, not stopped by E, and waited
    more than 364/455/546 days, or at most 126 days, at E."""
    runs = f"""{_month("clock_start", origin)} AS m0,
    coalesce({_month("clock_stop", origin)} - 1, 1 << 30) AS m1,
    {_month("clock_start + 365", origin)} AS lo52,
    {_month("clock_start + 456", origin)} AS lo65,
    {_month("clock_start + 547", origin)} AS lo78,
    {_month("clock_start + 127", origin)} - 1 AS hi18"""
    counts = """count(*) AS rtt_waiting,
  count(*) FILTER (WHERE k >= lo52) AS rtt_waiting_over_52_weeks,
  count(*) FILTER (WHERE k >= lo65) AS rtt_waiting_over_65_weeks,
  count(*) FILTER (WHERE k >= lo78) AS rtt_waiting_over_78_weeks,
  count(*) FILTER (WHERE k <= hi18) AS rtt_waiting_within_18_weeks"""
    return runs, counts


def _backlog(origin: dt.date) -> tuple[str, str]:
    """The cancer backlog: confirmed, referred more than 62 days before E, not treated by E (the
    run starts at the month by whose end 62 days have passed)."""
    runs = f"""{_month("referral_date + 63", origin)} AS m0,
    coalesce({_month("treatment_date", origin)} - 1, 1 << 30) AS m1"""
    return runs, "count(*) AS cancer_waiting_over_62_days"


AGGREGATES: dict[str, list[str | tuple[str, str]]] = {
    "beds": ["ga_beds_available", "ga_beds_occupied"],
    "community_ucr": ["ucr_referrals", "ucr_within_2_hours"],
    "diagnostics_waiting": ["diagnostic_waiting", "diagnostic_waiting_within_6_weeks"],
    "finance": ["actual_surplus_gbp_k", "plan_surplus_gbp_k"],
    "gp_appointments": [
        ("gp_appointments", "appointments"),
        ("gp_appointments_within_2_weeks", "appointments_within_2_weeks"),
    ],
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
"""ICB-month returns: data item id (or (id, column)) per dataset; summed per level."""

RETURNS = """WITH p AS (SELECT a.*, m.region_code
  FROM read_parquet('{glob}', hive_partitioning = false) a
  LEFT JOIN membership m USING (icb_code, period))
SELECT CASE GROUPING(icb_code, region_code) WHEN 1 THEN 'icb' WHEN 2 THEN 'region'
    ELSE 'england' END AS lvl,
  coalesce(icb_code, region_code, 'ENG') AS org, period, 'total' AS breakdown, 'total' AS grp,
  {sums}
FROM p GROUP BY GROUPING SETS ((icb_code, period), (region_code, period), (period))
HAVING GROUPING(icb_code, region_code) <> 2 OR region_code IS NOT NULL"""


def _level_sets() -> str:
    sets = []
    for org in ("icb_code, ", "region_code, ", ""):
        for dim in ("", "imd_decile", "imd_quintile", "ethnicity_group", "age_band", "sex"):
            sets.append(f"(category, {org}period{', ' + dim if dim else ''})")
    return ", ".join(sets)


def _rollup(partial: str, items: list[str], sums: str | None = None) -> str:
    return ROLLUP.format(
        partial=partial,
        dims=DIMS,
        breakdown=BREAKDOWN,
        sums=sums or ", ".join(f"sum({c}) AS {c}" for c in items),
        sets=SETS,
    )


def statements(lake: Path, periods: list[dt.date]) -> dict[str, str]:
    """One SELECT per dataset (two for ambulance: means and p90s; two for cancer: referrals
    and the backlog), by name."""

    def glob(ds: str) -> str:
        return str(lake / ds / "*" / "*.parquet")

    origin, last = min(periods), max(periods)
    span = (last.year - origin.year) * 12 + last.month - origin.month
    out: dict[str, str] = {}
    for ds, aggs, items in (
        ("ae_attendances", AE, ["ae_attendances", "ae_over_12_hours", "ae_within_4_hours"]),
        (
            "cancer_referrals",
            CANCER,
            [
                "cancer_referrals",
                "cancer_told_within_28_days",
                "cancer_treated",
                "cancer_treated_within_62_days",
            ],
        ),
        (
            "talking_therapies_referrals",
            TALKING,
            ["tt_entered_treatment", "tt_finished_at_caseness", "tt_recovered"],
        ),
    ):
        out[ds] = _rollup(PARTIAL.format(aggs=aggs, glob=glob(ds)), items)
    out["ambulance_incidents"] = _rollup(
        PARTIAL.format(aggs=AMBULANCE_MEANS, glob=glob("ambulance_incidents")),
        [],
        AMBULANCE_SUMS,
    )
    out["ambulance_incidents:p90"] = QUANTILES.format(
        dims=DIMS, glob=glob("ambulance_incidents"), breakdown=BREAKDOWN, sets=_level_sets()
    )
    for name, ds, plan, where in (
        ("rtt_pathways", "rtt_pathways", _rtt, "true"),
        ("cancer_referrals:backlog", "cancer_referrals", _backlog, "cancer_confirmed"),
    ):
        runs, counts = plan(origin)
        partial = SNAPSHOT_PARTIAL.format(
            runs=runs, glob=glob(ds), last=last, where=where, span=span, counts=counts
        )
        items = [c.rsplit(" AS ", 1)[1].strip() for c in counts.split(",\n")]
        out[name] = _rollup(partial, items)
    for ds, cols in AGGREGATES.items():
        pairs = [c if isinstance(c, tuple) else (c, c) for c in cols]
        sums = ", ".join(f"sum({col}) AS {item}" for item, col in pairs)
        out[ds] = RETURNS.format(glob=glob(ds), sums=sums)
    return out


def connect(membership: pd.DataFrame, threads: int | None = None) -> duckdb.DuckDBPyConnection:
    """A connection holding the membership (icb_code, period, region_code) and the snapshots
    (month index k, period) of its periods."""
    con = duckdb.connect()
    con.execute("SET enable_progress_bar = false")
    if threads:
        con.execute(f"SET threads = {int(threads)}")
    mem = membership[["icb_code", "period", "region_code"]]
    con.register("membership_df", mem)
    con.execute(
        "CREATE TEMP TABLE membership AS SELECT icb_code, CAST(period AS DATE) AS period,"
        " region_code FROM membership_df"
    )
    periods = sorted(set(mem["period"]))
    origin = min(periods)
    snaps = pd.DataFrame(
        {
            "k": [(p.year - origin.year) * 12 + p.month - origin.month for p in periods],
            "period": periods,
        }
    )
    con.register("snapshots_df", snaps)
    con.execute(
        "CREATE TEMP TABLE snapshots AS SELECT CAST(k AS BIGINT) AS k,"
        " CAST(period AS DATE) AS period FROM snapshots_df"
    )
    return con


def frames(
    lake: Path, membership: pd.DataFrame, threads: int | None = None
) -> dict[str, pd.DataFrame]:
    """Every statement's result, by name (for checking the values against the engine)."""
    periods = sorted(set(membership["period"]))
    con = connect(membership, threads)
    try:
        return {
            name: con.execute(sql).fetch_df() for name, sql in statements(lake, periods).items()
        }
    finally:
        con.close()


def run(lake: Path, membership: pd.DataFrame, threads: int | None = None) -> tuple[float, int]:
    """Seconds to run every statement (results fetched), and the number of rows they give."""
    periods = sorted(set(membership["period"]))
    con = connect(membership, threads)
    started = time.perf_counter()
    rows = 0
    for sql in statements(lake, periods).values():
        rows += len(con.execute(sql).fetch_df())
    took = time.perf_counter() - started
    con.close()
    return took, rows
