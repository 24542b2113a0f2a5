"""Each collection's limits (catalogue `limits`) as the checks the service makes: the size of
what is sent, counted while it streams in, and the limits the readers enforce while reading.

Every refusal is a LimitExceeded whose message names the limit; the API answers 413 with it
and `oversight submit` exits 2 with it (docs/collection.md "Limits")."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from oversight.collect.formats.bounds import MB, ReadLimits, mb
from oversight.collect.formats.errors import LimitExceeded

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue, Collection

__all__ = ["ByteCap", "LimitExceeded", "check_file_size", "read_limits", "upload_cap"]

ANY_COLLECTION = "any collection"


@dataclass(frozen=True)
class ByteCap:
    """At most `limit` bytes of something, with whose limit it is for the message."""

    limit: int
    owner: str
    subject: str = "upload is larger"

    def refusal(self) -> LimitExceeded:
        return LimitExceeded(self.subject, mb(self.limit), self.owner)

    def check(self, size: int) -> None:
        if size > self.limit:
            raise self.refusal()


def _collection(catalogue: Catalogue, collection: str | None) -> Collection | None:
    return catalogue.collections.get(collection) if collection else None


def upload_cap(catalogue: Catalogue, collection: str | None) -> ByteCap:
    """The upload limit of `collection`, or the largest of any collection while it is not
    known yet (a multipart form may send the file before the `collection` field)."""
    coll = _collection(catalogue, collection)
    if coll is not None:
        return ByteCap(coll.limits.max_upload_mb * MB, f"collection {coll.id}")
    largest = max(c.limits.max_upload_mb for c in catalogue.collections.values())
    return ByteCap(largest * MB, ANY_COLLECTION)


def json_body_cap(catalogue: Catalogue, collection: str | None) -> ByteCap:
    """A JSON body is parsed whole, so it has the smaller JSON-document limit as well."""
    coll = _collection(catalogue, collection)
    if coll is not None:
        size = min(coll.limits.max_json_document_mb, coll.limits.max_upload_mb)
        return ByteCap(size * MB, f"collection {coll.id}", "JSON body is larger")
    largest = max(
        min(c.limits.max_json_document_mb, c.limits.max_upload_mb)
        for c in catalogue.collections.values()
    )
    return ByteCap(largest * MB, ANY_COLLECTION, "JSON body is larger")


def read_limits(catalogue: Catalogue, collection: str) -> ReadLimits:
    """What the readers may read for one submission of `collection`."""
    limits = catalogue.collections[collection].limits
    return ReadLimits(
        max_rows=limits.max_rows,
        max_uncompressed_bytes=limits.max_uncompressed_mb * MB,
        max_compression_ratio=limits.max_compression_ratio,
        max_json_document_bytes=limits.max_json_document_mb * MB,
        owner=f"collection {collection}",
    )


def check_file_size(path: str | Path, catalogue: Catalogue, collection: str) -> None:
    """Refuse a file over the collection's upload limit before reading any of it."""
    upload_cap(catalogue, collection).check(Path(path).stat().st_size)
