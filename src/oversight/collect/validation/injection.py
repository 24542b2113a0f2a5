"""Spreadsheet formula injection: a text cell starting with = + - @ (or tab / CR) would run as a
formula when a downloaded file is opened in Excel, so it is rejected, not escaped."""

from __future__ import annotations

from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import Spec

FORMULA = "injection.formula"
_TRIGGER = np.zeros(256, dtype=bool)
_TRIGGER[[ord(c) for c in "=+-@\t\r"]] = True
"""Lookup table: is this first byte a formula trigger?"""


def starts_like_formula(text: pa.Array) -> pa.Array:
    """True where a cell's first byte is a formula trigger: read straight from Arrow's buffers
    (offsets and data) with numpy, so a clean column costs one gather and one table lookup,
    no per-row Python."""
    if len(text) == 0:
        return pa.array([], pa.bool_())
    offsets_type = np.int64 if pa.types.is_large_string(text.type) else np.int32
    _, offsets_buf, data_buf = text.buffers()
    whole: npt.NDArray[np.signedinteger[Any]] = np.frombuffer(offsets_buf, offsets_type)  # type: ignore[assignment]
    offsets = whole[text.offset : text.offset + len(text) + 1]
    starts = offsets[:-1]
    nonempty = offsets[1:] > starts
    if data_buf is None or data_buf.size == 0:
        return pa.array(np.zeros(len(text), dtype=bool))
    data = np.frombuffer(data_buf, np.uint8)
    first = np.take(data, starts, mode="clip")  # an empty last cell may point past the end
    hit = _TRIGGER[first] & nonempty
    if text.null_count:
        return pc.and_(pa.array(hit), pc.is_valid(text))
    return pa.array(hit)


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
