"""Stream a CSV file as Arrow batches of strings (typing a cell is the validator's job)."""

from __future__ import annotations

import csv as _csv
from collections.abc import Iterator, Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.csv as pacsv

from oversight.collect.formats.errors import FormatError, TypedReadFailed
from oversight.collect.formats.rebatch import coalesce, rebatch, strip_names
from oversight.collect.formats.sniff import SAMPLE_BYTES, Dialect, sniff

_MIN_BLOCK = 1 << 20
_MAX_BLOCK = 4 << 20  # larger blocks made the streaming reader hold memory growing with file size


def read_csv_batches(
    path: Path, batch_rows: int, types: Mapping[str, pa.DataType] | None = None
) -> Iterator[pa.RecordBatch]:
    """Batches of at most `batch_rows` rows; every column is a string, '' is null.

    With `types`, the named columns are converted by the reader itself (the fast path for a
    clean file: no text arrays, no second cast); any failure raises TypedReadFailed.
    """
    with path.open("rb") as fh:
        sample = fh.read(SAMPLE_BYTES)
    dialect = sniff(sample)
    if not dialect.header or not any(h.strip() for h in dialect.header):
        raise FormatError(path, "no header row")
    names = [h.strip() for h in dialect.header]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise FormatError(path, f"duplicate column names: {', '.join(duplicates)}")
    bad_rows: list[str] = []

    def on_invalid(row: pacsv.InvalidRow) -> str:
        # pyarrow knows the line number only sometimes (not when parsing blocks in
        # parallel), so both paths say line and data row the same way.
        n = row.number
        where = f"line {n} (data row {n - 1})" if n is not None else "a line"
        bad_rows.append(
            f"{where} has {row.actual_columns} fields, the header has {row.expected_columns}"
        )
        return "error"

    block = int(min(max(dialect.mean_line_bytes * batch_rows, _MIN_BLOCK), _MAX_BLOCK))
    read = pacsv.ReadOptions(block_size=block, encoding=dialect.encoding, use_threads=True)
    parse = pacsv.ParseOptions(
        delimiter=dialect.delimiter,
        newlines_in_values=dialect.quoted,
        invalid_row_handler=on_invalid,
    )
    convert = pacsv.ConvertOptions(
        column_types={h: (types or {}).get(h.strip(), pa.string()) for h in dialect.header},
        strings_can_be_null=True,
        null_values=[""],
        quoted_strings_can_be_null=True,
    )
    try:
        reader = pacsv.open_csv(
            path, read_options=read, parse_options=parse, convert_options=convert
        )
        yield from rebatch(coalesce((strip_names(b) for b in reader), batch_rows), batch_rows)
    except (pa.ArrowInvalid, UnicodeDecodeError) as exc:
        if types:
            raise TypedReadFailed(path, str(exc).splitlines()[0]) from exc
        if isinstance(exc, UnicodeDecodeError):
            raise FormatError(path, f"cannot decode as {dialect.encoding}: {exc.reason}") from exc
        reason = bad_rows[0] if bad_rows else str(exc).splitlines()[0]
        if bad_rows and reason.startswith("a line"):
            reason = _first_ragged_line(path, dialect) or reason
        raise FormatError(path, f"not a readable CSV file: {reason}") from exc


def _first_ragged_line(path: Path, dialect: Dialect) -> str | None:
    """Only on the error path: find the line whose field count differs from the header's."""
    codec = "utf-8-sig" if dialect.encoding == "utf8" else dialect.encoding
    with path.open("r", encoding=codec, errors="replace", newline="") as fh:
        reader = _csv.reader(fh, delimiter=dialect.delimiter)
        width = len(next(reader, ()))
        for row in reader:
            if row and len(row) != width:
                return (
                    f"line {reader.line_num} (data row {reader.line_num - 1}) has {len(row)} "
                    f"fields, the header has {width}"
                )
    return None
