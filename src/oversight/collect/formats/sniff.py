"""Guess a CSV file's encoding and delimiter from its first megabyte."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

import charset_normalizer

SAMPLE_BYTES = 1 << 20
DELIMITERS = (",", ";", "\t", "|")
_BOM = b"\xef\xbb\xbf"
# Windows exports from Excel are cp1252 (a superset of latin-1 for printable text); any
# single-byte guess outside that family is more likely a misdetection than a real encoding.
_SINGLE_BYTE_FALLBACK = "cp1252"
_ACCEPTED = {"utf_8", "utf-8", "cp1252", "windows-1252", "latin_1", "iso-8859-1", "latin-1"}


@dataclass(frozen=True)
class Dialect:
    """What the reader needs: encoding for pyarrow, delimiter, whether quotes appear."""

    encoding: str
    delimiter: str
    header: tuple[str, ...]
    quoted: bool
    mean_line_bytes: float


def detect_encoding(sample: bytes) -> str:
    """'utf8' when the sample decodes as UTF-8 (BOM or not), else cp1252 or a detected charset."""
    body = sample.removeprefix(_BOM)
    try:
        body.decode("utf-8")
        return "utf8"
    except UnicodeDecodeError as exc:
        # A multi-byte character cut by the sample boundary is not an encoding error.
        if exc.start >= len(body) - 3 and len(sample) >= SAMPLE_BYTES:
            return "utf8"
    best = charset_normalizer.from_bytes(body).best()
    if best is not None and best.encoding.lower().replace("-", "_") in _ACCEPTED:
        return best.encoding
    return _SINGLE_BYTE_FALLBACK


def _complete_lines(text: str, limit: int = 200) -> list[str]:
    lines = text.splitlines()
    if len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut by the sample boundary
    return [ln for ln in lines[:limit] if ln.strip()]


def detect_delimiter(text: str) -> str:
    """The candidate giving the same field count (>1) on most sampled lines, ties to ','."""
    lines = _complete_lines(text)
    if not lines:
        return ","
    best, best_score = ",", (-1, -1)
    for delim in DELIMITERS:
        counts = [len(row) for row in csv.reader(io.StringIO("\n".join(lines)), delimiter=delim)]
        header_fields = counts[0]
        if header_fields < 2:
            continue
        consistent = sum(1 for c in counts if c == header_fields)
        score = (consistent, header_fields)
        if score > best_score:
            best, best_score = delim, score
    return best


def sniff(sample: bytes) -> Dialect:
    """Encoding, delimiter and header of a CSV sample."""
    encoding = detect_encoding(sample)
    codec = "utf-8" if encoding == "utf8" else encoding
    text = sample.removeprefix(_BOM).decode(codec, errors="replace")
    delimiter = detect_delimiter(text)
    lines = _complete_lines(text, limit=1000)
    header_rows = list(csv.reader(io.StringIO(lines[0] if lines else ""), delimiter=delimiter))
    header = tuple(header_rows[0]) if header_rows else ()
    mean = len(sample) / max(len(lines), 1) if lines else 100.0
    return Dialect(encoding, delimiter, header, '"' in text, mean)
