"""Synthetic NHS throughput: records per second and peak memory of `oversight.synth.generate`.

Prints one JSON object. The generator runs in a child process so its peak memory
(ru_maxrss) is its own; with worker processes, peak memory is reported as the parent's peak
plus each worker's peak (an upper bound). A second child writes the same number of rows of
random integers with pyarrow (one file, 1M-row row groups): a same-run baseline for this noisy
machine.
Usage: python bench/synth.py [--scale 0.1] [--months 12] [--start 2023-04] [--seed 1] [--workers 2]
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GENERATE = """
import json, resource, sys, time
from pathlib import Path
from oversight.synth import generate
out, scale, months, start, seed, workers = Path(sys.argv[1]), *sys.argv[2:7]
scale, months, seed, workers = float(scale), int(months), int(seed), int(workers)
began = time.perf_counter()
manifest = generate(
    out, scale=scale, months=months, start=start, seed=seed, progress=False, workers=workers
)
elapsed = time.perf_counter() - began
files = sum(d.files for d in manifest.datasets.values())
own = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
worker = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print(json.dumps({"seconds": elapsed, "rows": manifest.total_rows, "files": files,
                  "parent_mb": own, "worker_mb": worker}))
"""

BASELINE = """
import json, sys, time
import numpy as np, pyarrow as pa, pyarrow.parquet as pq
path, rows = sys.argv[1], int(sys.argv[2])
began = time.perf_counter()
rng = np.random.default_rng(1)
schema = pa.schema([(f"c{i}", pa.int64()) for i in range(6)])
with pq.ParquetWriter(path, schema, compression="zstd") as writer:
    done = 0
    while done < rows:
        n = min(1_000_000, rows - done)
        writer.write_table(pa.table([rng.integers(0, 1 << 40, n) for _ in range(6)], schema=schema))
        done += n
print(json.dumps({"seconds": time.perf_counter() - began, "rows": rows}))
"""


def child(code: str, *args: str) -> tuple[dict[str, float], float]:
    """Run `code` in a fresh interpreter; (its JSON output, its peak RSS in MB)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    done = subprocess.run(
        [sys.executable, "-c", code, *args], check=True, capture_output=True, text=True
    )
    peak_kb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    # ru_maxrss of children is the largest of any child so far; the generator runs first.
    return json.loads(done.stdout.strip().splitlines()[-1]), max(peak_kb, before) / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=float, default=0.1)
    parser.add_argument("--months", type=int, default=12)
    parser.add_argument("--start", default="2023-04")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bench-synth-") as tmp:
        began = time.perf_counter()
        synth, synth_peak = child(
            GENERATE,
            str(Path(tmp) / "lake"),
            str(args.scale),
            str(args.months),
            args.start,
            str(args.seed),
            str(args.workers),
        )
        wall = time.perf_counter() - began
        base, _ = child(BASELINE, str(Path(tmp) / "baseline.parquet"), str(int(synth["rows"])))
    rate = synth["rows"] / synth["seconds"]
    base_rate = base["rows"] / base["seconds"]
    print(
        json.dumps(
            {
                "benchmark": "synth",
                "scale": args.scale,
                "months": args.months,
                "rows": int(synth["rows"]),
                "files": int(synth["files"]),
                "seconds": round(synth["seconds"], 2),
                "child_wall_seconds": round(wall, 2),
                "records_per_second": round(rate),
                "workers": args.workers,
                # Peak memory of the generation: the parent's own peak plus every worker at
                # its peak at once (an upper bound; ru_maxrss reports per process, not sums).
                "peak_memory_mb": round(
                    synth["parent_mb"]
                    + (args.workers if args.workers > 1 else 0) * synth["worker_mb"],
                    1,
                ),
                "parent_peak_mb": round(synth["parent_mb"], 1),
                "worker_peak_mb": round(synth["worker_mb"], 1),
                "largest_process_peak_mb": round(synth_peak, 1),
                "baseline": {
                    "what": "pyarrow writing the same number of rows of 6 random int64 columns "
                    "to one zstd Parquet file",
                    "seconds": round(base["seconds"], 2),
                    "records_per_second": round(base_rate),
                },
                "relative_to_baseline": round(rate / base_rate, 3),
            }
        )
    )


if __name__ == "__main__":
    main()
