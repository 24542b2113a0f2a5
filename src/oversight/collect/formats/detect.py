"""Which reader a file needs: magic bytes first (they cannot lie), then the extension."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from oversight.collect.formats.errors import FormatError

Format = Literal["csv", "xlsx", "json", "parquet"]
FORMATS: tuple[Format, ...] = ("csv", "xlsx", "json", "parquet")

EXTENSIONS: dict[str, Format] = {
    ".csv": "csv",
    ".tsv": "csv",
    ".txt": "csv",
    ".xlsx": "xlsx",
    ".xlsm": "xlsx",
    ".xls": "xlsx",
    ".json": "json",
    ".jsonl": "json",
    ".ndjson": "json",
    ".parquet": "parquet",
    ".pq": "parquet",
}
_PARQUET_MAGIC = b"PAR1"
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0"  # legacy .xls (calamine reads it through fastexcel)
_BOM = b"\xef\xbb\xbf"


def read_head(path: str | Path, size: int = 4096) -> bytes:
    """The first bytes of `path`; FormatError if it is missing or empty."""
    p = Path(path)
    if not p.is_file():
        raise FormatError(p, "file not found")
    with p.open("rb") as fh:
        head = fh.read(size)
    if not head.strip():
        raise FormatError(p, "file is empty")
    return head


def detect_format(path: str | Path) -> Format:
    """The format of `path`; FormatError if it is missing, empty or not a table format."""
    p = Path(path)
    head = read_head(p)
    if head.startswith(_PARQUET_MAGIC):
        return "parquet"
    if head.startswith(_ZIP_MAGIC) or head.startswith(_OLE_MAGIC):
        return "xlsx"
    by_ext = EXTENSIONS.get(p.suffix.lower())
    if by_ext in ("xlsx", "parquet"):
        raise FormatError(p, f"extension {p.suffix} but the content is not {by_ext}")
    if by_ext is not None:
        return by_ext
    text = head.removeprefix(_BOM).lstrip()
    if text[:1] in (b"[", b"{"):
        return "json"
    if b"\x00" in head:
        raise FormatError(p, "binary content of an unknown format")
    return "csv"
