"""Inequality measures on a demo home: how long measuring a whole results version takes, and
what the measures show against the demo's injected gradients.

Prints one JSON object: wall and CPU seconds of `inequality_store.write` (in full, no reuse of
the parent version), rows written, and `acceptance.outcomes` (per gradient injection and
window: the share of the injected ICB's windows that show it, and the share of other ICBs'
intervals that include zero). Needs a demo home (`oversight demo --no-serve --home DIR`).

Usage: python bench/inequality.py --home DIR
"""

from __future__ import annotations

import argparse
import json
import time

from oversight.home import Home
from oversight.judge.assessment import acceptance, inequality_store
from oversight.metrics.results import current


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", required=True, help="A demo home (synthetic lake, computed).")
    args = parser.parse_args()
    home = Home.at(args.home)
    version = current(home)
    if version is None or not home.synthetic_manifest.exists():
        raise SystemExit(f"{home.root} is not a computed demo home: run `oversight demo` first")
    wall, cpu = time.perf_counter(), time.process_time()
    inequality_store.write(home, version, incremental=False)
    wall, cpu = time.perf_counter() - wall, time.process_time() - cpu
    frame = inequality_store.inequality(home, version=version.id)
    manifest = json.loads(home.synthetic_manifest.read_text())
    print(json.dumps({
        "results_version": version.id, "wall_seconds": round(wall, 1),
        "cpu_seconds": round(cpu, 1), "rows": len(frame),
        "outcomes": acceptance.outcomes(frame, manifest),
    }, indent=2))  # fmt: skip


if __name__ == "__main__":
    main()
