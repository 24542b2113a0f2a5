"""Benchmark of the metric engine. Prints ONE JSON object; every figure comes from this run.

    .venv/bin/python bench/metrics.py --lake /tmp/lake1 --pandas-lake /tmp/lake01
    .venv/bin/python bench/metrics.py --scale 0.1 --months 12      # makes a lake first

- engine_full_s: the whole catalogue (all metrics x ICBs + regions + England x months x all
  breakdowns: item values, tidy rows, missing-value reasons, lineage; no statistics) on DuckDB;
- sql_full_s: the hand-written DuckDB SQL script computing the same aggregates
  (bench/metrics_sql.py), and engine_vs_sql = engine_full_s / sql_full_s;
- pandas: the engine and a straightforward pandas implementation (bench/metrics_pandas.py) of
  the whole catalogue on the --pandas-lake (default: the same lake), like with like;
- incremental_*_s: recompute one changed ICB-month (the last month, first ICB), including
  statistics, for A&E and for RTT (whose change reaches every later snapshot);
- statistics_s: SPC, intervals and funnels on the full results;
- peak_rss_mb: peak resident memory of this process after the engine's work (full catalogue,
  statistics, incremental; DuckDB runs in-process) and before any baseline; then after the
  SQL baseline (peak_rss_after_sql_mb) and after pandas (peak_rss_with_pandas_mb).
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

import metrics_pandas
import metrics_sql

from oversight.catalogue import load
from oversight.metrics import statistics
from oversight.metrics.computation import compute, used_items
from oversight.metrics.engines import DuckDBEngine
from oversight.metrics.incremental import apply_change
from oversight.metrics.lakefiles import lake_periods
from oversight.metrics.organisations import OrgTree
from oversight.metrics.pipeline import canonical


def peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def records(lake: Path) -> int:
    import pyarrow.parquet as pq

    return sum(pq.ParquetFile(p).metadata.num_rows for p in lake.glob("*/*/*.parquet"))


def warm(lake: Path) -> None:
    """Read every file once so that no contender pays for a cold page cache."""
    for path in lake.glob("*/*/*.parquet"):
        path.read_bytes()


def timed(fn: Any, *args: Any) -> tuple[float, Any]:
    started = time.perf_counter()
    out = fn(*args)
    took = time.perf_counter() - started
    print(f"{getattr(fn, '__name__', fn)}: {took:.2f} s", file=sys.stderr, flush=True)
    return took, out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--lake", type=Path, default=None, help="reuse a synthetic lake")
    ap.add_argument("--pandas-lake", type=Path, default=None, help="smaller lake for pandas")
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
    defs = {m.id: m for m in metrics}
    by_ds = used_items(metrics, cat.data_items)

    def setup(at: Path) -> tuple[list, OrgTree]:
        periods = lake_periods(at, by_ds)
        return periods, OrgTree.from_catalogue(cat, periods)

    periods, tree = setup(lake)
    warm(lake)
    engine = DuckDBEngine()
    engine_full, comp = timed(compute, lake, metrics, cat.data_items, tree, engine)
    targets = list(cat.targets.values())
    stats_s, stats = timed(statistics.attach, comp.metrics, defs, targets)
    comp.statistics = stats
    comp = canonical(comp)
    icb = tree.icbs(periods[-1])[0]
    incremental = {}
    for dataset in ("ae_attendances", "rtt_pathways"):
        change = (dataset, icb, periods[-1])
        incremental[dataset], _ = timed(
            apply_change, comp, change, lake, metrics, cat.data_items, tree, engine, targets
        )
    peak_engine = peak_mb()  # before the baselines, which run in this process too
    sql_full, sql_rows = timed(metrics_sql.run, lake, tree.membership)[1]
    peak_sql = peak_mb()
    small = args.pandas_lake or lake
    _, small_tree = setup(small)
    engine_small, _ = timed(compute, small, metrics, cat.data_items, small_tree, engine)
    pandas_small = timed(metrics_pandas.run, small, metrics, cat.data_items, small_tree.membership)[
        1
    ]
    print(
        json.dumps(
            {
                "lake": str(lake),
                "records": records(lake),
                "months": len(periods),
                "metrics": len(metrics),
                "result_rows": len(comp.metrics),
                "engine_full_s": round(engine_full, 2),
                "sql_full_s": round(sql_full, 2),
                "sql_rows": sql_rows,
                "engine_vs_sql": round(engine_full / sql_full, 2),
                "statistics_s": round(stats_s, 2),
                "incremental_ae_one_icb_month_s": round(incremental["ae_attendances"], 3),
                "incremental_rtt_one_icb_month_s": round(incremental["rtt_pathways"], 3),
                "peak_rss_mb": peak_engine,
                "peak_rss_after_sql_mb": peak_sql,
                "pandas_lake": str(small),
                "pandas_lake_records": records(small),
                "pandas_lake_engine_s": round(engine_small, 2),
                "pandas_lake_pandas_s": round(pandas_small, 2),
                "pandas_vs_engine": round(pandas_small / engine_small, 1),
                "peak_rss_with_pandas_mb": peak_mb(),
            }
        )
    )


if __name__ == "__main__":
    main()
