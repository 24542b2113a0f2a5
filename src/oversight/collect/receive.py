"""Read a submission's request body to a file as it streams in, counting bytes, so an upload
over its collection's limit is refused (413) having held at most one network chunk in memory.

Starlette's `request.form()` would spool the whole file before anyone could count it, so the
multipart body is parsed here with python-multipart's push parser. A JSON body is written to
disk the same way and parsed once, within the JSON-body limit, to read its fields."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

from python_multipart.exceptions import FormParserError
from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import ClientDisconnect, Request

from oversight.collect.limits import ByteCap
from oversight.collect.upload_names import display_name, stored_name

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

CapFor = Callable[[str | None], ByteCap]
MAX_FIELDS = 32
MAX_FIELD_BYTES = 64 * 1024
MAX_HEADER_BYTES = 16 * 1024
FORM_OVERHEAD = 1 << 20  # fields, part headers and boundaries around the file
JSON_FILE_NAME = "records.json"


class BadRequest(ValueError):
    """A body that is not a submission at all (HTTP 400); the message is for the sender."""


@dataclass(frozen=True)
class Received:
    """The form fields (or JSON members), the saved data and the client's name for it."""

    fields: dict[str, Any]
    path: Path
    file_name: str


def check_declared_length(request: Request, cap: ByteCap, overhead: int) -> None:
    """Refuse at once when Content-Length already says the body is over the limit."""
    declared = request.headers.get("content-length", "")
    if declared.isdigit() and int(declared) > cap.limit + overhead:
        raise cap.refusal()


async def receive_multipart(request: Request, scratch: Path, cap_for: CapFor) -> Received:
    """The fields and the `file` part, written to `scratch` under a name the platform chose."""
    check_declared_length(request, cap_for(None), FORM_OVERHEAD)
    _, options = parse_options_header(request.headers.get("content-type", ""))
    boundary = options.get(b"boundary")
    if not boundary:
        raise BadRequest("the multipart body has no boundary")
    form = _Form(scratch, cap_for)
    parser = MultipartParser(boundary, form.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except FormParserError as error:
        raise BadRequest("the multipart body is malformed") from error
    except ClientDisconnect as error:
        raise BadRequest("the upload was interrupted") from error
    finally:
        form.close()
    if form.path is None:
        raise BadRequest("multipart submissions need a `file` part")
    cap_for(form.fields.get("collection")).check(form.file_bytes)
    return Received(form.fields, form.path, form.display)


async def receive_json(request: Request, scratch: Path, cap_for: CapFor) -> Received:
    """The JSON body `{collection, org, period, records}`, saved whole (the JSON reader takes
    the `records` member) after one parse for its fields."""
    cap = cap_for(None)
    check_declared_length(request, cap, 0)
    path, size = scratch / JSON_FILE_NAME, 0
    with path.open("wb") as out:
        async for chunk in request.stream():
            size += len(chunk)
            if size > cap.limit:
                raise cap.refusal()
            out.write(chunk)
    try:
        with path.open("rb") as fh:
            body = json.load(fh)
    except RecursionError:
        raise BadRequest("the JSON body is nested too deeply to read") from None
    except json.JSONDecodeError as error:
        where = f"line {error.lineno}, column {error.colno}"
        raise BadRequest(f"the body is not valid JSON ({error.msg} at {where})") from None
    except UnicodeDecodeError:
        raise BadRequest("the body is not valid JSON (it is not UTF-8 text)") from None
    if not isinstance(body, dict) or not isinstance(body.get("records"), list):
        raise BadRequest("JSON submissions need {collection, org, period, records}")
    fields = {k: v for k, v in body.items() if k != "records"}
    del body
    cap_for(_text(fields.get("collection"))).check(size)
    return Received(fields, path, JSON_FILE_NAME)


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


class _Form:
    """python-multipart callbacks: fields kept (bounded), the one file part written to disk."""

    def __init__(self, scratch: Path, cap_for: CapFor) -> None:
        self.scratch, self.cap_for, self.cap = scratch, cap_for, cap_for(None)
        self.fields: dict[str, str] = {}
        self.path: Path | None = None
        self.display = ""
        self.file_bytes = 0
        self._out: IO[bytes] | None = None
        self._writing = False
        self._name = ""
        self._header = [bytearray(), bytearray()]
        self._disposition = b""
        self._value = bytearray()

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda data, start, end: self._add_header(0, data[start:end]),
            "on_header_value": lambda data, start, end: self._add_header(1, data[start:end]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def close(self) -> None:
        if self._out is not None:
            self._out.close()
            self._out = None

    def _part_begin(self) -> None:
        self._disposition, self._value, self._writing = b"", bytearray(), False

    def _add_header(self, which: int, data: bytes) -> None:
        self._header[which] += data
        if len(self._header[0]) + len(self._header[1]) > MAX_HEADER_BYTES:
            raise BadRequest("a multipart part header is too long")

    def _header_end(self) -> None:
        if bytes(self._header[0]).strip().lower() == b"content-disposition":
            self._disposition = bytes(self._header[1])
        self._header = [bytearray(), bytearray()]

    def _headers_finished(self) -> None:
        _, options = parse_options_header(self._disposition)
        self._name = options.get(b"name", b"").decode("utf-8", "replace")
        if b"filename" not in options:
            if len(self.fields) >= MAX_FIELDS:
                raise BadRequest(f"a submission has at most {MAX_FIELDS} form fields")
            return
        if self._name != "file" or self.path is not None:
            raise BadRequest("send exactly one file, in the part named `file`")
        self.display = display_name(options[b"filename"].decode("utf-8", "replace"))
        self.path = self.scratch / stored_name(self.display)
        self._out = self.path.open("wb")
        self._writing = True

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        if self._writing:
            assert self._out is not None
            self.file_bytes += end - start
            if self.file_bytes > self.cap.limit:
                raise self.cap.refusal()
            self._out.write(data[start:end])
            return
        self._value += data[start:end]
        if len(self._value) > MAX_FIELD_BYTES:
            raise BadRequest(f"form field {self._name!r} is longer than {MAX_FIELD_BYTES} bytes")

    def _part_end(self) -> None:
        if self._writing:
            self.close()
            self._writing = False
            return
        self.fields[self._name] = self._value.decode("utf-8", "replace")
        if self._name == "collection":
            self.cap = self.cap_for(self.fields["collection"])  # the file may come after it
