"""The revision writer thread: rows arrive in order in row groups, a failure in the thread is
raised to the producer, and abandoning a file never deadlocks."""

from __future__ import annotations

from concurrent.futures import Future
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from oversight.collect import revision_writer
from oversight.collect.revision_writer import RevisionWriter, parquet_options


def _batch(start: int, n: int) -> pa.RecordBatch:
    return pa.record_batch(
        {"record_id": pa.array(range(start, start + n), pa.int64()), "sex": ["female"] * n}
    )


def _with_revision(batch: pa.RecordBatch, rid: str) -> pa.RecordBatch:
    column = pa.array([rid] * batch.num_rows)
    return pa.RecordBatch.from_arrays([*batch.columns, column], [*batch.schema.names, "rid"])


def test_batches_are_written_in_order_once_the_revision_id_is_known(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(revision_writer, "ROW_GROUP_ROWS", 250)
    rid: Future[str] = Future()
    path = tmp_path / "r.parquet"
    writer = RevisionWriter(path, _with_revision, rid)
    for start in range(0, 300, 100):  # fewer than the queue holds: the id comes later
        writer.put(_batch(start, 100))
    rid.set_result("abc")  # (in ingest, the source file's hash thread sets it)
    for start in range(300, 1000, 100):
        writer.put(_batch(start, 100))
    hasher = writer.close()
    table = pq.read_table(path)
    assert table["record_id"].to_pylist() == list(range(1000))
    assert set(table["rid"].to_pylist()) == {"abc"}
    assert hasher.rows == 1000
    assert pq.ParquetFile(path).metadata.num_row_groups == 4  # 300, 300, 300, 100 rows
    assert writer.rows == 1000


def test_a_failure_in_the_writer_thread_is_raised_to_the_producer(tmp_path: Path) -> None:
    def broken(batch: pa.RecordBatch, rid: str) -> pa.RecordBatch:
        raise OSError("disk full")

    writer = RevisionWriter(tmp_path / "r.parquet", broken, "abc")
    with pytest.raises(OSError, match="disk full"):
        for start in range(0, 10_000, 10):
            writer.put(_batch(start, 10))
        writer.close()


def test_abort_returns_with_a_full_queue_and_no_revision_id(tmp_path: Path) -> None:
    never: Future[str] = Future()
    writer = RevisionWriter(tmp_path / "r.parquet", _with_revision, never)
    writer.put(_batch(0, 10))  # the thread waits for the id with this one
    for start in range(10, 10 + 10 * revision_writer.QUEUE_DEPTH, 10):
        writer.put(_batch(start, 10))
    never.cancel()
    writer.abort()
    assert not writer._thread.is_alive()


def test_dictionary_and_statistics_only_where_they_pay() -> None:
    schema = pa.schema(
        [
            ("icb_code", pa.string()),
            ("sex", pa.string()),
            ("record_id", pa.int64()),
            ("arrival_time", pa.timestamp("us")),
            ("wait_minutes", pa.int32()),
        ]
    )
    options = parquet_options(schema)
    assert options["use_dictionary"] == ["icb_code", "sex"]
    assert options["write_statistics"] == ["icb_code", "record_id", "arrival_time"]
