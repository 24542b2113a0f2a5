"""Spreadsheet formula injection: a text cell starting with = + - @ (or tab / CR) would run as a
formula when a downloaded file is opened in Excel, so it is rejected, not escaped.

The sign may hide behind what a spreadsheet or a later normalisation step drops or folds: a
leading space, newline, no-break space, byte-order mark, zero-width or control character, or a
full-width / small form of the sign (`＝`, `﹦`, `＋`). So a cell is also checked after Unicode
NFKC normalisation with those leading characters stripped; header names get the same check.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

import numpy as np
import numpy.typing as npt
import pyarrow as pa
import pyarrow.compute as pc

from oversight.collect.validation.sink import IssueSink
from oversight.collect.validation.spec import Spec

FORMULA = "injection.formula"
SIGNS = frozenset("=+-@")
MESSAGE = (
    "text may not start with = + - @, tab or carriage return (spreadsheet formula), even after "
    "leading spaces, control or invisible characters, or as a full-width sign"
)
_TRIGGER = np.zeros(256, dtype=bool)
_TRIGGER[[ord(c) for c in "=+-@\t\r"]] = True
"""Lookup table: is this first byte a formula trigger?"""
_SUSPECT = np.zeros(256, dtype=bool)
_SUSPECT[: ord(" ") + 1] = True  # ASCII whitespace and control characters
_SUSPECT[0x7F:] = True  # DEL, and the lead byte of every non-ASCII character
"""Lookup table: can a cell starting with this byte hide a sign further on? An ASCII
letter, digit or punctuation mark cannot: NFKC leaves ASCII as it is."""
_SKIPPED = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
"""Unicode categories stripped from the start: controls, format characters (byte-order mark,
zero-width space, direction marks) and separators (every kind of space)."""


def normalised_start(cell: str) -> str:
    """The first character of the cell once NFKC-normalised with leading whitespace, control
    and format characters removed ('' when nothing is left). Characters are normalised one
    by one up to the first that counts, so a long cell costs no more than a short one; no
    composition of several characters yields = + - or @, and a sign that would compose with
    a following mark (＝ + U+0338 → ≠) is still caught, as a spreadsheet could see it."""
    for raw in cell:
        for char in unicodedata.normalize("NFKC", raw):
            if not char.isspace() and unicodedata.category(char) not in _SKIPPED:
                return char
    return ""


def looks_like_formula(cell: str) -> bool:
    """True for a cell (or header name) a spreadsheet could run as a formula."""
    return cell[:1] in SIGNS or cell[:1] in ("\t", "\r") or normalised_start(cell) in SIGNS


def starts_like_formula(text: pa.Array) -> pa.Array:
    """True where a cell could run as a formula. The first byte of every cell is read straight
    from Arrow's buffers (offsets and data) with numpy, so a clean column costs one gather and
    two table lookups; only the distinct values starting with whitespace, a control or a
    non-ASCII character are normalised in Python."""
    if len(text) == 0:
        return pa.array([], pa.bool_())
    offsets_type = np.int64 if pa.types.is_large_string(text.type) else np.int32
    _, offsets_buf, data_buf = text.buffers()
    whole: npt.NDArray[np.signedinteger[Any]] = np.frombuffer(offsets_buf, offsets_type)
    offsets = whole[text.offset : text.offset + len(text) + 1]
    starts = offsets[:-1]
    nonempty = offsets[1:] > starts
    if data_buf is None or data_buf.size == 0:
        return pa.array(np.zeros(len(text), dtype=bool))
    data = np.frombuffer(data_buf, np.uint8)
    first = np.take(data, starts, mode="clip")  # an empty last cell may point past the end
    hit = _TRIGGER[first] & nonempty
    suspect = _SUSPECT[first] & ~hit & nonempty
    if text.null_count:
        suspect &= pc.is_valid(text).to_numpy(zero_copy_only=False)
    if suspect.any():
        where = np.flatnonzero(suspect)
        cells = text.take(pa.array(where))
        distinct = pc.unique(cells)  # text columns repeat a few values: normalise each once
        signs = pa.array([normalised_start(c) in SIGNS for c in distinct.to_pylist()])
        hit[where] = signs.take(pc.index_in(cells, distinct)).to_numpy(zero_copy_only=False)
    if text.null_count:
        return pc.and_(pa.array(hit), pc.is_valid(text))
    return pa.array(hit)


def check_header(sink: IssueSink, names: Iterable[str]) -> None:
    """A header name that could run as a formula is a file-level error (it would reach a
    spreadsheet in every report that names the column)."""
    for name in names:
        if looks_like_formula(name):
            sink.add(FORMULA, name, MESSAGE, value=name)


def check_injection(sink: IssueSink, spec: Spec, batch: pa.RecordBatch, row_offset: int) -> None:
    """Every text column of the file: the dataset's string columns and any unexpected column."""
    text_columns = {c.name for c in spec.columns if c.type == "string"}
    for name, raw in zip(batch.schema.names, batch.columns, strict=True):
        known = spec.column(name)
        if known is not None and name not in text_columns:
            continue  # numbers and dates: a leading '-' is a sign, typed by the schema rules
        if not pa.types.is_string(raw.type) and not pa.types.is_large_string(raw.type):
            continue
        sink.add_mask(starts_like_formula(raw), FORMULA, name, raw, row_offset, MESSAGE)
