"""Formula injection at the byte level: empty cells, nulls, slices, large strings, numbers."""

from __future__ import annotations

import pyarrow as pa
import pytest
from tests.collect.validation_catalogue import make_catalogue

from oversight.collect.validation.injection import check_injection, starts_like_formula
from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import build_spec


@pytest.mark.parametrize(
    ("cells", "hits"),
    [
        ([], []),
        (["", ""], [False, False]),  # no data bytes at all
        (["="], [True]),  # a single byte of data
        (["", "=x"], [False, True]),  # an empty cell starts where the next begins
        (["=1", None, "ok", "@a", "\tx", "-2"], [True, False, False, True, True, True]),
        (["a", "b", ""], [False, False, False]),  # an empty last cell points past the data
    ],
)
def test_first_byte_decides(cells: list[str | None], hits: list[bool]) -> None:
    assert starts_like_formula(pa.array(cells, pa.string())).to_pylist() == hits
    assert starts_like_formula(pa.array(cells, pa.large_string())).to_pylist() == hits


def test_a_slice_is_read_from_its_own_offset() -> None:
    text = pa.array(["a", "=b", "c", "+d"]).slice(1, 2)
    assert starts_like_formula(text).to_pylist() == [True, False]


def test_only_text_columns_are_checked_and_numbers_keep_their_sign() -> None:
    spec = build_spec(make_catalogue(), "ae_attendances", "2024-06")
    sink = IssueSink("ae.xlsx")
    batch = pa.record_batch(
        {
            "sex": pa.array(["=cmd", "female"]),
            "wait_minutes": pa.array(["-5", "10"]),  # a known number column: '-' is a sign
            "score": pa.array([-1, 2]),  # an unexpected column read as numbers
            "notes": pa.array(["fine", "+SUM(A1)"], pa.large_string()),
        }
    )
    check_injection(sink, spec, batch, 10)
    assert [(i.row, i.column, i.value) for i in sink.issues] == [
        (11, "sex", "=cmd"),
        (12, "notes", "+SUM(A1)"),
    ]


def test_a_null_cell_is_never_a_formula_whatever_bytes_sit_under_it() -> None:
    # Arrow lets a null slot keep bytes: offsets [0, 2, 4] over "=a=b", the second slot null
    validity = pa.py_buffer(bytes([0b01]))
    offsets = pa.py_buffer(pa.array([0, 2, 4], pa.int32()).buffers()[1].to_pybytes())
    text = pa.StringArray.from_buffers(2, offsets, pa.py_buffer(b"=a=b"), validity, 1)
    assert text.to_pylist() == ["=a", None]
    assert starts_like_formula(text).to_pylist() == [True, False]
