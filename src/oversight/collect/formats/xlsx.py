"""Read one sheet of an Excel workbook as string batches (fastexcel, else openpyxl)."""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from oversight.collect.formats.errors import FormatError
from oversight.collect.formats.rebatch import rebatch, strip_names


def read_xlsx_batches(
    path: Path, batch_rows: int, sheet: str | int | None = None
) -> Iterator[pa.RecordBatch]:
    """Batches of one sheet (default the first); every cell as text so the validator types it."""
    batch = None
    if not has_formulas(path):  # fastexcel shows a formula's cached value, hiding the formula
        try:
            batch = _fastexcel(path, 0 if sheet is None else sheet)
        except ImportError:
            batch = None
    if batch is None:
        yield from read_with_openpyxl(path, batch_rows, sheet)
        return
    yield from rebatch([strip_names(batch)], batch_rows)


def has_formulas(path: Path) -> bool:
    """True when any worksheet holds a formula (an <f> element), read without unzipping all."""
    try:
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                    with zf.open(name) as fh:
                        tail = b""
                        while chunk := fh.read(1 << 20):
                            text = tail + chunk
                            if b"<f>" in text or b"<f " in text:
                                return True
                            tail = text[-3:]
    except zipfile.BadZipFile:
        return False  # legacy .xls: calamine handles it
    return False


def _fastexcel(path: Path, sheet: str | int) -> pa.RecordBatch:
    import fastexcel

    try:
        reader = fastexcel.read_excel(str(path))
        loaded = reader.load_sheet(sheet, dtypes="string", eager=True)
    except fastexcel.FastExcelError as exc:
        raise FormatError(path, f"not a readable Excel file: {exc}") from exc
    return pa.record_batch(loaded) if not isinstance(loaded, pa.RecordBatch) else loaded


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
        raise FormatError(path, f"not a readable Excel file: {exc}") from exc
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
