"""The versioned results store and its read API.

    $OVERSIGHT_HOME/results/CURRENT              the published version's name (swapped atomically)
    $OVERSIGHT_HOME/results/<version>/metrics.parquet     tidy metric rows
                                     statistics.parquet  SPC, intervals, funnel per row
                                     lineage.parquet     lineage key -> revision ids
                                     items.parquet, presence.parquet, partials/<dataset>.parquet
                                                          what incremental recomputes start from
                                     manifest.json

A version directory is complete before CURRENT names it, and CURRENT is replaced with
os.replace, so readers see the old results or the new ones, never a mixture.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from pathlib import Path
from typing import Any

import pandas as pd

from oversight import config
from oversight.metrics.compute import Computation
from oversight.period import MonthLike, Period

POINTER = "CURRENT"
STAT_KEYS = ["metric_id", "org_type", "org_code", "period", "breakdown", "group"]


def results_dir(home: str | Path | None = None) -> Path:
    return config.home(home) / "results"


def current_version(home: str | Path | None = None) -> str | None:
    pointer = results_dir(home) / POINTER
    return pointer.read_text().strip() if pointer.exists() else None


def _new_version(root: Path) -> str:
    stamp = dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%f")
    version, n = f"v{stamp}", 0
    while (root / version).exists():
        n += 1
        version = f"v{stamp}-{n}"
    return version


def _write_frame(frame: pd.DataFrame, path: Path) -> None:
    frame = frame.copy()
    for col in frame.columns:
        if frame[col].dtype == object and col == "missing_reason":
            frame[col] = frame[col].astype("string")
    frame.to_parquet(path, index=False)


def publish(
    comp: Computation, home: str | Path | None = None, info: dict[str, Any] | None = None
) -> str:
    """Write a complete new version, then point CURRENT at it. Returns the version name."""
    root = results_dir(home)
    root.mkdir(parents=True, exist_ok=True)
    version = _new_version(root)
    staging = root / f".staging-{version}"
    (staging / "partials").mkdir(parents=True)
    _write_frame(comp.metrics, staging / "metrics.parquet")
    _write_frame(comp.lineage, staging / "lineage.parquet")
    _write_frame(comp.items, staging / "items.parquet")
    _write_frame(comp.presence, staging / "presence.parquet")
    for dataset, part in comp.partials.items():
        if len(part):
            _write_frame(part, staging / "partials" / f"{dataset}.parquet")
    if comp.statistics is not None:
        _write_frame(comp.statistics, staging / "statistics.parquet")
    manifest = {
        "version": version,
        "parent": current_version(home),
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "periods": [p.isoformat() for p in comp.periods],
        **(info or {}),
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2))
    os.replace(staging, root / version)
    tmp = root / f".{POINTER}.{version}"
    tmp.write_text(version + "\n")
    os.replace(tmp, root / POINTER)
    return version


def version_dir(home: str | Path | None = None, version: str | None = None) -> Path:
    version = version or current_version(home)
    if version is None:
        raise FileNotFoundError(
            f"no computed results under {results_dir(home)}: run `oversight compute` first"
        )
    return results_dir(home) / version


def _dates(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    for col in cols:
        if col in frame.columns and len(frame):
            frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame


def load(home: str | Path | None = None, version: str | None = None) -> Computation:
    """A published version read back whole (the starting point of an incremental recompute)."""
    vdir = version_dir(home, version)
    manifest = json.loads((vdir / "manifest.json").read_text())
    metrics = _dates(pd.read_parquet(vdir / "metrics.parquet"), "period")
    metrics["missing_reason"] = (
        metrics["missing_reason"].astype(object).where(metrics["missing_reason"].notna(), None)
    )
    partials = {
        p.stem: _dates(pd.read_parquet(p), "period") for p in sorted(vdir.glob("partials/*"))
    }
    stats_path = vdir / "statistics.parquet"
    return Computation(
        metrics=metrics,
        lineage=pd.read_parquet(vdir / "lineage.parquet"),
        items=_dates(pd.read_parquet(vdir / "items.parquet"), "period"),
        partials=partials,
        presence=_dates(pd.read_parquet(vdir / "presence.parquet"), "period"),
        periods=[dt.date.fromisoformat(p) for p in manifest["periods"]],
        statistics=_dates(pd.read_parquet(stats_path), "period") if stats_path.exists() else None,
    )


def results(
    metric: str | None = None,
    org: str | None = None,
    breakdown: str | None = "total",
    period: MonthLike | None = None,
    home: str | Path | None = None,
    version: str | None = None,
) -> pd.DataFrame:
    """Published metric rows (with their statistics), filtered; breakdown=None for every one."""
    vdir = version_dir(home, version)
    filters = []
    if metric is not None:
        filters.append(("metric_id", "==", metric))
    if org is not None:
        filters.append(("org_code", "==", org))
    if breakdown is not None:
        filters.append(("breakdown", "==", breakdown))
    if period is not None:
        filters.append(("period", "==", Period.month_of(period).start))
    frame = pd.read_parquet(vdir / "metrics.parquet", filters=filters or None)
    stats_path = vdir / "statistics.parquet"
    if stats_path.exists():
        stats = pd.read_parquet(stats_path, filters=filters or None)
        frame = frame.merge(stats, on=STAT_KEYS, how="left")
    frame = _dates(frame, "period")
    return frame.sort_values(STAT_KEYS, kind="stable").reset_index(drop=True)


def series(
    metric: str,
    org: str,
    breakdown: str = "total",
    group: str = "total",
    home: str | Path | None = None,
) -> pd.DataFrame:
    """One series (metric x organisation x breakdown group) in period order."""
    frame = results(metric=metric, org=org, breakdown=breakdown, home=home)
    frame = frame[frame["group"] == group]
    return frame.sort_values("period").reset_index(drop=True)


def lineage(key: str, home: str | Path | None = None) -> list[str]:
    """The revision ids behind a lineage key of the published results."""
    table = pd.read_parquet(
        version_dir(home) / "lineage.parquet", filters=[("lineage_key", "==", key)]
    )
    if table.empty:
        raise KeyError(f"unknown lineage key {key}")
    return list(table["revision_ids"].iloc[0])


def prune(home: str | Path | None = None, keep: int = 5) -> list[str]:
    """Delete all but the newest `keep` versions (never the current one)."""
    root = results_dir(home)
    current = current_version(home)
    versions = sorted(p.name for p in root.glob("v*") if p.is_dir())
    doomed = [v for v in versions[:-keep] if v != current] if keep else []
    for v in doomed:
        shutil.rmtree(root / v)
    return doomed
