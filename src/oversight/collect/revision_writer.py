"""Write validated batches into a revision's Parquet file on a background thread.

The ingest pipeline runs on three threads so both cores stay busy: the reader parses the next
CSV block (collect.formats.prefetch), the caller validates the current batch, and this writer
adds the platform columns, hashes the content and encodes Parquet. Arrow's parser, Parquet
encoder and hashlib release the GIL, so only the validator's Python glue is serial. The queue
is bounded, so at most QUEUE_DEPTH validated batches wait in memory.
"""

from __future__ import annotations

import contextlib
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from oversight.collect.content_hash import ContentHasher

QUEUE_DEPTH = 4
ROW_GROUP_ROWS = 262_144
"""Validated batches (one per 4 MB CSV block, ~35k rows) are gathered into row groups of
about this many rows: fewer, larger row groups read faster later."""
COMPRESSION = "zstd"
STATISTICS_COLUMNS = frozenset({"icb_code", "period", "record_id"})
_DONE = object()

Complete = Callable[[pa.RecordBatch, str], pa.RecordBatch]
"""(validated batch, revision id) → the batch in the lake's column order with platform columns."""


def parquet_options(schema: pa.Schema) -> dict[str, Any]:
    """zstd; dictionary encoding only for text columns (codes and categories repeat a handful
    of values, while ids and timestamps are nearly unique, where trying a dictionary first
    tripled their encoding time for no smaller file); min/max statistics only where a reader
    filters (the grain and time columns), as string statistics cost ~30% of the encoding."""
    text = [f.name for f in schema if pa.types.is_string(f.type)]
    stats = [f.name for f in schema if f.name in STATISTICS_COLUMNS or pa.types.is_temporal(f.type)]
    return {"compression": COMPRESSION, "use_dictionary": text, "write_statistics": stats}


class RevisionWriter:
    """Consumes validated batches; `close()` returns the content hasher (rows and hash).

    `revision_id` may be a Future: the source file's hash is computed alongside validation,
    and the writer waits for it only when it needs the id for the first batch.
    With `path=None` (a dry run) nothing is hashed or written; rows are still counted.
    """

    def __init__(
        self, path: Path | None, complete: Complete, revision_id: str | Future[str]
    ) -> None:
        self.path = path
        self.complete = complete
        self.revision_id = revision_id
        self.hasher = ContentHasher()
        self.rows = 0
        self._queue: queue.Queue[object] = queue.Queue(maxsize=QUEUE_DEPTH)
        self._error: BaseException | None = None
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="write-revision", daemon=True)
        self._thread.start()

    def put(self, batch: pa.RecordBatch) -> None:
        """Hand over one validated batch; re-raises a failure of the writer thread here."""
        self.rows += batch.num_rows
        self._offer(batch)

    def close(self) -> ContentHasher:
        """Wait for every batch to be written and the file closed."""
        self._offer(_DONE)
        self._thread.join()
        self._raise_if_failed()
        return self.hasher

    def abort(self) -> None:
        """Stop without finishing (the caller is giving up on this file)."""
        self._stop.set()
        try:
            while True:
                self._queue.get_nowait()
        except queue.Empty:
            pass
        with contextlib.suppress(queue.Full):
            self._queue.put_nowait(_DONE)
        self._thread.join()

    def _offer(self, item: object) -> None:
        while True:
            self._raise_if_failed()
            if not self._thread.is_alive():
                raise RuntimeError("the revision writer stopped unexpectedly")
            try:
                self._queue.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def _raise_if_failed(self) -> None:
        if self._error is not None:
            raise self._error

    def _run(self) -> None:
        writer: pq.ParquetWriter | None = None
        pending: list[pa.RecordBatch] = []
        pending_rows = 0
        try:
            while True:
                item = self._queue.get()
                if item is _DONE or self._stop.is_set():
                    break
                if self.path is None:
                    continue
                rid = self.revision_id
                if isinstance(rid, Future):
                    rid = rid.result()
                full = self.complete(item, rid)
                self.hasher.update(full)
                pending.append(full)
                pending_rows += full.num_rows
                if pending_rows >= ROW_GROUP_ROWS:
                    writer = self._write(writer, pending)
                    pending, pending_rows = [], 0
            if pending and not self._stop.is_set():
                writer = self._write(writer, pending)
        except BaseException as exc:  # handed to the producer, raised there
            self._error = exc
        finally:
            if writer is not None:
                writer.close()

    def _write(
        self, writer: pq.ParquetWriter | None, batches: list[pa.RecordBatch]
    ) -> pq.ParquetWriter:
        table = pa.Table.from_batches(batches)
        if writer is None:
            assert self.path is not None
            writer = pq.ParquetWriter(self.path, table.schema, **parquet_options(table.schema))
        writer.write_table(table, row_group_size=max(table.num_rows, 1))
        return writer
