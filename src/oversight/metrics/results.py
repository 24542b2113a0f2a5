"""The versioned results store and its typed read API.

    <home>/results/CURRENT              the published version's name (swapped atomically)
    <home>/results/<version>/metrics.parquet     tidy metric rows
                            statistics.parquet  SPC, intervals, funnel per row
                            lineage.parquet     lineage key -> revision ids
                            items.parquet, presence.parquet, partials/<dataset>.parquet
                                                 what incremental recomputes start from
                            manifest.json

A version directory is complete before CURRENT names it, and CURRENT is replaced with
os.replace, so readers see the old results or the new ones, never a mixture. A published
version is read through `ResultsVersion`: its id, its files, and typed accessors for its frames.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

import pandas as pd

from oversight.home import Home
from oversight.metrics.computation import Computation
from oversight.period import MonthLike, Period

POINTER = "CURRENT"
STAT_KEYS = ["metric_id", "org_type", "org_code", "period", "breakdown", "group"]


@dataclass(frozen=True)
class ResultsVersion:
    """One published (immutable) version of the results: where its files are, what it holds."""

    id: str
    path: Path

    @property
    def metrics_path(self) -> Path:
        return self.path / "metrics.parquet"

    @property
    def statistics_path(self) -> Path:
        return self.path / "statistics.parquet"

    @property
    def lineage_path(self) -> Path:
        return self.path / "lineage.parquet"

    @property
    def manifest_path(self) -> Path:
        return self.path / "manifest.json"

    @cached_property
    def manifest(self) -> dict[str, Any]:
        return dict(json.loads(self.manifest_path.read_text()))

    @property
    def parent(self) -> str | None:
        """The version that was current when this one was published."""
        return self.manifest.get("parent")

    @property
    def created(self) -> dt.datetime:
        return dt.datetime.fromisoformat(self.manifest["created"])

    @property
    def periods(self) -> list[dt.date]:
        """Every month the lake held when this version was computed."""
        return [dt.date.fromisoformat(p) for p in self.manifest["periods"]]

    @property
    def engine(self) -> str | None:
        return self.manifest.get("engine")

    @property
    def how(self) -> str | None:
        """'full' or 'incremental (n ICB-months)'."""
        return self.manifest.get("how")

    @property
    def row_count(self) -> int:
        """Metric rows in this version (read from the Parquet footer, not the rows)."""
        import pyarrow.parquet as pq

        return int(pq.ParquetFile(self.metrics_path).metadata.num_rows)

    def metrics(
        self,
        metric: str | None = None,
        org: str | None = None,
        breakdown: str | None = "total",
        period: MonthLike | None = None,
    ) -> pd.DataFrame:
        """Metric rows (value, numerator, denominator, lineage key...), filtered."""
        filters = _filters(metric, org, breakdown, period)
        return pd.read_parquet(self.metrics_path, filters=filters)

    def statistics(
        self,
        metric: str | None = None,
        org: str | None = None,
        breakdown: str | None = "total",
        period: MonthLike | None = None,
    ) -> pd.DataFrame | None:
        """The statistics (SPC, intervals, funnel) of the rows, filtered; None if not computed."""
        if not self.statistics_path.exists():
            return None
        filters = _filters(metric, org, breakdown, period)
        return pd.read_parquet(self.statistics_path, filters=filters)

    def lineage(self) -> pd.DataFrame:
        """Every lineage key of this version with the revision ids behind it."""
        return pd.read_parquet(self.lineage_path)

    def rows(
        self,
        metric: str | None = None,
        org: str | None = None,
        breakdown: str | None = "total",
        period: MonthLike | None = None,
    ) -> pd.DataFrame:
        """Metric rows with their statistics, filtered (breakdown=None for every breakdown),
        in canonical order."""
        frame = self.metrics(metric, org, breakdown, period)
        stats = self.statistics(metric, org, breakdown, period)
        if stats is not None:
            frame = frame.merge(stats, on=STAT_KEYS, how="left")
        frame = _dates(frame, "period")
        return frame.sort_values(STAT_KEYS, kind="stable").reset_index(drop=True)

    def series(
        self, metric: str, org: str, breakdown: str = "total", group: str = "total"
    ) -> pd.DataFrame:
        """One series (metric x organisation x breakdown group) in period order."""
        frame = self.rows(metric=metric, org=org, breakdown=breakdown)
        frame = frame[frame["group"] == group]
        return frame.sort_values("period").reset_index(drop=True)

    def revisions_behind(self, key: str) -> list[str]:
        """The revision ids behind one lineage key (KeyError for an unknown key)."""
        table = pd.read_parquet(self.lineage_path, filters=[("lineage_key", "==", key)])
        if table.empty:
            raise KeyError(f"unknown lineage key {key}")
        return list(table["revision_ids"].iloc[0])

    def computation(self) -> Computation:
        """This version read back whole (the starting point of an incremental recompute)."""
        metrics = _dates(pd.read_parquet(self.metrics_path), "period")
        metrics["missing_reason"] = (
            metrics["missing_reason"].astype(object).where(metrics["missing_reason"].notna(), None)
        )
        partials = {
            p.stem: _dates(pd.read_parquet(p), "period")
            for p in sorted(self.path.glob("partials/*"))
        }
        stats = self.statistics_path
        return Computation(
            metrics=metrics,
            lineage=self.lineage(),
            items=_dates(pd.read_parquet(self.path / "items.parquet"), "period"),
            partials=partials,
            presence=_dates(pd.read_parquet(self.path / "presence.parquet"), "period"),
            periods=self.periods,
            statistics=_dates(pd.read_parquet(stats), "period") if stats.exists() else None,
        )


def _filters(
    metric: str | None, org: str | None, breakdown: str | None, period: MonthLike | None
) -> list[tuple[str, str, Any]] | None:
    filters: list[tuple[str, str, Any]] = []
    if metric is not None:
        filters.append(("metric_id", "==", metric))
    if org is not None:
        filters.append(("org_code", "==", org))
    if breakdown is not None:
        filters.append(("breakdown", "==", breakdown))
    if period is not None:
        filters.append(("period", "==", Period.month_of(period).start))
    return filters or None


def current_version(home: Home) -> str | None:
    """The name of the published version, None before the first compute."""
    pointer = home.results_dir / POINTER
    return pointer.read_text().strip() if pointer.exists() else None


def current(home: Home) -> ResultsVersion | None:
    """The published version, None before the first compute."""
    name = current_version(home)
    return None if name is None else ResultsVersion(name, home.results_dir / name)


def published(home: Home, name: str | None = None) -> ResultsVersion:
    """The published version, or the one called `name` (FileNotFoundError before compute)."""
    name = name or current_version(home)
    if name is None:
        raise FileNotFoundError(
            f"no computed results under {home.results_dir}: run `oversight compute` first"
        )
    return ResultsVersion(name, home.results_dir / name)


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


def publish(comp: Computation, home: Home, info: dict[str, Any] | None = None) -> ResultsVersion:
    """Write a complete new version, then point CURRENT at it."""
    root = home.results_dir
    root.mkdir(parents=True, exist_ok=True)
    name = _new_version(root)
    staging = root / f".staging-{name}"
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
        "version": name,
        "parent": current_version(home),
        "created": dt.datetime.now(dt.UTC).isoformat(),
        "periods": [p.isoformat() for p in comp.periods],
        **(info or {}),
    }
    (staging / "manifest.json").write_text(json.dumps(manifest, indent=2))
    os.replace(staging, root / name)
    tmp = root / f".{POINTER}.{name}"
    tmp.write_text(name + "\n")
    os.replace(tmp, root / POINTER)
    return ResultsVersion(name, root / name)


def _dates(frame: pd.DataFrame, *cols: str) -> pd.DataFrame:
    for col in cols:
        if col in frame.columns and len(frame):
            frame[col] = pd.to_datetime(frame[col]).dt.date
    return frame


def load(home: Home, name: str | None = None) -> Computation:
    """A version (default: the published one) read back whole."""
    return published(home, name).computation()


def results(
    home: Home,
    metric: str | None = None,
    org: str | None = None,
    breakdown: str | None = "total",
    period: MonthLike | None = None,
    version: str | None = None,
) -> pd.DataFrame:
    """Published metric rows (with their statistics), filtered; breakdown=None for every one."""
    return published(home, version).rows(metric, org, breakdown, period)


def series(
    home: Home, metric: str, org: str, breakdown: str = "total", group: str = "total"
) -> pd.DataFrame:
    """One series of the published results (metric x organisation x breakdown group)."""
    return published(home).series(metric, org, breakdown, group)


def lineage(home: Home, key: str) -> list[str]:
    """The revision ids behind a lineage key of the published results."""
    return published(home).revisions_behind(key)


def prune(home: Home, keep: int = 5) -> list[str]:
    """Delete all but the newest `keep` versions (never the current one)."""
    root = home.results_dir
    in_use = current_version(home)
    versions = sorted(p.name for p in root.glob("v*") if p.is_dir())
    doomed = [v for v in versions[:-keep] if v != in_use] if keep else []
    for v in doomed:
        shutil.rmtree(root / v)
    return doomed
