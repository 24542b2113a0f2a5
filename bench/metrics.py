"""Benchmark of the metric engine. Prints ONE JSON object; every figure comes from this run.

    .venv/bin/python bench/metrics.py --lake /tmp/lake1 --skip-pandas       # engine vs SQL only
    .venv/bin/python bench/metrics.py --lake /tmp/lake1 --pandas-lake /tmp/lake01
    .venv/bin/python bench/metrics.py --scale 0.1 --months 12      # makes a lake first

Engine against the expert's SQL (always): each contender runs in a fresh process (`--contender
engine|sql`), with the lake's files read just before so the page cache is warm, alternating
engine, SQL, engine, SQL (`--rounds`, default 2); the best time of each is kept, and the peak
resident memory (RSS) of each contender's process is its highest over the rounds.

- engine_seconds: the whole catalogue (all metrics x ICBs + regions + England x months x all
  breakdowns: item values, tidy rows, missing-value reasons, lineage; no statistics) on DuckDB;
- sql_seconds: the expert's DuckDB SQL computing the same aggregates (bench/metrics_sql.py,
  checked value for value against the engine by tests/bench/test_metrics_sql.py);
- engine_vs_sql = engine_seconds / sql_seconds; engine_peak_rss_mb, sql_peak_rss_mb;
- load_average: `os.getloadavg()` before and after (the machine may be shared);
- engine_cpu_runs_s, sql_cpu_runs_s: each run's CPU seconds (`time.process_time`, every thread
  of the contender's process; the SQL's include opening its connection, a few ms). With
  `--threads 1` they compare the work done, which a busy machine inflates less than the wall
  time.

Unless --skip-pandas, also in this process: the engine and a straightforward pandas
implementation (bench/metrics_pandas.py) on the --pandas-lake (default: the same lake);
incremental_*_s (recompute one changed ICB-month, the last month's first ICB, with statistics,
for A&E and for RTT, whose change reaches every later snapshot) and statistics_s (SPC,
intervals and funnels on the full results)."""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
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


def contender(name: str, lake: Path, threads: int | None) -> dict[str, Any]:
    """Run one contender in this (fresh) process: its seconds, result rows and peak RSS.

    Setup (catalogue, membership, connection) is not timed, for either contender.
    """
    cat = load()
    metrics = list(cat.metrics.values())
    periods = lake_periods(lake, used_items(metrics, cat.data_items))
    tree = OrgTree.from_catalogue(cat, periods)
    cpu = time.process_time()
    if name == "engine":
        engine = DuckDBEngine(threads=threads)
        cpu = time.process_time()
        took, comp = timed(compute, lake, metrics, cat.data_items, tree, engine)
        rows = len(comp.metrics)
    else:
        took, rows = metrics_sql.run(lake, tree.membership, threads)
    cpu = time.process_time() - cpu
    return {
        "seconds": round(took, 3),
        "cpu_seconds": round(cpu, 3),
        "rows": rows,
        "peak_rss_mb": peak_mb(),
    }


def duel(lake: Path, rounds: int, threads: int | None) -> dict[str, Any]:
    """Engine and SQL alternately, each in a fresh process after warming the page cache."""
    runs: dict[str, list[dict[str, Any]]] = {"engine": [], "sql": []}
    before = os.getloadavg()
    for _ in range(rounds):
        for name in ("engine", "sql"):
            warm(lake)
            cmd = [sys.executable, __file__, "--contender", name, "--lake", str(lake)]
            if threads:
                cmd += ["--threads", str(threads)]
            done = subprocess.run(cmd, capture_output=True, text=True, check=False)
            if done.returncode != 0:
                raise SystemExit(f"{name} failed:\n{done.stderr[-4000:]}")
            runs[name].append(json.loads(done.stdout.strip().splitlines()[-1]))
            print(f"{name}: {runs[name][-1]}", file=sys.stderr, flush=True)
    best = {k: min(r["seconds"] for r in v) for k, v in runs.items()}
    peak = {k: max(r["peak_rss_mb"] for r in v) for k, v in runs.items()}
    return {
        "engine_seconds": best["engine"],
        "sql_seconds": best["sql"],
        "engine_vs_sql": round(best["engine"] / best["sql"], 3),
        "engine_peak_rss_mb": peak["engine"],
        "sql_peak_rss_mb": peak["sql"],
        "engine_runs_s": [r["seconds"] for r in runs["engine"]],
        "sql_runs_s": [r["seconds"] for r in runs["sql"]],
        "engine_cpu_runs_s": [r["cpu_seconds"] for r in runs["engine"]],
        "sql_cpu_runs_s": [r["cpu_seconds"] for r in runs["sql"]],
        "result_rows": runs["engine"][0]["rows"],
        "sql_rows": runs["sql"][0]["rows"],
        "load_average_before": [round(x, 2) for x in before],
        "load_average_after": [round(x, 2) for x in os.getloadavg()],
    }


def extras(lake: Path, pandas_lake: Path | None) -> dict[str, Any]:
    """Statistics, incremental recomputes and the pandas comparison, in this process."""
    cat = load()
    metrics = list(cat.metrics.values())
    defs = {m.id: m for m in metrics}
    by_ds = used_items(metrics, cat.data_items)

    def setup(at: Path) -> tuple[list, OrgTree]:
        periods = lake_periods(at, by_ds)
        return periods, OrgTree.from_catalogue(cat, periods)

    periods, tree = setup(lake)
    warm(lake)
    engine = DuckDBEngine()
    _, comp = timed(compute, lake, metrics, cat.data_items, tree, engine)
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
    small = pandas_lake or lake
    _, small_tree = setup(small)
    engine_small, _ = timed(compute, small, metrics, cat.data_items, small_tree, engine)
    pandas_small = timed(metrics_pandas.run, small, metrics, cat.data_items, small_tree.membership)[
        1
    ]
    return {
        "statistics_s": round(stats_s, 2),
        "incremental_ae_one_icb_month_s": round(incremental["ae_attendances"], 3),
        "incremental_rtt_one_icb_month_s": round(incremental["rtt_pathways"], 3),
        "pandas_lake": str(small),
        "pandas_lake_records": records(small),
        "pandas_lake_engine_s": round(engine_small, 2),
        "pandas_lake_pandas_s": round(pandas_small, 2),
        "pandas_vs_engine": round(pandas_small / engine_small, 1),
        "peak_rss_with_pandas_mb": peak_mb(),
    }


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--months", type=int, default=12)
    ap.add_argument("--lake", type=Path, default=None, help="reuse a synthetic lake")
    ap.add_argument("--pandas-lake", type=Path, default=None, help="smaller lake for pandas")
    ap.add_argument("--skip-pandas", action="store_true", help="engine against SQL only")
    ap.add_argument("--rounds", type=int, default=2, help="alternating runs of each contender")
    ap.add_argument("--threads", type=int, default=None, help="DuckDB threads (default: all)")
    ap.add_argument("--contender", choices=("engine", "sql"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.contender:
        print(json.dumps(contender(args.contender, args.lake, args.threads)))
        return
    lake = args.lake
    if lake is None:
        from oversight.synth import generate

        lake = Path(tempfile.mkdtemp(prefix="bench-metrics-")) / "lake"
        generate(
            lake, scale=args.scale, months=args.months, start="2023-04", seed=1, progress=False
        )
    cat = load()
    periods = lake_periods(lake, used_items(list(cat.metrics.values()), cat.data_items))
    out: dict[str, Any] = {
        "lake": str(lake),
        "records": records(lake),
        "months": len(periods),
        "metrics": len(cat.metrics),
        "cpus": os.cpu_count(),
        **duel(lake, args.rounds, args.threads),
    }
    if not args.skip_pandas:
        out.update(extras(lake, args.pandas_lake))
    print(json.dumps(out))


if __name__ == "__main__":
    main()
