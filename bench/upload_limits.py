"""Server memory under hostile and large uploads: peak RSS of a served submission API for a file
just under and well over a collection's limits (issue 16 item 2).

Each case starts a fresh server (uvicorn, one process, the submission router over a temporary
home) with `ecds` limited to --limit-mb, sends one request over loopback, and reads the
server's peak resident memory (VmHWM in /proc/<pid>/status, which covers every thread) once
the response has arrived. Prints one JSON object: per case the HTTP status, the message, the
seconds taken, the server's resident memory before the request and its peak.

Usage: python bench/upload_limits.py [--limit-mb 64] [--cases csv_under,...] [--keep DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import select
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest import ORG, PERIOD, generate

COLLECTION = "ecds"
MB = 1 << 20
BOUNDARY = "bench-upload-limits"
CASES = (
    "csv_under",
    "csv_over_chunked",
    "csv_over_content_length",
    "json_over",
    "xlsx_bomb",
    "xlsx_lying_header",
    "xlsx_under",
    "xlsx_near_cap",
)


# -- the server ---------------------------------------------------------------------------


def serve(home: Path, port: int, limit_mb: int) -> None:
    """Run the submission API over `home`, with COLLECTION's upload limit set to `limit_mb`."""
    import dataclasses
    from types import MappingProxyType

    import uvicorn
    from fastapi import FastAPI

    from oversight.catalogue import load
    from oversight.collect import api
    from oversight.home import Home
    from oversight.publish.web.routes import ROUTES, mount

    catalogue = load()
    coll = catalogue.collections[COLLECTION]
    if hasattr(coll, "limits"):  # also runs against code from before limits existed
        limits = coll.limits.model_copy(update={"max_upload_mb": limit_mb})
        changed = coll.model_copy(update={"limits": limits})
        collections = MappingProxyType({**catalogue.collections, COLLECTION: changed})
        catalogue = dataclasses.replace(catalogue, collections=collections)
    where = Home.at(home)
    svc = api.Services(where.database(), where.lake(), catalogue, where.incoming_dir)
    app = FastAPI()
    mount(app, [r for r in ROUTES if r[1].startswith("/api/v1/submissions")])
    app.dependency_overrides[api.services] = lambda: svc
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _memory_mb(pid: int, field: str) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return round(int(line.split()[1]) / 1024, 1)
    raise RuntimeError(f"no {field} for process {pid}")


class Server:
    """A fresh server process for one case; stopped (by its own pid) on exit."""

    def __init__(self, home: Path, limit_mb: int) -> None:
        self.port = _free_port()
        args = [sys.executable, __file__, "--serve", str(home), "--port", str(self.port)]
        args += ["--limit-mb", str(limit_mb)]
        self.proc = subprocess.Popen(args)
        self.url = f"http://127.0.0.1:{self.port}/api/v1/submissions"

    def __enter__(self) -> Server:
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                httpx.get(self.url + "/ready", timeout=1)
                return self
            except httpx.TransportError:
                if self.proc.poll() is not None:
                    break
                time.sleep(0.2)
        self.__exit__()
        raise RuntimeError("the server did not start")

    def __exit__(self, *_: object) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            self.proc.wait(timeout=30)


def send(
    port: int, headers: dict[str, str], body: Iterator[bytes] | bytes
) -> tuple[int | None, str, int]:
    """POST over a raw socket, watching for an early answer while sending: a server that
    refuses mid-upload answers and closes, which an ordinary client sees as a broken pipe
    before it ever reads the 413. Bytes are sent with Content-Length, iterators chunked.
    Returns the status, the message and how many body bytes were sent before the answer."""
    head = ["POST /api/v1/submissions HTTP/1.1", f"Host: 127.0.0.1:{port}"]
    head += [f"{k}: {v}" for k, v in headers.items()]
    chunked = not isinstance(body, bytes)
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {len(body)}")
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        pieces = body if chunked else (body[i : i + MB] for i in range(0, len(body), MB))
        sent = 0
        try:
            for piece in pieces:
                if select.select([sock], [], [], 0)[0]:
                    break  # the server has answered already
                if chunked:
                    piece = f"{len(piece):x}\r\n".encode() + piece + b"\r\n"
                sock.sendall(piece)
                sent += len(piece)
            else:
                if chunked:
                    sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # read whatever answer the server sent before closing
        return (*_read_response(sock), sent)


def _read_response(sock: socket.socket) -> tuple[int | None, str]:
    sock.settimeout(900)
    data = b""
    try:
        while b"\r\n\r\n" not in data:
            got = sock.recv(65536)
            if not got:
                break
            data += got
        head, _, rest = data.partition(b"\r\n\r\n")
        length = next(
            (
                int(line.split(b":")[1])
                for line in head.split(b"\r\n")
                if line.lower().startswith(b"content-length:")
            ),
            0,
        )
        while len(rest) < length:
            got = sock.recv(65536)
            if not got:
                break
            rest += got
    except (ConnectionResetError, TimeoutError):
        pass
    if not data.startswith(b"HTTP/1.1 "):
        return None, "no response: connection closed"
    return int(data[9:12]), _message(rest)


# -- the uploads --------------------------------------------------------------------------


def csv_just_under(path: Path, limit_mb: int, providers: list[str]) -> Path:
    """A valid A&E CSV cut at a line end just under the limit."""
    generate(path, limit_mb + 25, providers)  # generate writes whole 200k-row chunks
    cut = limit_mb * MB - 256 * 1024
    with path.open("rb+") as fh:
        fh.seek(cut - (1 << 16))
        block = fh.read(1 << 16)
        fh.truncate(cut - len(block) + block.rfind(b"\n") + 1)
    return path


def _fields() -> list[tuple[str, str]]:
    return [("collection", COLLECTION), ("org", ORG), ("period", PERIOD)]


def multipart_stream(file_name: str, chunks: Iterator[bytes]) -> Iterator[bytes]:
    """A multipart body (fields first, then the file) produced as it is sent."""
    for name, value in _fields():
        yield (
            f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'
        ).encode()
    yield (
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="file"; '
        f'filename="{file_name}"\r\n\r\n'
    ).encode()
    yield from chunks
    yield f"\r\n--{BOUNDARY}--\r\n".encode()


def repeated(path: Path, times: int) -> Iterator[bytes]:
    """The file's bytes `times` over, read 1 MB at a time (a CSV far over the limit)."""
    for _ in range(times):
        with path.open("rb") as fh:
            while chunk := fh.read(MB):
                yield chunk


_XML = '<?xml version="1.0" encoding="UTF-8"?>'
_OOXML = "http://schemas.openxmlformats.org"
_MIME = "application/vnd.openxmlformats-"
_REL = f"{_OOXML}/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    f'{_XML}<Types xmlns="{_OOXML}/package/2006/content-types">'
    f'<Default Extension="rels" ContentType="{_MIME}package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    f'ContentType="{_MIME}officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    f'ContentType="{_MIME}officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_RELS = (
    f'{_XML}<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
    "</Relationships>"
)
_WORKBOOK = (
    f'{_XML}<workbook xmlns="{_OOXML}/spreadsheetml/2006/main" xmlns:r="{_REL}">'
    '<sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    f'{_XML}<Relationships xmlns="{_OOXML}/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    "</Relationships>"
)


def _cell(value: str) -> str:
    return f'<c t="inlineStr"><is><t>{value}</t></is></c>'


def _sheet_head(names: list[str]) -> bytes:
    return (
        f'{_XML}<worksheet xmlns="{_OOXML}/spreadsheetml/2006/main"><sheetData>'
        "<row>" + "".join(_cell(n) for n in names) + "</row>"
    ).encode()


def bomb_rows(rows: int) -> Iterator[bytes]:
    """One block of identical rows again and again: packs hundreds to one."""
    names = ["icb_code", "period", "record_id", "provider_code", "wait_minutes", "admitted"]
    yield _sheet_head(names)
    row = "<row>" + _cell(ORG) + _cell(f"{PERIOD}-01") + "<c><v>0</v></c>" + _cell("RAL")
    same = (row + "<c><v>5</v></c>" + _cell("false") + "</row>") * 10_000
    for _ in range(rows // 10_000):
        yield same.encode()
    yield b"</sheetData></worksheet>"


def csv_rows(csv: Path, rows: int) -> Iterator[bytes]:
    """The first `rows` records of a valid A&E CSV as sheet XML (a real sheet: every column
    the dataset needs, values varying as real ones do)."""
    with csv.open() as fh:
        names = fh.readline().strip().split(",")
        yield _sheet_head([n.strip('"') for n in names])
        block: list[str] = []
        for n, line in enumerate(fh):
            if n == rows:
                break
            cells = "".join(_cell(v.strip('"')) for v in line.rstrip("\n").split(","))
            block.append(f"<row>{cells}</row>")
            if len(block) == 10_000:
                yield "".join(block).encode()
                block = []
    yield ("".join(block) + "</sheetData></worksheet>").encode()


def write_xlsx(path: Path, sheet: Iterator[bytes]) -> int:
    """A minimal workbook (inline strings) streamed into its zip; the sheet's unpacked bytes."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, text in (
            ("[Content_Types].xml", _CONTENT_TYPES),
            ("_rels/.rels", _RELS),
            ("xl/workbook.xml", _WORKBOOK),
            ("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS),
        ):
            zf.writestr(name, text)
        with zf.open("xl/worksheets/sheet1.xml", "w") as out:
            for chunk in sheet:
                out.write(chunk)
        return zf.getinfo("xl/worksheets/sheet1.xml").file_size


def understate_sheet(path: Path, declared: int) -> None:
    """Rewrite the sheet's uncompressed size in both headers (a zip that lies about itself)."""
    with zipfile.ZipFile(path) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    data = bytearray(path.read_bytes())
    name = info.filename.encode()
    for marker, size_at, name_at in ((b"PK\x03\x04", 22, 30), (b"PK\x01\x02", 24, 46)):
        at = data.find(marker)
        while at != -1:
            if data[at + name_at : at + name_at + len(name)] == name:
                data[at + size_at : at + size_at + 4] = declared.to_bytes(4, "little")
            at = data.find(marker, at + 1)
    path.write_bytes(bytes(data))


# -- the cases ----------------------------------------------------------------------------


def run_case(case: str, work: Path, limit_mb: int, providers: list[str]) -> dict:
    home = work / f"home-{case}"
    home.mkdir()
    from oversight.collect import tokens
    from oversight.home import Home
    from oversight.store import database

    engine = Home.at(home).database()
    headers = {"Authorization": f"Bearer {tokens.create('bench', ORG, engine=engine)}"}
    database.dispose()
    body, sent, extra = _upload(case, work, limit_mb, providers)
    kind = f"multipart/form-data; boundary={BOUNDARY}"
    if case == "json_over":
        kind = "application/json"
    with Server(home, limit_mb) as server:
        before = _memory_mb(server.proc.pid, "VmRSS")
        started = time.perf_counter()
        status, message, sent_first = send(
            server.port, {**headers, "Content-Type": kind, **extra}, body
        )
        seconds = round(time.perf_counter() - started, 2)
        peak = _memory_mb(server.proc.pid, "VmHWM")
    return {
        "upload_mb": round(sent / MB, 1),
        "sent_before_answer_mb": round(sent_first / MB, 1),
        "status": status,
        "message": message,
        "seconds": seconds,
        "server_rss_before_mb": before,
        "server_peak_rss_mb": peak,
    }


def _message(raw: bytes) -> str:
    try:
        body = json.loads(raw)
    except ValueError:
        return raw[:200].decode("utf-8", "replace")
    if "detail" in body:
        return str(body["detail"])
    issues = body.get("report", {}).get("issues", [])
    return f"{body.get('status')}: " + "; ".join(i["message"] for i in issues[:2])


def _upload(case: str, work: Path, limit_mb: int, providers: list[str]):
    """(body, bytes of data sent, extra headers) for one case."""
    csv = work / "ae.csv"
    if case.startswith("csv") and not csv.exists():
        csv_just_under(csv, limit_mb, providers)
    if case == "csv_under":
        size = csv.stat().st_size
        return multipart_stream("ae.csv", repeated(csv, 1)), size, {}
    if case == "csv_over_chunked":  # no Content-Length: only the byte counter can stop it
        return multipart_stream("ae.csv", repeated(csv, 4)), 4 * csv.stat().st_size, {}
    if case == "csv_over_content_length":
        payload = b"".join(multipart_stream("ae.csv", repeated(csv, 4)))
        return payload, 4 * csv.stat().st_size, {}
    if case == "json_over":  # 96 MB of records, as in issue 16
        row = json.dumps({"icb_code": ORG, "period": f"{PERIOD}-01", "record_id": 1} | {})
        count = 96 * MB // (len(row) + 1)
        head = json.dumps({"collection": COLLECTION, "org": ORG, "period": PERIOD})[:-1]

        def records() -> Iterator[bytes]:
            yield (head + ', "records": [').encode()
            block = ",".join([row] * 10_000).encode()
            for n in range(count // 10_000):
                yield (b"," if n else b"") + block
            yield b"]}"

        return records(), 96 * MB, {}
    xlsx = work / f"{case}.xlsx"
    if case == "xlsx_bomb":  # like issue 16's: a few MB unpacking to ~1 GB of sheet XML
        write_xlsx(xlsx, bomb_rows(7_470_000))
    elif case == "xlsx_lying_header":  # the same bomb, its headers claiming 1 MB
        write_xlsx(xlsx, bomb_rows(7_470_000))
        understate_sheet(xlsx, MB)
    else:  # a real sheet: 1,000,000 rows (Excel's ceiling is 1,048,576), or just under the
        # default 1024 MB unpacked limit (more rows than Excel allows, but calamine reads it)
        rows = 1_000_000 if case == "xlsx_under" else 1_825_000
        records = work / f"{case}.csv"
        generate(records, rows * 125 // 1_000_000 + 5, providers)
        unpacked = write_xlsx(xlsx, csv_rows(records, rows))
        print(f"{case}: sheet unpacks to {unpacked / MB:.0f} MB", file=sys.stderr)
    data = xlsx.read_bytes()
    return multipart_stream(f"{case}.xlsx", iter([data])), len(data), {}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--limit-mb", type=int, default=64)
    parser.add_argument("--cases", default=",".join(CASES))
    parser.add_argument("--keep", type=Path, default=None, help="work in DIR and keep it")
    parser.add_argument("--serve", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    a = parser.parse_args()
    if a.serve:
        return serve(a.serve, a.port, a.limit_mb)
    from oversight.catalogue import load

    providers = [p.code for p in load().providers_of(ORG)] or ["RAL"]
    work = a.keep or Path(tempfile.mkdtemp(prefix="bench-limits-"))
    work.mkdir(parents=True, exist_ok=True)
    results = {}
    for case in a.cases.split(","):
        results[case] = run_case(case, work, a.limit_mb, providers)
        print(f"{case}: {results[case]}", file=sys.stderr)
    print(
        json.dumps(
            {
                "collection": COLLECTION,
                "upload_limit_mb": a.limit_mb,
                "cases": results,
                "load_average_1m": round(os.getloadavg()[0], 1),
            }
        )
    )
    if a.keep is None:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
