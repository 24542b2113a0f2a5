"""Whole-file checks: duplicate keys in the shapes the fast path must not miss, and file-level
issues reported once however many batches the file is read in."""

from __future__ import annotations

from pathlib import Path

import pytest
from tests.collect.validation_catalogue import (
    PERIOD,
    ae_row,
    found,
    make_catalogue,
    validate,
    write_rows,
)

from oversight.collect.validation import Validator
from oversight.collect.validation.spec import build_spec


@pytest.mark.parametrize(
    ("ids", "repeats"),
    [
        ((7, 7), [(2, "7")]),  # just two rows
        ((3, 3, 3), [(2, "3"), (3, "3")]),  # all the same (sorted, not strictly)
        ((1, 2, 2), [(3, "2")]),  # sorted with a repeat at the end
        ((1, 2, 3), []),
        ((5,), []),
    ],
)
def test_repeated_record_ids_are_found(
    tmp_path: Path, ids: tuple[int, ...], repeats: list[tuple[int, str]]
) -> None:
    report, _ = validate(write_rows(tmp_path / "ae.csv", [ae_row(i) for i in ids]))
    assert [(r, v) for r, _, v in found(report, "ranges.duplicate_key")] == repeats


def test_a_missing_column_is_reported_once_for_a_file_read_in_batches(tmp_path: Path) -> None:
    rows = [{k: v for k, v in ae_row(i).items() if k != "sex"} for i in (1, 2, 3)]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows), batch_rows=1)
    assert found(report, "schema.missing_column") == [(None, "sex", None)]


def test_the_typed_schema_is_the_datasets_submitted_columns() -> None:
    v = Validator(make_catalogue(), "ae_attendances", "QMJ", PERIOD, file_name="ae.csv")
    spec = build_spec(make_catalogue(), "ae_attendances", PERIOD)
    assert v.schema == spec.schema
    assert v.schema.names == list(spec.names) and "record_id" in v.schema.names
    assert "revision_id" not in v.schema.names  # set by the platform, never submitted
