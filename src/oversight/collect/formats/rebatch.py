"""Shared helpers: cap batch sizes and tidy header names the same way for every format."""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import pyarrow as pa


def rebatch(batches: Iterable[pa.RecordBatch], batch_rows: int) -> Iterator[pa.RecordBatch]:
    """Yield non-empty zero-copy slices of at most `batch_rows` rows, order kept."""
    for batch in batches:
        for start in range(0, batch.num_rows, batch_rows):
            yield batch.slice(start, batch_rows)


def coalesce(batches: Iterable[pa.RecordBatch], batch_rows: int) -> Iterator[pa.RecordBatch]:
    """Join consecutive small batches (one per 4 MB CSV block, ~35k rows) into batches of up
    to `batch_rows` rows, on the reader's thread: every later step then pays its per-batch
    overhead a few times less often. A batch already larger than `batch_rows` passes as is."""
    pending: list[pa.RecordBatch] = []
    rows = 0
    for batch in batches:
        if pending and rows + batch.num_rows > batch_rows:
            yield pending[0] if len(pending) == 1 else pa.concat_batches(pending)
            pending, rows = [], 0
        pending.append(batch)
        rows += batch.num_rows
    if pending:
        yield pending[0] if len(pending) == 1 else pa.concat_batches(pending)


def strip_names(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Header cells with stray spaces (' icb_code') still name their column."""
    names = [str(n).strip() for n in batch.schema.names]
    if names == batch.schema.names:
        return batch
    return pa.RecordBatch.from_arrays(batch.columns, names=names)
