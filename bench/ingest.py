"""Ingest throughput: a record-level A&E CSV validated and stored as a revision.

Prints one JSON object: MB/s, CPU-seconds and peak memory (ru_maxrss of a child process doing
only the ingest), and a same-run baseline (pyarrow's streaming CSV reader over the same file, no
validation, no writing). On a shared machine judge by CPU-seconds, the ratio to the baseline,
and `cores_available` (a two-thread probe run around the measurement): with fewer than 2 cores
free the wall time cannot show the pipeline's overlap; `ingest_mb_per_s_bound_2_idle_cores` is
the file size over half the CPU-seconds (the best two idle cores could do).

Usage: python bench/ingest.py [--size-mb 1024] [--keep DIR]
"""

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

import numpy as np
import pyarrow as pa
import pyarrow.csv as pacsv

ORG, PERIOD, COLLECTION = "QMJ", "2024-06", "ecds"


def generate(path: Path, size_mb: int, providers: list[str]) -> int:
    """Write about `size_mb` MB of valid A&E records; returns the number of rows."""
    rng = np.random.default_rng(1)
    rows, start = 0, np.datetime64(f"{PERIOD}-01T00:00:00")
    chunk = 200_000
    with pacsv.CSVWriter(path, _schema()) as writer:
        while path.stat().st_size < size_mb * 1_000_000:
            arrival = start + rng.integers(0, 27 * 86_400, chunk).astype("timedelta64[s]")
            wait = rng.integers(5, 900, chunk).astype(np.int32)
            pick = lambda vals: pa.array(np.array(vals)[rng.integers(0, len(vals), chunk)])  # noqa: E731
            table = pa.table(
                {
                    "icb_code": pa.array([ORG] * chunk),
                    "period": pa.array([f"{PERIOD}-01"] * chunk),
                    "record_id": pa.array(np.arange(rows, rows + chunk, dtype=np.int64)),
                    "provider_code": pick(providers),
                    "age_band": pick(["0-17", "18-39", "40-64", "65-79", "80+"]),
                    "sex": pick(["female", "male"]),
                    "ethnicity_group": pick(
                        ["Asian", "Black", "Mixed", "White", "Other", "Not known"]
                    ),
                    "imd_decile": pa.array(rng.integers(1, 11, chunk).astype(np.int8)),
                    "arrival_time": pa.array(np.datetime_as_string(arrival, unit="s")),
                    "departure_time": pa.array(
                        np.datetime_as_string(arrival + wait.astype("timedelta64[m]"), unit="s")
                    ),
                    "wait_minutes": pa.array(wait),
                    "department_type": pick(["type_1", "type_2", "other"]),
                    "admitted": pick(["true", "false"]),
                },
                schema=_schema(),
            )
            writer.write_table(table)
            rows += chunk
    return rows


def _schema() -> pa.Schema:
    text = [
        "icb_code",
        "period",
        "provider_code",
        "age_band",
        "sex",
        "ethnicity_group",
        "arrival_time",
        "departure_time",
        "department_type",
        "admitted",
    ]
    types = {"record_id": pa.int64(), "imd_decile": pa.int8(), "wait_minutes": pa.int32()}
    order = [
        "icb_code",
        "period",
        "record_id",
        "provider_code",
        "age_band",
        "sex",
        "ethnicity_group",
        "imd_decile",
        "arrival_time",
        "departure_time",
        "wait_minutes",
        "department_type",
        "admitted",
    ]
    return pa.schema([(n, pa.string() if n in text else types[n]) for n in order])


def child_ingest(path: str, home: str) -> None:
    from oversight.collect.ingest import ingest
    from oversight.home import Home

    where = Home.at(home)
    t, cpu = time.perf_counter(), time.process_time()
    lake, engine = where.lake(), where.database()  # timed, as when ingest opened them itself
    result = ingest(
        path, collection=COLLECTION, org=ORG, period=PERIOD, submitter="bench", lake=lake,
        engine=engine,
    )
    elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
    issues = result.report.get("issues", [])[:3]
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu_seconds": cpu,
                "status": result.status,
                "rows": result.rows,
                "issues": issues,
                "peak_rss_mb": _own_peak_mb(),
            }
        )
    )


def child_baseline(path: str) -> None:
    t, cpu = time.perf_counter(), time.process_time()
    rows = sum(b.num_rows for b in pacsv.open_csv(path))
    elapsed, cpu = time.perf_counter() - t, time.process_time() - cpu
    print(
        json.dumps(
            {"seconds": elapsed, "cpu_seconds": cpu, "rows": rows, "peak_rss_mb": _own_peak_mb()}
        )
    )


def parallel_capacity(mb: int = 256) -> float:
    """How many cores this process gets right now: two threads hashing (hashlib releases the
    GIL) against one. 2.0 on an idle 2-core machine; near 1.0 when other work holds a core,
    and then no pipeline can run faster than one core's worth of CPU-seconds."""
    import hashlib
    import threading

    data = bytes(mb << 20)

    def work() -> None:
        hashlib.sha256(data).digest()

    t = time.perf_counter()
    work()
    one = time.perf_counter() - t
    threads = [threading.Thread(target=work) for _ in range(2)]
    t = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return round(2 * one / (time.perf_counter() - t), 2)


def _own_peak_mb() -> float:
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)


def _measure(args: list[str]) -> dict:
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True)
    if proc.returncode != 0:
        raise SystemExit(proc.stderr)
    return json.loads(proc.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--size-mb", type=int, default=1024)
    parser.add_argument("--keep", type=Path, default=None, help="work in DIR and keep it")
    parser.add_argument("--child", choices=["ingest", "baseline"], help=argparse.SUPPRESS)
    parser.add_argument("--path", help=argparse.SUPPRESS)
    parser.add_argument("--home", help=argparse.SUPPRESS)
    a = parser.parse_args()
    if a.child == "ingest":
        return child_ingest(a.path, a.home)
    if a.child == "baseline":
        return child_baseline(a.path)
    from oversight.catalogue import load

    providers = [p.code for p in load().providers_of(ORG)] or ["RAL"]
    work = a.keep or Path(tempfile.mkdtemp(prefix="bench-ingest-"))
    work.mkdir(parents=True, exist_ok=True)
    csv = work / "ae.csv"
    rows = generate(csv, a.size_mb, providers)
    mb = csv.stat().st_size / 1e6
    capacity_before = parallel_capacity()
    baseline = _measure(["--child", "baseline", "--path", str(csv)])
    ingest = _measure(["--child", "ingest", "--path", str(csv), "--home", str(work / "home")])
    capacity = round((capacity_before + parallel_capacity()) / 2, 2)
    print(
        json.dumps(
            {
                "file_mb": round(mb, 1),
                "rows": rows,
                "status": ingest["status"],
                "ingest_seconds": round(ingest["seconds"], 2),
                "ingest_mb_per_s": round(mb / ingest["seconds"], 1),
                "ingest_peak_rss_mb": ingest["peak_rss_mb"],
                "ingest_cpu_seconds": round(ingest["cpu_seconds"], 2),
                "ingest_cores_used": round(ingest["cpu_seconds"] / ingest["seconds"], 2),
                "ingest_mb_per_cpu_s": round(mb / ingest["cpu_seconds"], 1),
                "ingest_vs_baseline": round(baseline["seconds"] / ingest["seconds"], 2),
                "baseline_pyarrow_csv_seconds": round(baseline["seconds"], 2),
                "baseline_pyarrow_csv_mb_per_s": round(mb / baseline["seconds"], 1),
                "baseline_cpu_seconds": round(baseline["cpu_seconds"], 2),
                "baseline_peak_rss_mb": baseline["peak_rss_mb"],
                "issues_sample": ingest["issues"],
                "cpus": os.cpu_count(),
                "load_average_1m": round(os.getloadavg()[0], 1),
                "cores_available": capacity,
                "ingest_mb_per_s_bound_2_idle_cores": round(
                    mb / max(ingest["cpu_seconds"] / 2, 1e-9), 1
                ),
            }
        )
    )
    if a.keep is None:
        import shutil

        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
