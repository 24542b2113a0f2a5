"""Spreadsheet formula injection: a text cell starting with = + - @ (or tab / CR) would run as a
formula when a downloaded file is opened in Excel, so it is rejected, not escaped."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import Spec

FORMULA = "injection.formula"
_STARTS_LIKE_FORMULA = r"^[=+\-@\t\r]"


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
            pc.match_substring_regex(raw, _STARTS_LIKE_FORMULA),
            FORMULA,
            name,
            raw,
            row_offset,
            "text may not start with = + - @, tab or carriage return (spreadsheet formula)",
        )
