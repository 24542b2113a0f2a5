"""Which lake files exist: lake/<dataset>/<YYYY-MM>/<ICB>.parquet (docs/data-model.md).

The directory names only locate files (hive partitioning is off); listing them tells the engine
which ICB-months were submitted without reading any data.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
import pyarrow.parquet as pq

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
    found: list[tuple[dt.date, str, str]] = []
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
                        found.append((period, icb, f.path))
    # sorted as LakeFiles sort (dataset, period, ICB, path), on plain tuples: comparing
    # dataclasses and Paths cost more than the listing (504 files: 10 ms against 3 ms)
    found.sort()
    return [LakeFile(dataset, period, icb, Path(path)) for period, icb, path in found]


def lake_periods(lake: Path, datasets: Iterable[str]) -> list[dt.date]:
    """Every month any of the datasets has a file for."""
    months: set[dt.date] = set()
    for ds in datasets:
        months.update(f.period for f in list_files(lake, ds))
    return sorted(months)


_PRESENCE = ("icb_code", "period", "revision_id")


def footer_presence(files: Sequence[LakeFile], periods: Iterable[dt.date]) -> pd.DataFrame | None:
    """The distinct (icb_code, period, revision_id) of the files' records, in the periods, read
    from the files' Parquet statistics instead of their records.

    A lake file is one ICB-month of one revision, so each of these columns holds one value per
    file. None when any file's statistics do not show that (a column missing, nulls, min != max
    in a row group, a period that is not a date): the caller then reads the records. Reading 504
    footers costs about 0.1 s at any scale, against 0.5 s of DuckDB for RTT at scale 1.0.
    """
    want = set(periods)
    rows: set[tuple[str, dt.date, str]] = set()
    for f in files:
        meta = pq.read_metadata(f.path)
        names = meta.schema.names
        if any(c not in names for c in _PRESENCE):
            return None
        at = [names.index(c) for c in _PRESENCE]
        for g in range(meta.num_row_groups):
            group = meta.row_group(g)
            if group.num_rows == 0:
                continue
            stats = [group.column(i).statistics for i in at]
            if any(
                st is None or not st.has_min_max or st.null_count != 0 or st.min != st.max
                for st in stats
            ):
                return None
            icb, period, revision = (st.min for st in stats)
            if not isinstance(period, dt.date) or isinstance(period, dt.datetime):
                return None
            if not isinstance(icb, str) or not isinstance(revision, str):
                return None
            if period in want:
                rows.add((icb, period, revision))
    ordered = sorted(rows)
    return pd.DataFrame(
        {
            "icb_code": [r[0] for r in ordered],
            "period": pd.Series([r[1] for r in ordered], dtype=object),
            "revision_id": [r[2] for r in ordered],
        }
    )
