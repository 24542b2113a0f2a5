"""Ingest with the real validator through the fast path: a CSV read with the dataset's types
stores the same content as the text path, and a file with any problem is reported exactly as
submitted (it is read again as text)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc
import pytest
from tests.collect.ingest_support import ae_rows, write_csv

from oversight.catalogue import load
from oversight.collect.formats import TypedReadFailed, read_batches
from oversight.collect.ingest import ingest
from oversight.collect.validation.injection import starts_like_formula
from oversight.collect.validation.parse import parse_column
from oversight.store import database
from oversight.store.lake import Lake


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load()


@pytest.fixture
def store(tmp_path: Path, catalogue: Any) -> dict[str, Any]:
    return {
        "collection": "ecds",
        "org": "QMJ",
        "period": "2024-06",
        "submitter": "qmj-provider",
        "catalogue": catalogue,
        "lake": Lake(tmp_path / "lake"),
        "engine": database.connect(f"sqlite:///{tmp_path / 'oversight.db'}"),
    }


def attendances(catalogue: Any, n: int = 500) -> pa.Table:
    """Valid A&E records of QMJ's own providers, as CSV text cells."""
    table = ae_rows("QMJ", "2024-06", n, seed=3)
    providers = [p.code for p in catalogue.providers_of("QMJ")]
    codes = pa.array([providers[i % len(providers)] for i in range(n)])
    return table.set_column(table.schema.get_field_index("provider_code"), "provider_code", codes)


def with_cell(table: pa.Table, row: int, column: str, value: str) -> pa.Table:
    """`table` with data row `row` (1-based) of `column` replaced by the text `value`."""
    cells = table[column].to_pylist()
    cells[row - 1] = value
    return table.set_column(table.schema.get_field_index(column), column, pa.array(cells))


def test_typed_csv_and_text_json_of_the_same_rows_are_one_revision(store, tmp_path) -> None:
    table = attendances(store["catalogue"])
    first = ingest(write_csv(table, tmp_path / "ae.csv"), **store)
    assert first.status == "accepted" and first.created_revision, first.report
    records = tmp_path / "ae.json"
    records.write_text(json.dumps(table.to_pylist()))
    again = ingest(records, **store)
    assert again.status == "accepted" and not again.created_revision
    assert again.revision is not None and first.revision is not None
    assert again.revision.id == first.revision.id


def test_typed_read_raises_on_a_cell_it_cannot_convert(tmp_path) -> None:
    path = tmp_path / "t.csv"
    path.write_text("n,s\n1,a\nx,b\n")
    with pytest.raises(TypedReadFailed):
        list(read_batches(path, types={"n": pa.int64()}))
    assert [b.column("n").type for b in read_batches(path)] == [pa.string()]


def test_a_cell_the_typed_reader_rejects_is_reported_as_text(store, tmp_path) -> None:
    table = with_cell(attendances(store["catalogue"]), 300, "wait_minutes", "soon")
    result = ingest(write_csv(table, tmp_path / "ae.csv"), **store)
    assert result.status == "rejected"
    found = [(i["row"], i["column"], i["rule"], i["value"]) for i in result.report["issues"]]
    assert (300, "wait_minutes", "schema.type", "soon") in found


def test_errors_found_after_a_typed_read_name_the_value_as_submitted(store, tmp_path) -> None:
    table = attendances(store["catalogue"])
    for column, value in (
        ("arrival_time", "2024-07-02T10:00:00"),
        ("departure_time", "2024-07-02T10:30:00"),
        ("wait_minutes", "30"),
    ):
        table = with_cell(table, 7, column, value)
    result = ingest(write_csv(table, tmp_path / "ae.csv"), **store)
    assert result.status == "rejected"
    [issue] = [i for i in result.report["issues"] if i["rule"] == "ranges.date_outside_period"]
    assert (issue["row"], issue["value"]) == (7, "2024-07-02T10:00:00")


def test_an_explicit_plus_sign_is_an_integer() -> None:
    values, bad = parse_column(pa.array(["+5", "-3", "x"]), "int64", pa.int64())
    assert values.to_pylist() == [5, -3, None]
    assert bad.to_pylist() == [False, False, True]


def test_formula_check_reads_first_bytes_including_an_empty_last_cell() -> None:
    text = pa.array(["=1+1", "ok", None, "@x", "-", ""])
    assert pc.fill_null(starts_like_formula(text), False).to_pylist() == [
        True,
        False,
        False,
        True,
        True,
        False,
    ]
    assert starts_like_formula(text.slice(1, 2)).to_pylist() == [False, False]


def test_history_of_revisions_without_saved_totals_is_read_from_their_files(
    tmp_path, catalogue
) -> None:
    from tests.collect.ingest_support import SchemaValidator, gp_rows

    from oversight.collect.history import previous_months, submitter_history

    lake = Lake(tmp_path / "lake")
    engine = database.connect(f"sqlite:///{tmp_path / 'h.db'}")
    months = previous_months("2024-06", 3)
    assert months == ["2024-03", "2024-04", "2024-05"]
    for n, month in enumerate(months):
        path = write_csv(gp_rows(period=month, appointments=100 + n), tmp_path / f"{month}.csv")
        done = ingest(
            path,
            collection="gp_appointments_return",
            org="QMJ",
            period=month,
            submitter="t",
            catalogue=catalogue,
            lake=lake,
            engine=engine,
            validator_factory=SchemaValidator,  # its report carries no totals
        )
        assert done.created_revision
    history = submitter_history(catalogue, "gp_appointments_return", "QMJ", "2024-06", engine, lake)
    assert history["gp_appointments"] == [100.0, 101.0, 102.0]
    assert (
        submitter_history(catalogue, "gp_appointments_return", "QMF", "2024-06", engine, lake) == {}
    )
