"""Schema rules: columns, types, nulls, allowed values — every failing cell reported."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pyarrow as pa
from tests.collect.validation_catalogue import ae_row, found, validate, write_rows


def test_clean_file_passes_and_is_typed(tmp_path: Path) -> None:
    path = write_rows(tmp_path / "ae.csv", [ae_row(i) for i in range(1, 6)])
    report, table = validate(path)
    assert report.ok, report.summary()
    assert report.issues == [] and report.rows == 5
    assert table.schema.field("arrival_time").type == pa.timestamp("us")
    assert table.column("period").to_pylist() == [dt.date(2024, 6, 1)] * 5
    assert table.column("wait_minutes").type == pa.int32()
    assert table.column("admitted").to_pylist() == [False] * 5


def test_missing_column_is_an_error_and_extra_column_a_warning(tmp_path: Path) -> None:
    rows = [{**{k: v for k, v in ae_row(i).items() if k != "sex"}, "notes": "ok"} for i in (1, 2)]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "schema.missing_column") == [(None, "sex", None)]
    assert [
        (i.column, i.severity) for i in report.issues if i.rule == "schema.unexpected_column"
    ] == [("notes", "warning")]
    assert not report.ok


def test_every_unparseable_cell_is_reported(tmp_path: Path) -> None:
    rows = [
        ae_row(1, wait_minutes="ten"),
        ae_row(2),
        ae_row(3, wait_minutes="4.5", imd_decile="300"),
        ae_row(4, arrival_time="2024-06-31 10:00:00", admitted="maybe"),
        ae_row(5, period="June", record_id="x7"),
    ]
    report, table = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "schema.type") == [
        (1, "wait_minutes", "ten"),
        (3, "imd_decile", "300"),
        (3, "wait_minutes", "4.5"),
        (4, "arrival_time", "2024-06-31 10:00:00"),
        (4, "admitted", "maybe"),
        (5, "period", "June"),
        (5, "record_id", "x7"),
    ]
    assert table.column("wait_minutes").to_pylist()[:3] == [None, 210, None]


def test_lenient_forms_parse(tmp_path: Path) -> None:
    rows = [
        ae_row(
            1,
            period="2024-06",
            wait_minutes="210.0",
            admitted="Yes",
            arrival_time="03/06/2024 10:00",
            departure_time="2024-06-03T13:30:00Z",
        ),
        ae_row(2, period="01/06/2024", admitted="1", imd_decile=" 3 "),
    ]
    report, table = validate(write_rows(tmp_path / "ae.csv", rows))
    assert report.ok, report.issues
    assert table.column("admitted").to_pylist() == [True, True]
    assert table.column("arrival_time")[0].as_py() == dt.datetime(2024, 6, 3, 10, 0)


def test_nulls_in_required_columns(tmp_path: Path) -> None:
    rows = [ae_row(1, sex=""), ae_row(2), ae_row(3, sex="", department_type="")]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "schema.null") == [
        (1, "sex", None),
        (3, "sex", None),
        (3, "department_type", None),
    ]


def test_nullable_column_may_be_empty(tmp_path: Path) -> None:
    header = (
        "icb_code,period,record_id,provider_code,age_band,sex,ethnicity_group,imd_decile,"
        "clock_start,clock_stop,treatment_function"
    )
    path = tmp_path / "rtt.csv"
    path.write_text(header + "\nQMJ,2024-06-01,1,QMJ-A1,80+,male,Asian,1,2024-06-02,,C_100\n")
    report, _ = validate(path, "rtt", "QMJ-A1")
    assert report.ok, report.issues


def test_values_outside_allowed_list(tmp_path: Path) -> None:
    rows = [ae_row(1, sex="F"), ae_row(2, ethnicity_group="white"), ae_row(3, sex="unknown")]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows))
    assert found(report, "schema.allowed_values") == [
        (1, "sex", "F"),
        (2, "ethnicity_group", "white"),
        (3, "sex", "unknown"),
    ]
    assert report.issues[0].file == "ae.csv"


def test_parquet_with_wrong_native_types(tmp_path: Path) -> None:
    import pyarrow.parquet as pq

    table = pa.table(
        {
            "icb_code": ["QMJ", "QMJ"],
            "period": pa.array([dt.date(2024, 6, 1)] * 2),
            "appointments": pa.array([100.0, 2.5]),
            "appointments_within_2_weeks": pa.array([50, 60], pa.int64()),
        }
    )
    pq.write_table(table, tmp_path / "gp.parquet")
    report, _ = validate(tmp_path / "gp.parquet", "gp_appointments")
    assert found(report, "schema.type") == [(2, "appointments", "2.5")]
