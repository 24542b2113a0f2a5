"""Judge stage timing on a demo home; prints ONE JSON object.

    .venv/bin/python bench/judge.py [--home DIR] [--scale 0.005] [--months 36] [--seed 2023]
                                    [--deciles FILE]

Builds a demo home (or reuses --home if it already holds one), then times, in one process:
- `compute --full` (oversight.metrics.compute, full=True) and the full judgement of the version
  it publishes (oversight.judge.stage.assess, incremental=False): target ≤ 10% of the compute;
- one ICB-month changed (an ICB's latest A&E return withdrawn), the incremental compute, and the
  incremental judgement of the version it publishes: target ≤ 0.3 s.
Every step is reported in wall-clock seconds and, under `cpu_s`, in CPU seconds of this
process and the children it forked (on a shared machine the wall-clock time is mostly
waiting for a core), with the load average before and after, and the demo's injected
truths against the judgements (oversight.judge.acceptance). Each judgement is also split
(`judge_parts`) into its segmentation (oversight.judge.segmentation.artefact.start and build,
called by the stage: the scored rule sets run on forked children while the rows are judged, so
their time is mostly not here) and the rest (reading the results, judging the rows, writing the
artefact), wall and CPU.
"""

from __future__ import annotations

import argparse
import json
import os
import tempfile
import time
from pathlib import Path

from oversight.catalogue import load
from oversight.demo import DEMO_MONTHS, DEMO_SCALE, DEMO_SEED, DEMO_START
from oversight.home import Home
from oversight.judge import acceptance, stage
from oversight.metrics import compute

CPU: dict[str, float] = {}
"""Each timed step's CPU seconds (this process and the children it waited for: a full
segmentation build forks one per rule set), by function name: on a shared machine the
wall-clock time is mostly waiting for a core."""


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended."""
    t = os.times()
    return t.user + t.system + t.children_user + t.children_system


def _timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    started, cpu = time.perf_counter(), _cpu()
    out = fn(*args, **kwargs)
    CPU[f"{fn.__module__}.{fn.__name__}"] = round(_cpu() - cpu, 3)
    return out, round(time.perf_counter() - started, 3)


SEGMENTATION: dict[str, float] = {"wall": 0.0, "cpu": 0.0}
"""Time spent in segmentation since last cleared (`_time_segmentation`)."""


def _time_segmentation() -> None:
    """Time every call of the stage's segmentation (starting the scored rule sets before the
    judging, and the build after it) into SEGMENTATION."""
    for name in ("start", "build"):
        real = getattr(stage.segments, name)

        def timed(*args, real=real, **kwargs):  # type: ignore[no-untyped-def]
            started, cpu = time.perf_counter(), _cpu()
            try:
                return real(*args, **kwargs)
            finally:
                SEGMENTATION["wall"] += time.perf_counter() - started
                SEGMENTATION["cpu"] += _cpu() - cpu

        setattr(stage.segments, name, timed)


def _parts(wall: float, cpu: float) -> dict[str, dict[str, float]]:
    """A judgement's time split into segmentation and the rest (and clear the record)."""
    seg = {k: round(v, 3) for k, v in SEGMENTATION.items()}
    SEGMENTATION.update(wall=0.0, cpu=0.0)
    return {
        "segmentation": seg,
        "rest": {"wall": round(wall - seg["wall"], 3), "cpu": round(cpu - seg["cpu"], 3)},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--home", type=Path, default=None)
    parser.add_argument("--scale", type=float, default=DEMO_SCALE)
    parser.add_argument("--months", type=int, default=DEMO_MONTHS)
    parser.add_argument("--seed", type=int, default=DEMO_SEED)
    parser.add_argument("--deciles", type=Path, default=None)
    args = parser.parse_args()
    root = args.home or Path(tempfile.mkdtemp(prefix="bench-judge-"))
    home = Home.at(root)
    if not home.synthetic_manifest.exists():
        from oversight.demo import build_demo

        build_demo(home, scale=args.scale, months=args.months, start=DEMO_START,
                   seed=args.seed, progress=False)
    catalogue = load()
    manifest = json.loads(home.synthetic_manifest.read_text())
    load_before = [round(x, 2) for x in os.getloadavg()]

    _time_segmentation()
    version, compute_full = _timed(compute, home, full=True, catalogue=catalogue)
    cpu_compute_full = CPU.popitem()[1]
    SEGMENTATION.update(wall=0.0, cpu=0.0)
    judged, judge_full = _timed(
        stage.assess, home, version, catalogue=catalogue, deciles=args.deciles, incremental=False
    )
    cpu_judge_full = CPU.popitem()[1]
    full_parts = _parts(judge_full, cpu_judge_full)
    outcomes = judged.frame()

    latest = max(version.periods)
    month = home.lake_dir / "ae_attendances" / f"{latest:%Y-%m}"
    withdrawn = sorted(month.glob("*.parquet"))[0]  # the first ICB's (another when reused)
    withdrawn.unlink()
    changed, compute_incr = _timed(compute, home, catalogue=catalogue)
    cpu_compute_incr = CPU.popitem()[1]
    CPU.clear()
    SEGMENTATION.update(wall=0.0, cpu=0.0)
    again, judge_incr = _timed(
        stage.assess, home, changed, catalogue=catalogue, deciles=args.deciles
    )
    cpu_judge_incr = CPU.popitem()[1]
    incr_parts = _parts(judge_incr, cpu_judge_incr)
    # the part of it that is reading the changed metrics' rows: patched from the parent's
    # judged inputs and the results pieces the version rewrote (else read from the results)
    fed = stage.fed_by(catalogue, ["ae_attendances"])
    parent = stage.judged(home, version.id)
    assert parent is not None
    patched, read_incr = _timed(stage.patched_rows, changed, parent, fed)
    if patched is None:
        CPU.popitem()
        _, read_incr = _timed(stage.judged_rows, changed, fed)
    cpu_read_incr = CPU.popitem()[1]
    print(
        json.dumps(
            {
                "home": str(root),
                "scale": manifest["scale"],
                "months": manifest["months"],
                "judged_rows": len(outcomes),
                "compute_full_s": compute_full,
                "judge_full_s": judge_full,
                "judge_full_share_of_compute": round(judge_full / compute_full, 4),
                "target_share": 0.10,
                "compute_incremental_s": compute_incr,
                "judge_incremental_s": judge_incr,
                "judge_incremental_how": again.how,
                "withdrawn": f"{withdrawn.parent.name}/{withdrawn.name}",
                "target_incremental_s": 0.3,
                "judge_incremental_results_read_s": read_incr,
                "judge_incremental_results_read_how": "all rows read" if patched is None
                else "patched from the parent's inputs",
                "judge_incremental_without_read_s": round(judge_incr - read_incr, 3),
                "judge_parts": {"full": full_parts, "incremental": incr_parts},
                "cpu_s": {
                    "compute_full": cpu_compute_full,
                    "judge_full": cpu_judge_full,
                    "judge_full_share_of_compute": round(cpu_judge_full / cpu_compute_full, 4),
                    "compute_incremental": cpu_compute_incr,
                    "judge_incremental": cpu_judge_incr,
                    "judge_incremental_results_read": cpu_read_incr,
                },
                "peers": args.deciles is not None,
                "load_average_before": load_before,
                "load_average": [round(x, 2) for x in os.getloadavg()],
                "cpus": os.cpu_count(),
                "injections": acceptance.injection_outcomes(outcomes, manifest),
                "untouched": acceptance.untouched_rates(outcomes, manifest),
            }
        )
    )


if __name__ == "__main__":
    main()
