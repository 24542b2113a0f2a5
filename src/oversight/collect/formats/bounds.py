"""What a reader may be asked to read before it stops: rows, unpacked bytes, packing ratio.

The readers know nothing of collections; the caller (collect.limits) fills these in from the
catalogue and names whose limits they are (`owner`, e.g. "collection ecds")."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

import pyarrow as pa

from oversight.collect.formats.errors import LimitExceeded

MB = 1 << 20
RATIO_FLOOR_BYTES = MB  # a part smaller than this cannot be a bomb, whatever its ratio


@dataclass(frozen=True)
class ReadLimits:
    """None means no limit of that kind."""

    max_rows: int | None = None
    max_uncompressed_bytes: int | None = None
    max_compression_ratio: float | None = None
    max_json_document_bytes: int | None = None
    owner: str | None = None

    def rows_exceeded(self) -> LimitExceeded:
        return LimitExceeded("upload has more rows", f"{self.max_rows:,}-row", self.owner)

    def unpacked_exceeded(self, what: str) -> LimitExceeded:
        assert self.max_uncompressed_bytes is not None
        limit = f"{mb(self.max_uncompressed_bytes)} uncompressed"
        return LimitExceeded(f"{what} unpacks to more", limit, self.owner)

    def check_ratio(self, part: str, unpacked: int, packed: int) -> None:
        """Refuse a part packed more tightly than the ratio limit (a decompression bomb)."""
        cap = self.max_compression_ratio
        if cap is None or unpacked < RATIO_FLOOR_BYTES:
            return
        ratio = unpacked / max(packed, 1)
        if ratio > cap:
            subject = f"{part} is compressed {ratio:,.0f}:1, more"
            raise LimitExceeded(subject, f"{cap:g}:1 compression-ratio", self.owner)


NO_LIMITS = ReadLimits()


def mb(size: int) -> str:
    """Bytes as whole MB (1,048,576 bytes) for messages: 268435456 -> '256 MB'."""
    return f"{size / MB:,.0f} MB" if size >= MB else f"{size / MB:.2f} MB"


def count_rows(batches: Iterable[pa.RecordBatch], limits: ReadLimits) -> Iterator[pa.RecordBatch]:
    """Pass batches through, refusing as soon as the running row count passes the limit."""
    rows = 0
    for batch in batches:
        rows += batch.num_rows
        if limits.max_rows is not None and rows > limits.max_rows:
            raise limits.rows_exceeded()
        yield batch
