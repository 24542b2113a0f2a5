"""Benchmark of the metric engine. Prints ONE JSON object; every figure comes from this run.

    .venv/bin/python bench/metrics.py [--scale 1.0] [--months 12] [--lake DIR]

- engine_full_s: the whole catalogue (all metrics x ICBs + regions + England x months x all
  breakdowns, item values and tidy rows, no statistics) on DuckDB;
- like-for-like on the A&E dataset (its 4 data items, ICB/region/England x total + 5
  breakdowns): the engine, a hand-written DuckDB SQL script (GROUPING SETS), and pandas;
- incremental_s: recompute one changed ICB-month (A&E, one ICB) including statistics;
- peak_rss_mb: peak resident memory of this process.
"""

from __future__ import annotations

import argparse
import json
import resource
import tempfile
import time
from pathlib import Path

import duckdb
import pandas as pd

from oversight.catalogue import load
from oversight.metrics.compute import compute, dataset_values, used_items
from oversight.metrics.engines import DuckDBEngine
from oversight.metrics.incremental import apply_change
from oversight.metrics.lakefiles import lake_periods
from oversight.metrics.organisations import OrgTree
from oversight.metrics.pipeline import run

SQL = """
WITH r AS (
  SELECT a.icb_code, a.period, m.region_code,
         coalesce(CAST(imd_decile AS VARCHAR), 'unknown') AS imd_decile,
         coalesce(CAST((imd_decile + 1) // 2 AS VARCHAR), 'unknown') AS imd_quintile,
         coalesce(ethnicity_group, 'unknown') AS ethnicity_group,
         coalesce(age_band, 'unknown') AS age_band, coalesce(sex, 'unknown') AS sex,
         wait_minutes, admitted
  FROM read_parquet('{glob}', hive_partitioning = false) a
  JOIN membership m USING (icb_code, period)
), lv AS (
  SELECT *, icb_code AS org FROM r
)
SELECT lvl, org, period, imd_decile, imd_quintile, ethnicity_group, age_band, sex,
       count(*) AS n, sum(CASE WHEN wait_minutes <= 240 THEN 1 ELSE 0 END) AS within_4h,
       sum(CASE WHEN wait_minutes > 720 THEN 1 ELSE 0 END) AS over_12h,
       sum(CASE WHEN admitted THEN 1 ELSE 0 END) AS admitted
FROM (
  SELECT 'icb' AS lvl, icb_code AS org, * FROM r UNION ALL
  SELECT 'region', region_code, * FROM r UNION ALL
  SELECT 'england', 'ENG', * FROM r
)
GROUP BY GROUPING SETS (
  (lvl, org, period), (lvl, org, period, imd_decile), (lvl, org, period, imd_quintile),
  (lvl, org, period, ethnicity_group), (lvl, org, period, age_band), (lvl, org, period, sex)
)
"""


def sql_script(lake: Path, tree: OrgTree) -> float:
    con = duckdb.connect()
    membership = tree.membership
    con.register("membership", membership)
    started = time.perf_counter()
    con.execute(SQL.format(glob=lake / "ae_attendances" / "*" / "*.parquet")).fetch_df()
    took = time.perf_counter() - started
    con.close()
    return took


def pandas_way(lake: Path, tree: OrgTree) -> float:
    started = time.perf_counter()
    files = sorted((lake / "ae_attendances").glob("*/*.parquet"))
    cols = [
        "icb_code",
        "period",
        "imd_decile",
        "ethnicity_group",
        "age_band",
        "sex",
        "wait_minutes",
        "admitted",
    ]
    df = pd.concat([pd.read_parquet(f, columns=cols) for f in files], ignore_index=True)
    df["period"] = pd.to_datetime(df["period"]).dt.date
    df = df.merge(tree.membership, on=["icb_code", "period"])
    df["imd_quintile"] = (df["imd_decile"] + 1) // 2
    df["within_4h"] = df["wait_minutes"] <= 240
    df["over_12h"] = df["wait_minutes"] > 720
    out = []
    for org in ("icb_code", "region_code", None):
        frame = df.assign(org=df[org] if org else "ENG")
        for dim in (None, "imd_decile", "imd_quintile", "ethnicity_group", "age_band", "sex"):
            keys = ["org", "period"] + ([dim] if dim else [])
            out.append(
                frame.groupby(keys).agg(
                    n=("wait_minutes", "size"),
                    within_4h=("within_4h", "sum"),
                    over_12h=("over_12h", "sum"),
                    admitted=("admitted", "sum"),
                )
            )
    return time.perf_counter() - started


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--lake", type=Path, default=None, help="reuse a synthetic lake")
    args = ap.parse_args()
    cat = load()
    lake = args.lake
    if lake is None:
        from oversight.synth import generate

        lake = Path(tempfile.mkdtemp(prefix="bench-metrics-")) / "lake"
        generate(
            lake, scale=args.scale, months=args.months, start="2023-04", seed=1, progress=False
        )
    metrics = list(cat.metrics.values())
    by_ds = used_items(metrics, cat.data_items)
    periods = lake_periods(lake, by_ds)
    tree = OrgTree.from_catalogue(cat, periods)
    engine = DuckDBEngine()

    started = time.perf_counter()
    comp = compute(lake, metrics, cat.data_items, tree, engine)
    engine_full = time.perf_counter() - started

    started = time.perf_counter()
    dataset_values(engine, lake, "ae_attendances", by_ds["ae_attendances"], tree, periods)
    engine_ae = time.perf_counter() - started
    sql_ae = sql_script(lake, tree)
    pandas_ae = pandas_way(lake, tree)

    comp = run(lake, metrics, cat.data_items, tree, engine)
    icb = tree.icbs(periods[-1])[0]
    started = time.perf_counter()
    apply_change(
        comp, ("ae_attendances", icb, periods[-1]), lake, metrics, cat.data_items, tree, engine
    )
    incremental = time.perf_counter() - started
    rows = sum(pq_rows(p) for p in lake.glob("*/*/*.parquet"))
    print(
        json.dumps(
            {
                "lake": str(lake),
                "scale": None if args.lake else args.scale,
                "months": len(periods),
                "records": rows,
                "metrics": len(metrics),
                "result_rows": len(comp.metrics),
                "engine_full_s": round(engine_full, 3),
                "ae_engine_s": round(engine_ae, 3),
                "ae_sql_script_s": round(sql_ae, 3),
                "ae_pandas_s": round(pandas_ae, 3),
                "ae_engine_vs_sql": round(engine_ae / sql_ae, 2),
                "ae_pandas_vs_engine": round(pandas_ae / engine_ae, 2),
                "incremental_one_icb_month_s": round(incremental, 3),
                "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
            }
        )
    )


def pq_rows(path: Path) -> int:
    import pyarrow.parquet as pq

    return pq.ParquetFile(path).metadata.num_rows


if __name__ == "__main__":
    main()
