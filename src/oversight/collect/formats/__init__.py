"""Submission file readers: CSV, XLSX, JSON and Parquet streamed as Arrow record batches."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from pathlib import Path

import pyarrow as pa

from oversight.collect.formats.bounds import NO_LIMITS, ReadLimits, count_rows
from oversight.collect.formats.csv import read_csv_batches
from oversight.collect.formats.detect import FORMATS, Format, detect_format, read_head
from oversight.collect.formats.errors import FormatError, LimitExceeded, TypedReadFailed
from oversight.collect.formats.json import read_json_batches
from oversight.collect.formats.parquet import read_parquet_batches
from oversight.collect.formats.prefetch import prefetch
from oversight.collect.formats.xlsx import read_xlsx_batches

__all__ = [
    "FORMATS",
    "Format",
    "FormatError",
    "LimitExceeded",
    "ReadLimits",
    "TypedReadFailed",
    "detect_format",
    "read_batches",
]

DEFAULT_BATCH_ROWS = 262_144


def read_batches(
    path: str | Path,
    *,
    format: str | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
    sheet: str | int | None = None,
    types: Mapping[str, pa.DataType] | None = None,
    limits: ReadLimits = NO_LIMITS,
) -> Iterator[pa.RecordBatch]:
    """Stream `path` as batches of at most `batch_rows` rows, in file order.

    CSV, XLSX and JSON cells arrive as strings (null when empty); Parquet keeps its types.
    Raises FormatError (naming the file) when the file cannot be read or holds no data rows.
    `types` (CSV only) asks the reader to convert those columns itself; then any cell it cannot
    convert raises TypedReadFailed, and the caller should read the file again without `types`.
    Past any of `limits` it raises LimitExceeded, having stopped reading there.
    """
    p = Path(path)
    fmt = format or detect_format(p)
    if fmt not in FORMATS:
        raise FormatError(p, f"unknown format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if batch_rows < 1:
        raise ValueError("batch_rows must be at least 1")
    if format is not None:
        read_head(p)  # still reject missing or empty files with a clear message
    if fmt == "csv":
        batches = read_csv_batches(p, batch_rows, types)
    elif fmt == "xlsx":
        batches = read_xlsx_batches(p, batch_rows, sheet, limits)
    elif fmt == "json":
        batches = read_json_batches(p, batch_rows, limits)
    else:
        batches = read_parquet_batches(p, batch_rows, limits)
    return _require_rows(p, prefetch(count_rows(batches, limits)))


def _require_rows(path: Path, batches: Iterator[pa.RecordBatch]) -> Iterator[pa.RecordBatch]:
    rows = 0
    for batch in batches:
        rows += batch.num_rows
        if batch.num_rows:
            yield batch
    if rows == 0:
        raise FormatError(path, "no data rows")
