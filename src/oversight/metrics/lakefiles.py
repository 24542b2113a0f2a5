"""Which lake files exist: lake/<dataset>/<YYYY-MM>/<ICB>.parquet (docs/data-model.md).

The directory names only locate files (hive partitioning is off); listing them tells the engine
which ICB-months were submitted without reading any data.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from oversight.store.lake import month_dir as lake_month


@dataclass(frozen=True, order=True)
class LakeFile:
    dataset: str
    period: dt.date
    icb_code: str
    path: Path


def list_files(
    lake: Path,
    dataset: str,
    icbs: Iterable[str] | None = None,
    periods: Iterable[dt.date] | None = None,
) -> list[LakeFile]:
    """The dataset's files, optionally only those of some ICBs and periods, in a stable order."""
    want_icbs = set(icbs) if icbs is not None else None
    want_periods = set(periods) if periods is not None else None
    found = []
    root = Path(lake) / dataset
    if not root.is_dir():
        return []
    with os.scandir(root) as months:  # os.scandir: a lake has thousands of files
        for month_dir in months:
            if not month_dir.is_dir() or month_dir.name.startswith(("_", ".")):
                continue
            month = lake_month(month_dir.name)
            if month is None:
                continue
            period = month.start
            if want_periods is not None and period not in want_periods:
                continue
            with os.scandir(month_dir.path) as files:
                for f in files:
                    if f.name.startswith(".") or not f.name.endswith(".parquet"):
                        continue
                    icb = f.name[: -len(".parquet")]
                    if want_icbs is None or icb in want_icbs:
                        found.append(LakeFile(dataset, period, icb, root / month_dir.name / f.name))
    return sorted(found)


def lake_periods(lake: Path, datasets: Iterable[str]) -> list[dt.date]:
    """Every month any of the datasets has a file for."""
    months: set[dt.date] = set()
    for ds in datasets:
        months.update(f.period for f in list_files(lake, ds))
    return sorted(months)
