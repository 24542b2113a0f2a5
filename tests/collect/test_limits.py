"""Limits (issue 16 item 2): an upload over its collection's limits is refused with 413 and a
message naming the limit, over HTTP while it streams in and from `oversight submit` (exit 2);
nothing is stored and no submission is logged. Limits are catalogue data per collection."""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from pathlib import Path
from types import MappingProxyType
from typing import Any

import openpyxl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from typer.testing import CliRunner

from oversight.catalogue import load
from oversight.cli import app as cli_app
from oversight.collect import api, tokens
from oversight.collect.formats import FormatError, LimitExceeded, ReadLimits, read_batches
from oversight.publish.web.routes import ROUTES, mount
from oversight.store import database
from oversight.store.lake import Lake
from oversight.store.models import Submission
from oversight.store.testing import database_url

__all__ = ["database_url"]

COLLECTION = "gp_appointments_return"  # sent by NHS England: a national (admin) token sends it
FIELDS = {"collection": COLLECTION, "org": "QMJ", "period": "2024-06"}
HEADER = "icb_code,period,appointments,appointments_within_2_weeks\n"
ROW = "QMJ,2024-06-01,1000,800\n"
MB = 1 << 20


def with_limits(catalogue: Any, **limits: int) -> Any:
    """The catalogue with COLLECTION's limits changed (as a collections.yaml entry would)."""
    coll = catalogue.collections[COLLECTION]
    changed = coll.model_copy(update={"limits": coll.limits.model_copy(update=limits)})
    collections = MappingProxyType({**catalogue.collections, COLLECTION: changed})
    return dataclasses.replace(catalogue, collections=collections)


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load()


def make_client(tmp_path: Path, url: str, catalogue: Any) -> tuple[TestClient, api.Services, dict]:
    engine = database.connect(url)
    svc = api.Services(engine, Lake(tmp_path / "lake"), catalogue, tmp_path / "incoming")
    app = FastAPI(lifespan=api.expire_at_startup)  # as create_app makes it
    mount(app, [r for r in ROUTES if r[1].startswith("/api/v1/submissions")])
    app.dependency_overrides[api.services] = lambda: svc
    headers = {"Authorization": f"Bearer {tokens.create('nhse', None, 'admin', engine=engine)}"}
    return TestClient(app), svc, headers


def multipart(parts: list[tuple[str, str | None, bytes]]) -> tuple[bytes, str]:
    """A multipart/form-data body from (name, filename or None, content), in this order and
    with the filename bytes exactly as given (httpx would escape or reorder them)."""
    boundary = "----oversight-test-boundary"
    body = io.BytesIO()
    for name, filename, content in parts:
        body.write(f"--{boundary}\r\n".encode())
        disposition = f'form-data; name="{name}"'
        if filename is not None:
            disposition += f'; filename="{filename}"'
        body.write(f"Content-Disposition: {disposition}\r\n\r\n".encode())
        body.write(content + b"\r\n")
    body.write(f"--{boundary}--\r\n".encode())
    return body.getvalue(), f"multipart/form-data; boundary={boundary}"


def post_parts(client: TestClient, headers: dict, parts: list[tuple[str, str | None, bytes]]):
    body, kind = multipart(parts)
    return client.post(
        "/api/v1/submissions", content=body, headers={**headers, "Content-Type": kind}
    )


def form(file_name: str, content: bytes, file_first: bool = False) -> list:
    fields = [(k, None, v.encode()) for k, v in FIELDS.items()]
    file = [("file", file_name, content)]
    return file + fields if file_first else fields + file


def csv_bytes(rows: int) -> bytes:
    return (HEADER + ROW * rows).encode()


def nothing_stored(svc: api.Services) -> None:
    assert not (svc.lake.root / "gp_appointments").exists()
    with database.session(svc.engine) as s:
        assert s.scalar(select(func.count()).select_from(Submission)) == 0
    assert not any(svc.incoming.iterdir()) if svc.incoming.exists() else True


def xlsx_bytes(rows: int, padding: int = 0) -> bytes:
    """A workbook of `rows` data rows; `padding` bytes of blanks inside the sheet's XML (legal
    between elements) make it unpack to far more than it packs: a decompression bomb."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    for _ in range(rows):
        sheet.append(["QMJ", "2024-06-01", 1000, 800])
    plain = io.BytesIO()
    book.save(plain)
    if not padding:
        return plain.getvalue()
    bomb = io.BytesIO()
    with zipfile.ZipFile(plain) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as out:
        for item in src.infolist():
            data = src.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(b"<sheetData>", b"<sheetData>" + b" " * padding, 1)
            out.writestr(item.filename, data)
    return bomb.getvalue()


def test_limits_are_catalogue_data_with_defaults(catalogue) -> None:
    ecds = catalogue.collections["ecds"].limits
    assert (ecds.max_upload_mb, ecds.max_rows) == (256, 50_000_000)
    assert (ecds.max_uncompressed_mb, ecds.max_compression_ratio) == (1024, 100)
    gp = catalogue.collections[COLLECTION].limits  # set in collections.yaml
    assert (gp.max_upload_mb, gp.max_rows) == (64, 1_000_000)


def test_a_file_over_the_upload_limit_is_413_naming_it(tmp_path, database_url, catalogue):
    client, svc, headers = make_client(
        tmp_path, database_url, with_limits(catalogue, max_upload_mb=1)
    )
    big = csv_bytes(60_000)  # 1.4 MB
    assert len(big) > MB
    response = post_parts(client, headers, form("gp.csv", big))
    assert response.status_code == 413
    assert response.json()["detail"] == (
        f"upload is larger than the 1 MB limit for collection {COLLECTION}"
    )
    nothing_stored(svc)
    under = post_parts(client, headers, form("gp.csv", csv_bytes(1)))
    assert under.status_code == 201, under.text


def test_the_limit_holds_when_the_file_comes_before_the_collection_field(
    tmp_path, database_url, catalogue
):
    """Until `collection` arrives the largest limit of any collection applies while streaming;
    the collection's own limit is checked once it is known."""
    client, svc, headers = make_client(
        tmp_path, database_url, with_limits(catalogue, max_upload_mb=1)
    )
    response = post_parts(client, headers, form("gp.csv", csv_bytes(60_000), file_first=True))
    assert response.status_code == 413
    assert f"1 MB limit for collection {COLLECTION}" in response.json()["detail"]
    nothing_stored(svc)


def test_a_body_over_every_limit_is_refused_from_its_content_length(tmp_path, catalogue):
    """Content-Length larger than any collection allows: refused before the body is read."""
    client, svc, headers = make_client(
        tmp_path, f"sqlite:///{tmp_path / 'db'}", with_limits(catalogue, max_upload_mb=1)
    )

    def body():
        for _ in range(16):
            yield b"x" * 65536

    kind = "multipart/form-data; boundary=b"
    huge = str(300 * MB)
    response = client.post(
        "/api/v1/submissions",
        content=body(),
        headers={**headers, "Content-Type": kind, "Content-Length": huge},
    )
    assert response.status_code == 413
    assert response.json()["detail"] == "upload is larger than the 256 MB limit for any collection"
    nothing_stored(svc)


def test_a_chunked_body_is_counted_as_it_streams(tmp_path, database_url, catalogue):
    """No Content-Length (chunked): the byte counter refuses it."""
    client, svc, headers = make_client(
        tmp_path, database_url, with_limits(catalogue, max_upload_mb=1)
    )
    body, kind = multipart(form("gp.csv", csv_bytes(60_000)))

    def chunks():
        for start in range(0, len(body), 65536):
            yield body[start : start + 65536]

    response = client.post(
        "/api/v1/submissions", content=chunks(), headers={**headers, "Content-Type": kind}
    )
    assert response.status_code == 413, response.text
    nothing_stored(svc)


def test_a_json_body_over_its_limit_is_413(tmp_path, database_url, catalogue):
    limited = with_limits(catalogue, max_json_document_mb=1)
    client, svc, headers = make_client(tmp_path, database_url, limited)
    row = {
        "icb_code": "QMJ",
        "period": "2024-06-01",
        "appointments": 1,
        "appointments_within_2_weeks": 1,
    }
    body = {**FIELDS, "records": [row] * 20_000}
    assert len(json.dumps(body)) > MB
    response = client.post("/api/v1/submissions", json=body, headers=headers)
    assert response.status_code == 413
    assert response.json()["detail"] == (
        f"JSON body is larger than the 1 MB limit for collection {COLLECTION}"
    )
    nothing_stored(svc)


def test_more_rows_than_the_limit_is_413(tmp_path, database_url, catalogue):
    client, svc, headers = make_client(tmp_path, database_url, with_limits(catalogue, max_rows=1))
    response = post_parts(client, headers, form("gp.csv", csv_bytes(2)))
    assert response.status_code == 413
    assert response.json()["detail"] == (
        f"upload has more rows than the 1-row limit for collection {COLLECTION}"
    )
    nothing_stored(svc)
    assert post_parts(client, headers, form("gp.csv", csv_bytes(1))).status_code == 201


def test_an_xlsx_decompression_bomb_is_413_before_it_is_parsed(tmp_path, database_url, catalogue):
    client, svc, headers = make_client(tmp_path, database_url, catalogue)
    bomb = xlsx_bytes(1, padding=20 * MB)
    assert len(bomb) < MB
    response = post_parts(client, headers, form("gp.xlsx", bomb))
    assert response.status_code == 413
    detail = response.json()["detail"]
    assert detail.startswith("workbook part xl/worksheets/sheet1.xml is compressed ")
    assert detail.endswith(
        f"more than the 100:1 compression-ratio limit for collection {COLLECTION}"
    )
    nothing_stored(svc)


def test_an_xlsx_unpacking_past_its_limit_is_413(tmp_path, database_url, catalogue):
    limited = with_limits(catalogue, max_uncompressed_mb=1, max_compression_ratio=100_000)
    client, svc, headers = make_client(tmp_path, database_url, limited)
    response = post_parts(client, headers, form("gp.xlsx", xlsx_bytes(1, padding=2 * MB)))
    nothing_stored(svc)
    assert response.status_code == 413
    assert response.json()["detail"] == (
        f"workbook unpacks to more than the 1 MB uncompressed limit for collection {COLLECTION}"
    )
    assert post_parts(client, headers, form("gp.xlsx", xlsx_bytes(1))).status_code == 201


def test_xlsx_rows_are_counted(tmp_path: Path) -> None:
    path = tmp_path / "gp.xlsx"
    path.write_bytes(xlsx_bytes(5))
    with pytest.raises(LimitExceeded, match="more rows than the 4-row limit"):
        list(read_batches(path, limits=ReadLimits(max_rows=4)))
    assert sum(b.num_rows for b in read_batches(path, limits=ReadLimits(max_rows=5))) == 5


def test_an_xlsx_part_larger_than_its_header_says_is_damaged_not_read(tmp_path: Path) -> None:
    """The declared sizes are checked first, but the parts are also unpacked and counted: a
    part whose header understates its size (calamine would read it all regardless) fails
    zipfile's size and CRC check, so the file is refused as damaged before calamine sees it."""
    honest = xlsx_bytes(1, padding=3 * MB)
    lying = _understate(honest, "xl/worksheets/sheet1.xml")
    path = tmp_path / "lying.xlsx"
    path.write_bytes(lying)
    limits = ReadLimits(max_uncompressed_bytes=2 * MB, max_compression_ratio=1e9)
    with zipfile.ZipFile(path) as zf:
        assert sum(i.file_size for i in zf.infolist()) < 2 * MB  # the headers pass the check
    with pytest.raises(FormatError, match="damaged archive"):
        list(read_batches(path, limits=limits))


def _understate(data: bytes, member: str) -> bytes:
    """Rewrite `member`'s uncompressed size in the local and central headers to 1000 bytes."""
    with zipfile.ZipFile(io.BytesIO(data)) as zf:
        info = zf.getinfo(member)
    real = info.file_size.to_bytes(4, "little")
    fake = (1000).to_bytes(4, "little")
    assert data.count(real) >= 2
    return data.replace(real, fake)


def test_parquet_over_the_row_limit_is_refused_from_its_footer(tmp_path: Path) -> None:
    path = tmp_path / "gp.parquet"
    pq.write_table(pa.table({"icb_code": ["QMJ"] * 3}), path)
    with pytest.raises(LimitExceeded, match="more rows than the 2-row limit for collection x"):
        list(read_batches(path, limits=ReadLimits(max_rows=2, owner="collection x")))


def test_a_json_document_over_its_limit_is_refused_but_json_lines_stream(tmp_path: Path) -> None:
    row = {"icb_code": "QMJ", "appointments": "1"}
    array, lines = tmp_path / "a.json", tmp_path / "l.jsonl"
    array.write_text(json.dumps([row] * 50_000))
    lines.write_text("\n".join(json.dumps(row) for _ in range(50_000)))
    limits = ReadLimits(max_json_document_bytes=MB // 2)
    with pytest.raises(LimitExceeded, match=r"JSON document is larger than the 0\.50 MB"):
        list(read_batches(array, limits=limits))
    assert sum(b.num_rows for b in read_batches(lines, limits=limits)) == 50_000


def test_oversight_submit_refuses_a_file_over_the_limit_with_exit_2(tmp_path, monkeypatch):
    monkeypatch.setenv("OVERSIGHT_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("OVERSIGHT_DATABASE_URL", raising=False)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    big = tmp_path / "gp.csv"
    with big.open("wb") as fh:  # sparse: 65 MB on paper, a few bytes on disk
        fh.write(csv_bytes(1))
        fh.truncate(65 * MB)
    args = ["--collection", COLLECTION, "--org", "QMJ", "--period", "2024-06"]
    result = CliRunner().invoke(cli_app, ["submit", str(big), *args])
    assert result.exit_code == 2, result.output
    said = " ".join(result.output.split())
    assert f"upload is larger than the 64 MB limit for collection {COLLECTION}" in said
    bomb = tmp_path / "gp.xlsx"
    bomb.write_bytes(xlsx_bytes(1, padding=20 * MB))
    result = CliRunner().invoke(cli_app, ["submit", str(bomb), *args])
    assert result.exit_code == 2, result.output
    assert "compression-ratio limit for collection" in " ".join(result.output.split())
    assert not (tmp_path / "home" / "lake" / "gp_appointments").exists()
    database.dispose()
