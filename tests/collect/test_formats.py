"""read_batches: every supported format arrives as string batches in file order."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from oversight.collect.formats import FormatError, detect_format, read_batches
from oversight.collect.formats.xlsx import read_xlsx_batches

ROWS = [
    {"icb_code": "QMJ", "period": "2024-06-01", "appointments": "120"},
    {"icb_code": "QMJ", "period": "2024-06-01", "appointments": "95"},
    {"icb_code": "QWE", "period": "2024-06-01", "appointments": ""},
]


def _rows(path: Path, **kw: object) -> list[dict[str, str | None]]:
    return [r for b in read_batches(path, **kw) for r in b.to_pylist()]  # type: ignore[arg-type]


def _expected() -> list[dict[str, str | None]]:
    return [{k: (v or None) for k, v in r.items()} for r in ROWS]


def _write_csv(
    path: Path, delimiter: str = ",", encoding: str = "utf-8", bom: bool = False
) -> Path:
    lines = [delimiter.join(ROWS[0])] + [delimiter.join(r.values()) for r in ROWS]
    data = ("\n".join(lines) + "\n").encode(encoding)
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    return path


@pytest.mark.parametrize("delimiter", [",", ";", "\t", "|"])
def test_csv_delimiters_are_detected(tmp_path: Path, delimiter: str) -> None:
    path = _write_csv(tmp_path / "gp.csv", delimiter)
    assert _rows(path) == _expected()


def test_csv_with_utf8_bom_keeps_first_column_name(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "gp.csv", ";", bom=True)
    batch = next(read_batches(path))
    assert batch.schema.names[0] == "icb_code"
    assert _rows(path) == _expected()


def test_cp1252_csv_is_decoded(tmp_path: Path) -> None:
    path = tmp_path / "notes.csv"
    path.write_bytes("icb_code,note\nQMJ,caf\xe9 na\xefve \u20ac 5\n".encode("cp1252"))
    assert _rows(path) == [{"icb_code": "QMJ", "note": "café naïve € 5"}]


def test_csv_cells_are_strings_even_when_numeric(tmp_path: Path) -> None:
    path = _write_csv(tmp_path / "gp.csv")
    batch = next(read_batches(path))
    assert all(t == pa.string() for t in batch.schema.types)


def test_quoted_delimiters_and_newlines_survive(tmp_path: Path) -> None:
    path = tmp_path / "q.csv"
    path.write_text('a,b\n"x, y","line1\nline2"\n2,3\n')
    assert _rows(path) == [{"a": "x, y", "b": "line1\nline2"}, {"a": "2", "b": "3"}]


def test_batches_never_exceed_batch_rows_and_keep_order(tmp_path: Path) -> None:
    path = tmp_path / "many.csv"
    path.write_text("n\n" + "".join(f"{i}\n" for i in range(1000)))
    batches = list(read_batches(path, batch_rows=7))
    assert max(b.num_rows for b in batches) <= 7
    assert [int(v) for b in batches for v in b.column("n").to_pylist()] == list(range(1000))


@pytest.mark.parametrize("threads", [True, False])
def test_ragged_csv_names_the_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, threads: bool
) -> None:
    """pyarrow gives the bad row's line number when it parses serially and not always when
    it uses threads; the message must name line and data row either way."""
    import pyarrow.csv as pacsv

    from oversight.collect.formats import csv as csv_format

    options = pacsv.ReadOptions

    def read_options(**kwargs: object) -> pacsv.ReadOptions:
        return options(**{**kwargs, "use_threads": threads})

    monkeypatch.setattr(csv_format.pacsv, "ReadOptions", read_options)
    path = tmp_path / "ragged.csv"
    path.write_text("a,b\n1,2\n3,4,5\n")
    with pytest.raises(FormatError, match=r"ragged\.csv.*line 3 \(data row 2\) has 3 fields"):
        list(read_batches(path))


def test_duplicate_header_is_a_format_error(tmp_path: Path) -> None:
    path = tmp_path / "dup.csv"
    path.write_text("a,a\n1,2\n")
    with pytest.raises(FormatError, match="duplicate column names: a"):
        list(read_batches(path))


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("empty.csv", "", "file is empty"),
        ("header_only.csv", "a,b\n", "no data rows"),
        ("empty.json", "[]", "no data rows"),
        ("scalar.json", "[1, 2]", "record 1 is not a JSON object"),
    ],
)
def test_unreadable_files_raise_format_error(
    tmp_path: Path, name: str, content: str, reason: str
) -> None:
    path = tmp_path / name
    path.write_text(content)
    with pytest.raises(FormatError, match=f"{name}: {reason}"):
        list(read_batches(path))


def test_missing_file_is_a_format_error(tmp_path: Path) -> None:
    with pytest.raises(FormatError, match=r"nope\.csv: file not found"):
        list(read_batches(tmp_path / "nope.csv"))


def _write_xlsx(path: Path) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["icb_code", "period", "appointments", "arrival_time", "admitted"])
    sheet.append(["QMJ", dt.date(2024, 6, 1), 120, dt.datetime(2024, 6, 3, 10, 30), True])
    sheet.append(["QWE", "2024-06-01", 95.0, None, False])
    book.save(path)
    return path


EXPECTED_XLSX = [
    {"icb_code": "QMJ", "appointments": "120", "admitted": "true"},
    {"icb_code": "QWE", "appointments": "95", "admitted": "false"},
]


def test_xlsx_via_fastexcel(tmp_path: Path) -> None:
    path = _write_xlsx(tmp_path / "gp.xlsx")
    assert detect_format(path) == "xlsx"
    rows = _rows(path)
    assert [{k: r[k] for k in ("icb_code", "appointments", "admitted")} for r in rows] == (
        EXPECTED_XLSX
    )
    assert rows[0]["period"].startswith("2024-06-01")  # type: ignore[union-attr]
    assert rows[0]["arrival_time"].startswith("2024-06-03 10:30")  # type: ignore[union-attr]


def test_xlsx_via_openpyxl_fallback(tmp_path: Path) -> None:
    path = _write_xlsx(tmp_path / "gp.xlsx")
    from oversight.collect.formats import xlsx

    rows = [r for b in xlsx.read_with_openpyxl(path, 1, None) for r in b.to_pylist()]
    assert [{k: r[k] for k in ("icb_code", "appointments", "admitted")} for r in rows] == (
        EXPECTED_XLSX
    )
    assert rows[0]["period"].startswith("2024-06-01")


def test_xlsx_formula_cells_surface_as_their_formula_text(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["icb_code", "appointments"])
    book.active.append(["QMJ", "=1+1"])
    book.save(tmp_path / "f.xlsx")
    rows = [r for b in read_xlsx_batches(tmp_path / "f.xlsx", 10) for r in b.to_pylist()]
    assert rows == [{"icb_code": "QMJ", "appointments": "=1+1"}]


def test_xlsx_named_sheet(tmp_path: Path) -> None:
    book = openpyxl.Workbook()
    book.active.append(["x"])
    book.active.append(["ignored"])
    other = book.create_sheet("Return")
    other.append(["icb_code"])
    other.append(["QMJ"])
    book.save(tmp_path / "s.xlsx")
    assert _rows(tmp_path / "s.xlsx", sheet="Return") == [{"icb_code": "QMJ"}]


def test_json_array_of_records(tmp_path: Path) -> None:
    path = tmp_path / "gp.json"
    path.write_text(json.dumps([{**r, "appointments": r["appointments"] or None} for r in ROWS]))
    assert detect_format(path) == "json"
    assert _rows(path) == _expected()


def test_json_native_numbers_and_bools_become_text(tmp_path: Path) -> None:
    path = tmp_path / "x.json"
    path.write_text('[{"n": 5, "f": 2.5, "b": true, "s": null}]')
    assert _rows(path) == [{"n": "5", "f": "2.5", "b": "true", "s": None}]


def test_json_lines(tmp_path: Path) -> None:
    path = tmp_path / "gp.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in ROWS[:2]) + "\n")
    assert _rows(path, batch_rows=1) == _expected()[:2]


def test_parquet_keeps_types_and_streams(tmp_path: Path) -> None:
    path = tmp_path / "gp.parquet"
    table = pa.table({"icb_code": ["QMJ"] * 10, "appointments": pa.array(range(10), pa.int64())})
    pq.write_table(table, path, row_group_size=4)
    batches = list(read_batches(path, batch_rows=3))
    assert detect_format(path) == "parquet"
    assert max(b.num_rows for b in batches) <= 3
    assert pa.Table.from_batches(batches).equals(table)


def test_magic_bytes_beat_a_wrong_extension(tmp_path: Path) -> None:
    path = tmp_path / "actually_parquet.csv"
    pq.write_table(pa.table({"a": [1]}), path)
    assert detect_format(path) == "parquet"


def test_explicit_format_overrides_detection(tmp_path: Path) -> None:
    path = tmp_path / "data.txt"
    path.write_text('{"a": 1}\n{"a": 2}\n')
    assert _rows(path, format="json") == [{"a": "1"}, {"a": "2"}]
    with pytest.raises(FormatError, match="unknown format 'xml'"):
        list(read_batches(path, format="xml"))
