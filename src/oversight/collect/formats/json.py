"""Read JSON records (an array of objects, or JSON Lines) as string batches."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa

from oversight.collect.formats.bounds import NO_LIMITS, ReadLimits, mb
from oversight.collect.formats.errors import FormatError, LimitExceeded

NESTED_TOO_DEEPLY = "JSON is nested too deeply to read"


def _text(value: Any) -> str | None:
    """Scalars as the text a CSV would carry; nested values as compact JSON."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int | float):
        return repr(value)
    return json.dumps(value, separators=(",", ":"))


def _batches(path: Path, records: Iterable[Any], batch_rows: int) -> Iterator[pa.RecordBatch]:
    names: list[str] = []
    chunk: list[dict[str, Any]] = []
    for n, record in enumerate(records, start=1):
        if not isinstance(record, dict):
            raise FormatError(path, f"record {n} is not a JSON object")
        for key in record:
            if key not in names:
                names.append(key)  # first appearance fixes the column order
        chunk.append(record)
        if len(chunk) >= batch_rows:
            yield _to_batch(chunk, names)
            chunk = []
    if chunk:
        yield _to_batch(chunk, names)


def _to_batch(chunk: list[dict[str, Any]], names: list[str]) -> pa.RecordBatch:
    arrays = [pa.array([_text(r.get(k)) for r in chunk], pa.string()) for k in names]
    return pa.RecordBatch.from_arrays(arrays, names=[k.strip() for k in names])


def _lines(path: Path, too_big: LimitExceeded | None = None) -> Iterator[Any]:
    """One record a line; `too_big` is raised instead if the first line is not JSON (the file
    was a single document too large to parse whole, not JSON Lines)."""
    with path.open("r", encoding="utf-8-sig") as fh:
        for number, line in enumerate(fh, start=1):
            if line.strip():
                try:
                    yield json.loads(line)
                except json.JSONDecodeError as exc:
                    if too_big is not None and number == 1:
                        raise too_big from None
                    raise FormatError(path, f"line {number} is not JSON: {exc.msg}") from exc


def read_json_batches(
    path: Path, batch_rows: int, limits: ReadLimits = NO_LIMITS
) -> Iterator[pa.RecordBatch]:
    """An array of objects (or {"records": [...]}) is loaded whole, so it must be within the
    JSON-document limit; JSON Lines stream at any size."""
    try:
        yield from _read(path, batch_rows, limits)
    except RecursionError:
        raise FormatError(path, NESTED_TOO_DEEPLY) from None


def _read(path: Path, batch_rows: int, limits: ReadLimits) -> Iterator[pa.RecordBatch]:
    with path.open("r", encoding="utf-8-sig") as fh:
        first = fh.read(1 << 16).lstrip()[:1]
    cap = limits.max_json_document_bytes
    too_big = None
    if cap is not None and path.stat().st_size > cap:
        too_big = LimitExceeded(
            "JSON document is larger",
            f"{mb(cap)} JSON-document",
            limits.owner,
            "send JSON Lines (one record a line) or CSV instead",
        )
        if first == "[":
            raise too_big
    if first == "{" and too_big is not None:
        yield from _batches(path, _lines(path, too_big), batch_rows)
        return
    if first == "[" or first == "{":
        try:
            with path.open("r", encoding="utf-8-sig") as fh:
                doc = json.load(fh)
        except json.JSONDecodeError:
            if first == "{":  # JSON Lines whose first record is an object
                yield from _batches(path, _lines(path), batch_rows)
                return
            raise FormatError(path, "not valid JSON") from None
        if isinstance(doc, dict) and isinstance(doc.get("records"), list):
            doc = doc["records"]
        if isinstance(doc, dict):
            doc = [doc]
        if not isinstance(doc, list):
            raise FormatError(path, "JSON must be an array of records or JSON Lines")
        yield from _batches(path, doc, batch_rows)
        return
    raise FormatError(path, "JSON must be an array of records or JSON Lines")
