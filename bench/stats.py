"""Benchmark the statistics layer; prints ONE JSON object.

    .venv/bin/python bench/stats.py           # full sizes
    .venv/bin/python bench/stats.py --quick   # small sizes, for a smoke run

Figures (seconds, wall clock, best of ``repeats``):
- spc_many on N series x 48 monthly points (null with a reason if not importable);
- proportion_ci on 10 million rows;
- funnel on 1,000 funnels of 42 units;
- same-run baselines, so figures compare on a noisy shared machine: a naive
  per-row Wilson (math + scipy.stats.norm.ppf, as a hand-written loop would do)
  timed on a subsample and scaled to the full row count, and a plain numpy
  one-shot Wilson without validation or blocking.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import platform
import time
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd
from scipy.stats import norm

from oversight.stats.funnel import funnel
from oversight.stats.intervals import proportion_ci


def best_of(fn: Callable[[], object], repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def naive_wilson_rows(x: np.ndarray, n: np.ndarray) -> list[tuple[float, float]]:
    out = []
    for xi, ni in zip(x.tolist(), n.tolist(), strict=True):
        z = norm.ppf(0.975)
        root = z * math.sqrt(z * z + 4 * xi * (1 - xi / ni))
        denom = 2 * (ni + z * z)
        out.append(((2 * xi + z * z - root) / denom, (2 * xi + z * z + root) / denom))
    return out


def numpy_wilson(x: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    z = 1.959963984540054
    root = z * np.sqrt(z * z + 4 * x * (1 - x / n))
    denom = 2 * (n + z * z)
    return (2 * x + z * z - root) / denom, (2 * x + z * z + root) / denom


def bench_proportion(rows: int, repeats: int, rng: np.random.Generator) -> dict[str, Any]:
    n = rng.integers(1, 5000, rows).astype(float)
    x = np.floor(rng.random(rows) * (n + 1))
    seconds = best_of(lambda: proportion_ci(x, n), repeats)
    sample = min(rows, 20_000)
    naive = best_of(lambda: naive_wilson_rows(x[:sample], n[:sample]), 1) * rows / sample
    plain = best_of(lambda: numpy_wilson(x, n), repeats)
    return {
        "rows": rows,
        "seconds": round(seconds, 4),
        "baseline_naive_per_row_scaled_seconds": round(naive, 2),
        "baseline_naive_sample_rows": sample,
        "baseline_numpy_one_shot_seconds": round(plain, 4),
        "speedup_vs_naive": round(naive / seconds, 1),
    }


def bench_funnel(funnels: int, units: int, rng: np.random.Generator) -> dict[str, Any]:
    expected = rng.uniform(50, 5000, (funnels, units))
    observed = rng.poisson(expected * rng.lognormal(0, 0.1, (funnels, units))).astype(float)

    def run() -> None:
        for i in range(funnels):
            funnel(observed[i], expected[i])

    seconds = best_of(run, 1)
    return {
        "funnels": funnels,
        "units_each": units,
        "seconds": round(seconds, 4),
        "ms_per_funnel": round(1000 * seconds / funnels, 3),
    }


def spc_table(series: int, points: int, rng: np.random.Generator) -> pd.DataFrame:
    dates = pd.date_range("2021-01-01", periods=points, freq="MS")
    return pd.DataFrame(
        {
            "series": np.repeat(np.arange(series), points),
            "date": np.tile(dates.to_numpy(), series),
            "value": rng.normal(100, 10, series * points),
        }
    )


def bench_spc(series: int, points: int, rng: np.random.Generator) -> dict[str, Any]:
    info: dict[str, Any] = {"series": series, "points_each": points}
    try:
        from oversight.stats.spc import spc_many
    except Exception as exc:  # the SPC module is another engineer's; report, never fake
        return {**info, "seconds": None, "reason": f"oversight.stats.spc not importable: {exc}"}
    table = spc_table(series, points, rng)
    try:
        seconds = best_of(lambda: spc_many(table, by="series", date="date", value="value"), 1)
    except Exception as exc:
        return {**info, "seconds": None, "reason": f"spc_many failed: {type(exc).__name__}: {exc}"}
    return {**info, "seconds": round(seconds, 4)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--quick", action="store_true", help="small sizes for a smoke run")
    args = parser.parse_args()
    rng = np.random.default_rng(20240601)
    sizes = (
        {"spc_series": 1000, "rows": 200_000, "funnels": 50, "repeats": 2}
        if args.quick
        else {"spc_series": 100_000, "rows": 10_000_000, "funnels": 1000, "repeats": 5}
    )
    result = {
        "quick": args.quick,
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "proportion_ci": bench_proportion(sizes["rows"], sizes["repeats"], rng),
        "funnel": bench_funnel(sizes["funnels"], 42, rng),
        "spc_many": bench_spc(sizes["spc_series"], 48, rng),
    }
    print(json.dumps(result))


if __name__ == "__main__":
    main()
