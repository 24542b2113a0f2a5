"""Spreadsheet formula injection: a text cell starting with = + - @ (or tab / CR) would run as a
formula when a downloaded file is opened in Excel, so it is rejected, not escaped."""

from __future__ import annotations

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import Spec

FORMULA = "injection.formula"
_FORMULA_BYTES = np.array([ord(c) for c in "=+-@\t\r"], dtype=np.uint8)


def starts_like_formula(text: pa.Array) -> pa.Array:
    """True where a cell's first byte is a formula trigger: read straight from Arrow's buffers
    (offsets and data) with numpy, so a clean column costs one gather, no per-row Python."""
    if len(text) == 0:
        return pa.array([], pa.bool_())
    offsets_type = np.int64 if pa.types.is_large_string(text.type) else np.int32
    _, offsets_buf, data_buf = text.buffers()
    offsets = np.frombuffer(offsets_buf, offsets_type)[text.offset : text.offset + len(text) + 1]
    data = np.frombuffer(data_buf, np.uint8) if data_buf is not None else np.zeros(0, np.uint8)
    starts, lengths = offsets[:-1], np.diff(offsets)
    first = np.zeros(len(text), np.uint8)
    nonempty = lengths > 0
    first[nonempty] = data[starts[nonempty]]
    hit = np.isin(first, _FORMULA_BYTES) & nonempty
    return pc.and_(pa.array(hit), pc.is_valid(text))


def check_injection(sink: IssueSink, spec: Spec, batch: pa.RecordBatch, row_offset: int) -> None:
    """Every text column of the file: the dataset's string columns and any unexpected column."""
    text_columns = {c.name for c in spec.columns if c.type == "string"}
    for name, raw in zip(batch.schema.names, batch.columns, strict=True):
        known = spec.column(name)
        if known is not None and name not in text_columns:
            continue  # numbers and dates: a leading '-' is a sign, typed by the schema rules
        if not pa.types.is_string(raw.type) and not pa.types.is_large_string(raw.type):
            continue
        sink.add_mask(
            starts_like_formula(raw),
            FORMULA,
            name,
            raw,
            row_offset,
            "text may not start with = + - @, tab or carriage return (spreadsheet formula)",
        )
