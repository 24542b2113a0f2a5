"""Bulk downloads: every results version as CSV, JSON Lines and Parquet, streamed a metric at
a time (memory stays at one metric's rows, whatever the version's size), with the data
dictionary beside them (and each version's annotations and rebases: downloads_governed), and
the same files written into the home for mirroring.

The embargo applies as everywhere (oversight.publish.access): each viewer's file holds the
figures that viewer may see now, and the files on disk are the public's. The columns are the
API's (`oversight.publish.dictionary.RESULT_COLUMNS`).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from pyarrow import csv

from oversight.catalogue import load as load_catalogue
from oversight.home import Home
from oversight.publish import access, dictionary, downloads_governed
from oversight.publish.access import PUBLIC, Viewer

FORMATS = {
    "csv": "text/csv; charset=utf-8",
    "jsonl": "application/x-ndjson",
    "parquet": "application/vnd.apache.parquet",
}
COLUMNS = list(dictionary.RESULT_COLUMNS)
TEXT = {"org", "level", "metric", "period", "breakdown", "group", "missing_reason",
        "ci_method", "spc_special_cause", "spc_point_type", "variation_icon",
        "funnel_position", "lineage"}
SCHEMA = pa.schema([(c, pa.string() if c in TEXT else pa.float64()) for c in COLUMNS])
RENAMED = {"org_code": "org", "org_type": "level", "metric_id": "metric", "revisions": "lineage"}
MIRROR = "open-data"


@dataclass(frozen=True)
class Version:
    id: str
    created: dt.datetime | None


def versions(home: Home) -> list[Version]:
    """Every results version the home still keeps, oldest first."""
    from oversight.metrics.results import published

    out = []
    root = home.results_dir
    for path in sorted(root.glob("v*")) if root.is_dir() else []:
        if not (path / "manifest.json").exists():
            continue
        try:
            created: dt.datetime | None = published(home, path.name).created
        except (OSError, KeyError, ValueError):
            created = None
        out.append(Version(path.name, created))
    return out


def exists(home: Home, version: str) -> bool:
    return any(v.id == version for v in versions(home))


@lru_cache(maxsize=2)
def whole(home: Home, version: str) -> pd.DataFrame:
    """Every row of an immutable version (every metric and breakdown), read once and shared by
    the downloads and the unfiltered results API: one scan instead of one per metric."""
    from oversight.metrics.results import results

    return results(home, breakdown=None, version=version)


def _tidy(frame: pd.DataFrame) -> pd.DataFrame:
    """A version's rows in the download's columns: months as YYYY-MM, missing as null."""
    frame = frame.rename(columns=RENAMED)
    out = pd.DataFrame(index=frame.index)
    for col in COLUMNS:
        if col not in frame.columns:
            out[col] = None if col in TEXT else np.nan
        elif col == "period":
            months = {p: f"{pd.Timestamp(p):%Y-%m}" for p in frame["period"].unique()}
            out[col] = frame["period"].map(months)
        elif col in TEXT:
            out[col] = frame[col]
        else:
            out[col] = pd.to_numeric(frame[col], errors="coerce").astype("float64")
    return out


def chunks(home: Home, version: str, viewer: Viewer, now: dt.datetime) -> Iterator[pa.Table]:
    """The version's rows that `viewer` may see at `now`, one metric at a time, as Arrow."""
    frame = whole(home, version)
    if frame.empty:
        return
    metrics = frame["metric_id"].to_numpy()
    starts = [0, *(np.flatnonzero(metrics[1:] != metrics[:-1]) + 1), len(frame)]
    embargo = access.rules()
    for start, stop in itertools.pairwise(starts):
        part = embargo.released(frame.iloc[start:stop], viewer, now)
        if len(part):
            yield pa.Table.from_pandas(_tidy(part), schema=SCHEMA, preserve_index=False)


class _Buffer:
    """A write-only file for pyarrow whose bytes are taken out as they come."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []
        self.closed = False
        self.position = 0

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        self.position += len(data)
        return len(data)

    def tell(self) -> int:
        return self.position

    def flush(self) -> None:
        return None

    def close(self) -> None:
        self.closed = True

    def take(self) -> bytes:
        out, self.parts = b"".join(self.parts), []
        return out


def stream(
    home: Home, version: str, fmt: str, viewer: Viewer, now: dt.datetime
) -> Iterator[bytes]:
    """The download's bytes, a metric at a time (a valid file even when it holds no rows)."""
    if fmt not in FORMATS:
        raise ValueError(f"format must be one of {', '.join(FORMATS)}, not {fmt!r}")
    if fmt == "csv":
        yield (",".join(COLUMNS) + "\n").encode()
    sink = _Buffer()
    writer = pq.ParquetWriter(sink, SCHEMA, compression="zstd") if fmt == "parquet" else None
    for table in chunks(home, version, viewer, now):
        if writer is not None:
            writer.write_table(table)
        elif fmt == "csv":
            csv.write_csv(table, sink, csv.WriteOptions(include_header=False))
        else:
            text = table.to_pandas().to_json(orient="records", lines=True, double_precision=15)
            sink.write((text if text.endswith("\n") else text + "\n").encode())
        yield sink.take()
    if writer is not None:
        writer.close()
    yield sink.take()


def etag(home: Home, version: str, fmt: str, viewer: Viewer, now: dt.datetime) -> str:
    """Changes when the version, the format, the viewer's view, or what is still under
    embargo for that viewer changes (a release makes a new file)."""
    from oversight.metrics.results import published

    embargo = access.rules()
    pending: list[str] = []
    if embargo.any and viewer.role not in access.EARLY_ROLES:
        for month in published(home, version).periods:
            for metric in embargo.metric_rules:
                at = embargo.released_at(metric, month)
                if at is not None and at > now:
                    pending.append(f"{metric}@{month}")
    text = json.dumps([version, fmt, viewer.role, viewer.org_code, pending])
    return '"' + hashlib.blake2b(text.encode(), digest_size=12).hexdigest() + '"'


def dictionary_bytes() -> bytes:
    return json.dumps(dictionary.dictionary(load_catalogue()), indent=2).encode()


def mirror(home: Home, version: str | None = None, now: dt.datetime | None = None) -> Path:
    """Write the public files of a version (default: the published one) and the data
    dictionary into <home>/exports/open-data/<version>/, each file complete before it is
    renamed into place; returns the folder."""
    from oversight.metrics.results import current_version

    name = version or current_version(home)
    if name is None or not exists(home, name):
        raise FileNotFoundError(f"no results version {name!r} in {home.results_dir}")
    folder = home.exports_dir / MIRROR / name
    folder.mkdir(parents=True, exist_ok=True)
    moment = now or access.clock()
    for fmt in FORMATS:
        _atomic(folder / f"results.{fmt}", stream(home, name, fmt, PUBLIC, moment))
    _atomic(folder / "dictionary.json", iter([dictionary_bytes()]))
    governed = downloads_governed.mirror_files(home, folder, name, moment)
    _atomic(folder / "manifest.json", iter([json.dumps(
        {"version": name, "viewer": "public", "as_of": moment.isoformat(),
         "etag": etag(home, name, "parquet", PUBLIC, moment),
         "files": [f"results.{f}" for f in FORMATS] + ["dictionary.json", *governed]},
        indent=2).encode()]))
    return folder


def mirror_due(home: Home, now: dt.datetime | None = None) -> str | None:
    """The published version if its mirror is missing or out of date (written for another
    public view: something was released since), else None."""
    from oversight.metrics.results import current_version

    name = current_version(home)
    if name is None:
        return None
    try:
        made = json.loads((home.exports_dir / MIRROR / name / "manifest.json").read_text())
    except (OSError, ValueError):
        return name
    current = etag(home, name, "parquet", PUBLIC, now or access.clock())
    return None if made.get("etag") == current else name


def mirror_current(home: Home, now: dt.datetime | None = None) -> Path | None:
    """Mirror the published version unless its mirror is up to date (`mirror_due`), and remove
    the mirrors of versions the results no longer keep; what the publish worker runs after
    publications. None when nothing is published."""
    import shutil

    from oversight.metrics.results import current_version

    name = current_version(home)
    if name is None:
        return None
    moment = now or access.clock()
    if mirror_due(home, moment) is not None:
        mirror(home, name, moment)
    root = home.exports_dir / MIRROR
    kept = {v.id for v in versions(home)}
    for old in root.iterdir():
        if old.is_dir() and old.name not in kept and old.name != name:
            shutil.rmtree(old, ignore_errors=True)
    return root / name


def _atomic(path: Path, parts: Iterator[bytes]) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    with open(tmp, "wb") as out:
        for part in parts:
            out.write(part)
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, path)
