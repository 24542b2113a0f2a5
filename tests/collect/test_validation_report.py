"""The report: rows numbered across batches, every format validated alike, the issue cap,
serialisation, and every rule id documented in docs/validation.md."""

from __future__ import annotations

import json
import re
from pathlib import Path

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from tests.collect.validation_catalogue import ae_row, found, validate, write_rows

import oversight.collect.validation as validation
from oversight.collect.validation.report import ISSUE_CAP

ROOT = Path(__file__).resolve().parents[2]
BAD = {3: "sex", 8: "sex", 9: "sex"}


def _bad_rows() -> list[dict[str, str]]:
    return [ae_row(i, **({"sex": "X"} if i in BAD else {})) for i in range(1, 11)]


@pytest.mark.parametrize("batch_rows", [1, 2, 4, 262_144])
def test_rows_numbered_across_batch_boundaries(tmp_path: Path, batch_rows: int) -> None:
    path = write_rows(tmp_path / "ae.csv", _bad_rows())
    report, table = validate(path, batch_rows=batch_rows)
    assert found(report, "schema.allowed_values") == [(r, "sex", "X") for r in BAD]
    assert table.num_rows == 10 and report.rows == 10


def _write(fmt: str, path: Path, rows: list[dict[str, str]]) -> Path:
    if fmt == "semicolon_csv":
        return write_rows(path.with_suffix(".csv"), rows, delimiter=";")
    if fmt in ("bom_csv", "cp1252_csv"):
        if fmt == "cp1252_csv":  # a non-ASCII free-text column (ignored, but must decode)
            rows = [{**r, "note": "café £5"} for r in rows]
        out = write_rows(path.with_suffix(".csv"), rows)
        text = out.read_text()
        if fmt == "bom_csv":
            out.write_bytes(b"\xef\xbb\xbf" + text.encode())
        else:
            out.write_bytes(text.encode("cp1252"))
        return out
    if fmt == "xlsx":
        book = openpyxl.Workbook()
        book.active.append(list(rows[0]))
        for r in rows:
            book.active.append(list(r.values()))
        book.save(path.with_suffix(".xlsx"))
        return path.with_suffix(".xlsx")
    if fmt == "json":
        path.with_suffix(".json").write_text(json.dumps(rows))
        return path.with_suffix(".json")
    if fmt == "jsonl":
        path.with_suffix(".jsonl").write_text("\n".join(json.dumps(r) for r in rows))
        return path.with_suffix(".jsonl")
    assert fmt == "parquet"
    pq.write_table(pa.Table.from_pylist(rows), path.with_suffix(".parquet"))
    return path.with_suffix(".parquet")


FORMATS = ["semicolon_csv", "bom_csv", "cp1252_csv", "xlsx", "json", "jsonl", "parquet"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_validates_alike(tmp_path: Path, fmt: str) -> None:
    clean = _write(fmt, tmp_path / "clean", [ae_row(i) for i in range(1, 6)])
    report, table = validate(clean, batch_rows=2)
    assert report.ok, report.issues
    assert table.num_rows == 5
    bad = _write(fmt, tmp_path / "bad", _bad_rows())
    report, _ = validate(bad, batch_rows=2)
    assert found(report, "schema.allowed_values") == [(r, "sex", "X") for r in BAD]
    assert {i.file for i in report.issues} == {bad.name}


def test_issues_capped_per_rule_and_column_with_the_rest_counted(tmp_path: Path) -> None:
    rows = [ae_row(i, sex="X", age_band="?") for i in range(1, ISSUE_CAP + 51)]
    report, _ = validate(write_rows(tmp_path / "ae.csv", rows), batch_rows=300)
    shown = found(report, "schema.allowed_values")
    assert len([s for s in shown if s[1] == "sex"]) == ISSUE_CAP
    assert shown[0] == (1, "age_band", "?")
    assert {(s.rule, s.column, s.count) for s in report.suppressed} == {
        ("schema.allowed_values", "sex", 50),
        ("schema.allowed_values", "age_band", 50),
    }
    assert report.count("error") == 2 * (ISSUE_CAP + 50)
    assert "schema.allowed_values: 2100" in report.summary()


def test_report_serialises(tmp_path: Path) -> None:
    report, _ = validate(write_rows(tmp_path / "ae.csv", _bad_rows()))
    data = json.loads(report.to_json())
    assert data["ok"] is False and data["error_count"] == 3
    assert data["issues"][0] == {
        "file": "ae.csv",
        "row": 3,
        "column": "sex",
        "rule": "schema.allowed_values",
        "value": "X",
        "message": "must be one of: female, male",
        "severity": "error",
    }
    assert report.summary().startswith("ae.csv: rejected (10 rows, 3 errors, 0 warnings")


def _rule_ids_in_code() -> set[str]:
    source_dir = Path(validation.__file__).parent
    ids: set[str] = set()
    pattern = re.compile(r'"((?:schema|codes|ranges|cross|outliers|injection)\.[a-z_0-9]+)"')
    for source in source_dir.glob("*.py"):
        ids |= set(pattern.findall(source.read_text()))
    return ids


def test_every_rule_id_is_documented() -> None:
    ids = _rule_ids_in_code()
    assert len(ids) >= 20
    doc = (ROOT / "docs" / "validation.md").read_text()
    missing = sorted(i for i in ids if f"`{i}`" not in doc)
    assert not missing, f"rule ids missing from docs/validation.md: {missing}"
