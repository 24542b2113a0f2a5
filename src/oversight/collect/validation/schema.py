"""Schema rules: columns present, every cell parses to its type, no nulls where not allowed,
values inside the catalogue's allowed list."""

from __future__ import annotations

import pyarrow as pa
import pyarrow.compute as pc

from oversight.collect.validation.parse import parse_column
from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import Spec

MISSING_COLUMN = "schema.missing_column"
UNEXPECTED_COLUMN = "schema.unexpected_column"
TYPE = "schema.type"
NULL = "schema.null"
ALLOWED_VALUES = "schema.allowed_values"


def check_columns(sink: IssueSink, spec: Spec, names: list[str]) -> None:
    """Missing columns are errors; extra columns are warnings (ignored, never stored)."""
    for name in spec.names:
        if name not in names:
            sink.add(MISSING_COLUMN, name, f"required column {name!r} is missing")
    for name in names:
        if name not in spec.names:
            sink.add(
                UNEXPECTED_COLUMN,
                name,
                f"column {name!r} is not part of dataset {spec.dataset_id}; it will be ignored",
                severity="warning",
            )


def check_cells(
    sink: IssueSink, spec: Spec, batch: pa.RecordBatch, row_offset: int
) -> dict[str, pa.Array]:
    """Typed arrays for every dataset column (null where a cell failed or a column is absent)."""
    typed: dict[str, pa.Array] = {}
    present = set(batch.schema.names)
    for column, field in zip(spec.columns, spec.schema, strict=True):
        if column.name not in present:
            typed[column.name] = pa.nulls(batch.num_rows, field.type)
            continue
        raw = batch.column(column.name)
        month = column.name == spec.period_column
        values, bad = parse_column(raw, column.type, field.type, month=month)
        sink.add_mask(bad, TYPE, column.name, raw, row_offset, f"not a valid {column.type}")
        if not column.nullable:
            sink.add_mask(
                pc.and_(pc.is_null(values), pc.invert(bad)),
                NULL,
                column.name,
                raw,
                row_offset,
                "a value is required",
            )
        if column.allowed_values:
            allowed = pa.array(column.allowed_values, pa.string())
            outside = pc.invert(pc.is_in(pc.cast(values, pa.string()), allowed))
            sink.add_mask(
                pc.and_(outside, pc.is_valid(values)),
                ALLOWED_VALUES,
                column.name,
                raw,
                row_offset,
                f"must be one of: {', '.join(column.allowed_values)}",
            )
        typed[column.name] = values
    return typed
