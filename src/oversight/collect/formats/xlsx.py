"""Read one sheet of an Excel workbook as string batches (fastexcel, else openpyxl).

A workbook is a zip archive: before either library opens it, every part is unpacked once as a
stream, counted against the unpacked-size and ratio limits (so a decompression bomb is refused
having used one 1 MB buffer) and checked for formulas."""

from __future__ import annotations

import datetime as dt
import zipfile
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from oversight.collect.formats.bounds import NO_LIMITS, ReadLimits
from oversight.collect.formats.errors import FormatError
from oversight.collect.formats.rebatch import rebatch, strip_names

_CHUNK = 1 << 20


def read_xlsx_batches(
    path: Path, batch_rows: int, sheet: str | int | None = None, limits: ReadLimits = NO_LIMITS
) -> Iterator[pa.RecordBatch]:
    """Batches of one sheet (default the first); every cell as text so the validator types it."""
    batch = None
    if not inspect_workbook(path, limits):  # fastexcel shows a formula's cached value only
        try:
            batch = _fastexcel(path, 0 if sheet is None else sheet, limits.max_rows)
        except ImportError:
            batch = None
    if batch is None:
        yield from read_with_openpyxl(path, batch_rows, sheet)
        return
    yield from rebatch([strip_names(batch)], batch_rows)


def inspect_workbook(path: Path, limits: ReadLimits) -> bool:
    """Whether any worksheet holds a formula (an <f> element); LimitExceeded when the declared
    or actual unpacked size, or a part's packing ratio, is over `limits`. Parts are streamed,
    so memory stays at one chunk; zipfile stops each part at its declared size and checks its
    CRC, so a part cannot unpack to more than its header says without being found damaged."""
    try:
        archive = zipfile.ZipFile(path)
    except zipfile.BadZipFile:
        return False  # legacy .xls: calamine handles it
    with archive:
        parts = archive.infolist()
        _check_declared(parts, limits)
        try:
            return _scan(archive, parts, limits)
        except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError) as exc:
            raise FormatError(path, f"not a readable Excel file: damaged archive ({exc})") from exc


def _check_declared(parts: list[zipfile.ZipInfo], limits: ReadLimits) -> None:
    """Refuse on the sizes the archive declares, before unpacking anything."""
    declared = sum(p.file_size for p in parts)
    if limits.max_uncompressed_bytes is not None and declared > limits.max_uncompressed_bytes:
        raise limits.unpacked_exceeded("workbook")
    for part in parts:
        limits.check_ratio(f"workbook part {part.filename}", part.file_size, part.compress_size)


def _scan(archive: zipfile.ZipFile, parts: list[zipfile.ZipInfo], limits: ReadLimits) -> bool:
    """Unpack every part as a stream, counting; True if a worksheet holds a formula."""
    formulas, total = False, 0
    cap = limits.max_uncompressed_bytes
    for part in parts:
        sheet = part.filename.startswith("xl/worksheets/") and part.filename.endswith(".xml")
        unpacked, tail = 0, b""
        with archive.open(part) as fh:
            while chunk := fh.read(_CHUNK):
                unpacked += len(chunk)
                total += len(chunk)
                if cap is not None and total > cap:
                    raise limits.unpacked_exceeded("workbook")
                limits.check_ratio(f"workbook part {part.filename}", unpacked, part.compress_size)
                if sheet and not formulas:
                    text = tail + chunk
                    formulas = b"<f>" in text or b"<f " in text
                    tail = text[-3:]
    return formulas


def _fastexcel(path: Path, sheet: str | int, max_rows: int | None) -> pa.RecordBatch:
    """The whole sheet at once (calamine has no streaming reader): bounded by the unpacked-size
    check above, and by loading at most one row more than the row limit."""
    import fastexcel

    n_rows = None if max_rows is None else max_rows + 1
    try:
        reader = fastexcel.read_excel(str(path))
        loaded = reader.load_sheet(sheet, dtypes="string", eager=True, n_rows=n_rows)
    except fastexcel.FastExcelError as exc:
        raise FormatError(path, f"not a readable Excel file: {_reason(exc, path)}") from exc
    return pa.record_batch(loaded) if not isinstance(loaded, pa.RecordBatch) else loaded


def _reason(exc: Exception, path: Path) -> str:
    """The library's first line, without the server's path to the stored upload."""
    lines = str(exc).strip().splitlines() or [type(exc).__name__]
    return lines[0].replace(str(path), "the file").strip()


def _cell_text(value: Any) -> str | None:
    """Text as a CSV export would show it: integral floats without '.0', ISO dates."""
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ")
    if isinstance(value, dt.date):
        return value.isoformat()
    return str(value)


def read_with_openpyxl(
    path: Path, batch_rows: int, sheet: str | int | None
) -> Iterator[pa.RecordBatch]:
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=False)
    except Exception as exc:  # openpyxl raises many unrelated types for a bad file
        raise FormatError(path, f"not a readable Excel file: {_reason(exc, path)}") from exc
    try:
        ws = book[sheet] if isinstance(sheet, str) else book.worksheets[sheet or 0]
        rows = ws.iter_rows(values_only=True)
        header = next(rows, None)
        if header is None:
            raise FormatError(path, "sheet is empty")
        names = [
            str(h).strip() if h is not None else f"column_{i + 1}" for i, h in enumerate(header)
        ]
        buffer: list[list[str | None]] = [[] for _ in names]
        for row in rows:
            if all(v is None for v in row):
                continue
            for i in range(len(names)):
                buffer[i].append(_cell_text(row[i]) if i < len(row) else None)
            if len(buffer[0]) >= batch_rows:
                yield pa.RecordBatch.from_arrays([pa.array(c, pa.string()) for c in buffer], names)
                buffer = [[] for _ in names]
        if buffer[0]:
            yield pa.RecordBatch.from_arrays([pa.array(c, pa.string()) for c in buffer], names)
    finally:
        book.close()
