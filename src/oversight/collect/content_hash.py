"""Content hashes that identify data, not files: the same rows give the same hash whether they
arrived as CSV, XLSX, JSON or Parquet, and whatever the batch sizes along the way.

The data is re-cut into fixed chunks of CHUNK_ROWS rows and each chunk's Arrow IPC bytes are
hashed, after the schema. The platform's own `revision_id` column is left out.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

CHUNK_ROWS = 65_536
EXCLUDED_COLUMNS = frozenset({"revision_id"})


def canonical(batch: pa.RecordBatch) -> pa.RecordBatch:
    """`batch` without the columns the platform sets after hashing."""
    keep = [i for i, name in enumerate(batch.schema.names) if name not in EXCLUDED_COLUMNS]
    if len(keep) == batch.num_columns:
        return batch
    return batch.select(keep)


class ContentHasher:
    """Streaming SHA-256 over canonical Arrow data."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._schema: pa.Schema | None = None
        self._pending: list[pa.RecordBatch] = []
        self._pending_rows = 0
        self.rows = 0

    def update(self, batch: pa.RecordBatch) -> None:
        batch = canonical(batch)
        if self._schema is None:
            self._schema = batch.schema.remove_metadata()
            self._hash.update(self._schema.serialize())
        elif not batch.schema.equals(self._schema, check_metadata=False):
            raise ValueError("every batch of one submission must have the same schema")
        self.rows += batch.num_rows
        start = 0
        while start < batch.num_rows:
            take = min(CHUNK_ROWS - self._pending_rows, batch.num_rows - start)
            self._pending.append(batch.slice(start, take))
            self._pending_rows += take
            start += take
            if self._pending_rows == CHUNK_ROWS:
                self._flush()

    def _flush(self) -> None:
        if not self._pending:
            return
        if len(self._pending) == 1:
            chunk = _rebased(self._pending[0])
        else:
            chunk = pa.concat_batches(self._pending)
        self._hash.update(chunk.serialize())
        self._pending = []
        self._pending_rows = 0

    def hexdigest(self) -> str:
        self._flush()
        return self._hash.copy().hexdigest()


def _rebased(batch: pa.RecordBatch) -> pa.RecordBatch:
    """Copy every column into fresh, exactly sized buffers: the IPC bytes of a slice otherwise
    depend on where it began and on the size of the buffers it shares."""
    columns = [pa.concat_arrays([c]) for c in batch.columns]
    return pa.RecordBatch.from_arrays(columns, schema=batch.schema)


def hash_parquet(path: str | Path) -> str:
    """The content hash of a Parquet file (how recovery checks a revision file)."""
    hasher = ContentHasher()
    for batch in pq.ParquetFile(path).iter_batches(batch_size=CHUNK_ROWS):
        hasher.update(batch)
    return hasher.hexdigest()


def hash_bytes(path: str | Path, block: int = 1 << 22) -> tuple[str, int, int]:
    """SHA-256 of a file's bytes, its size and an estimate of its number of lines.

    Reads into one reused buffer (no allocation per block) and hands hashlib a memoryview, which
    it hashes without holding the GIL. Lines are counted in the first block only and scaled by
    the size: the count is for a progress bar, not worth a second pass over every byte.
    """
    h = hashlib.sha256()
    buffer = bytearray(block)
    view = memoryview(buffer)
    size = 0
    first_lines = first_bytes = 0
    with open(path, "rb", buffering=0) as f:
        while n := f.readinto(buffer):
            h.update(view[:n])
            if size == 0:
                first_lines, first_bytes = buffer.count(b"\n", 0, n), n
            size += n
    lines = first_lines if size == first_bytes else round(first_lines * size / max(first_bytes, 1))
    return h.hexdigest(), size, lines
