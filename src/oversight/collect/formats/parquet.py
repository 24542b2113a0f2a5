"""Stream a Parquet file's row groups as batches, keeping its own types."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from oversight.collect.formats.bounds import NO_LIMITS, ReadLimits
from oversight.collect.formats.errors import FormatError
from oversight.collect.formats.rebatch import strip_names


def read_parquet_batches(
    path: Path, batch_rows: int, limits: ReadLimits = NO_LIMITS
) -> Iterator[pa.RecordBatch]:
    """Batches of at most `batch_rows` rows (pyarrow iter_batches), after checking the footer's
    row count and unpacked size against `limits` so no row group is read when over."""
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise FormatError(path, f"not a readable Parquet file: {exc}") from exc
    check_footer(pf.metadata, path.stat().st_size, limits)
    for batch in pf.iter_batches(batch_size=batch_rows):
        if batch.num_rows:
            yield strip_names(batch)


def check_footer(meta: pq.FileMetaData, file_bytes: int, limits: ReadLimits) -> None:
    """LimitExceeded when the footer declares more rows, more unpacked bytes, or a tighter
    packing than `limits` allow (the footer is all pyarrow reads before the row groups)."""
    if limits.max_rows is not None and meta.num_rows > limits.max_rows:
        raise limits.rows_exceeded()
    unpacked = sum(meta.row_group(i).total_byte_size for i in range(meta.num_row_groups))
    cap = limits.max_uncompressed_bytes
    if cap is not None and unpacked > cap:
        raise limits.unpacked_exceeded("Parquet file")
    limits.check_ratio("Parquet file", unpacked, file_bytes)
