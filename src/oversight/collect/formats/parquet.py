"""Stream a Parquet file's row groups as batches, keeping its own types."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from oversight.collect.formats.errors import FormatError
from oversight.collect.formats.rebatch import strip_names


def read_parquet_batches(path: Path, batch_rows: int) -> Iterator[pa.RecordBatch]:
    """Batches of at most `batch_rows` rows (pyarrow iter_batches)."""
    try:
        pf = pq.ParquetFile(path)
    except (pa.ArrowInvalid, OSError) as exc:
        raise FormatError(path, f"not a readable Parquet file: {exc}") from exc
    for batch in pf.iter_batches(batch_size=batch_rows):
        if batch.num_rows:
            yield strip_names(batch)
