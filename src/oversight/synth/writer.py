"""Writing one lake file with fixed settings, so identical tables give identical bytes."""

from __future__ import annotations

from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

COMPRESSION = "zstd"
COMPRESSION_LEVEL = 3


def lake_path(lake: Path, dataset: str, period: str, icb_code: str) -> Path:
    """lake/<dataset>/<YYYY-MM>/<ICB>.parquet, as docs/data-model.md lays it out."""
    return lake / dataset / period / f"{icb_code}.parquet"


def revision_id(seed: int, dataset: str, period: str, icb_code: str) -> str:
    """The deterministic lineage id of a synthetic file."""
    return f"synth-{seed}-{dataset}-{period}-{icb_code}"


def write(table: pa.Table, path: Path) -> int:
    """Write `table` to `path` (parents created); returns the number of rows."""
    buffer = pa.BufferOutputStream()
    pq.write_table(
        table,
        buffer,
        compression=COMPRESSION,
        compression_level=COMPRESSION_LEVEL,
        use_dictionary=True,
        write_statistics=True,
        row_group_size=1 << 20,
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(buffer.getvalue().to_pybytes())
    return table.num_rows


class BackgroundWriter:
    """Writes files on a few threads while the next table is generated.

    Creating thousands of small files is mostly waiting on the filesystem, which releases the
    GIL; at most `in_flight` tables are held at once, so memory stays bounded. Each file's
    bytes depend only on its table, so the order writes finish in does not matter.
    """

    def __init__(self, threads: int = 3, in_flight: int = 8) -> None:
        self._pool = ThreadPoolExecutor(max_workers=threads, thread_name_prefix="synth-write")
        self._pending: deque[Future[int]] = deque()
        self._in_flight = in_flight

    def submit(self, table: pa.Table, path: Path) -> None:
        while len(self._pending) >= self._in_flight:
            self._pending.popleft().result()
        self._pending.append(self._pool.submit(write, table, path))

    def close(self) -> None:
        try:
            while self._pending:
                self._pending.popleft().result()
        finally:
            self._pool.shutdown(wait=True)

    def __enter__(self) -> BackgroundWriter:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()
