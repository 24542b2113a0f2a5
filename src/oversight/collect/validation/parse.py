"""Vectorised cell parsing: text → typed Arrow array plus a mask of cells that failed.

Each parser tries one whole-array Arrow cast first (the clean-file fast path); only when that
raises does it locate the bad cells with regular expressions, so clean data costs one cast.
"""

from __future__ import annotations

from collections.abc import Callable

import pyarrow as pa
import pyarrow.compute as pc

TRUE_WORDS = ("true", "t", "yes", "y", "1")
FALSE_WORDS = ("false", "f", "no", "n", "0")
_INT = r"^[+-]?\d{1,18}$"
_FLOAT = r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$"
_DATE = r"^\d{4}-\d{2}-\d{2}$"
_TIME = r"^\d{4}-\d{2}-\d{2}( ([01]\d|2[0-3]):[0-5]\d(:[0-5]\d(\.\d{1,6})?)?)?$"
_INT_BOUNDS = {
    pa.int8(): (-(2**7), 2**7 - 1),
    pa.int32(): (-(2**31), 2**31 - 1),
}

Parsed = tuple[pa.Array, pa.Array]
"""(typed values with failures as null, boolean mask of failed cells without nulls)."""


def _no_failures(typed: pa.Array) -> Parsed:
    return typed, pa.nulls(len(typed), pa.bool_()).fill_null(False)


def _clean(raw: pa.Array) -> pa.Array:
    text = raw if raw.type == pa.string() else pc.cast(raw, pa.string())
    return pc.utf8_trim_whitespace(text)


def _finish(cleaned: pa.Array, ok: pa.Array, target: pa.DataType) -> Parsed:
    present = pc.is_valid(cleaned)
    ok = pc.and_(pc.fill_null(ok, False), present)
    typed = pc.cast(pc.if_else(ok, cleaned, pa.scalar(None, pa.string())), target)
    return typed, pc.and_(present, pc.invert(ok))


def _valid_dates(text: pa.Array) -> pa.Array:
    """True where 'YYYY-MM-DD' is a real calendar date (strptime rolls 02-30 over, so compare)."""
    parsed = pc.strptime(text, format="%Y-%m-%d", unit="s", error_is_null=True)
    return pc.equal(pc.strftime(parsed, format="%Y-%m-%d"), text)


def _day_first(text: pa.Array) -> pa.Array:
    """dd/mm/yyyy (how UK spreadsheets show dates) → yyyy-mm-dd."""
    return pc.replace_substring_regex(text, r"^(\d{2})/(\d{2})/(\d{4})", r"\3-\2-\1")


def parse_int(raw: pa.Array, target: pa.DataType) -> Parsed:
    cleaned = pc.replace_substring_regex(_clean(raw), r"\.0*$", "")  # Excel's 12.0
    cleaned = pc.replace_substring_regex(cleaned, r"^\+", "")  # Arrow's cast rejects '+5'
    typed, bad = _finish(cleaned, pc.match_substring_regex(cleaned, _INT), pa.int64())
    bounds = _INT_BOUNDS.get(target)
    if bounds is not None:
        outside = pc.fill_null(
            pc.or_(pc.less(typed, bounds[0]), pc.greater(typed, bounds[1])), False
        )
        bad = pc.or_(bad, outside)
        typed = pc.if_else(outside, pa.scalar(None, pa.int64()), typed)
    return pc.cast(typed, target), bad


def parse_float(raw: pa.Array, target: pa.DataType) -> Parsed:
    cleaned = _clean(raw)
    return _finish(cleaned, pc.match_substring_regex(cleaned, _FLOAT), target)


def parse_bool(raw: pa.Array, target: pa.DataType) -> Parsed:
    lowered = pc.utf8_lower(_clean(raw))
    is_true = pc.is_in(lowered, pa.array(TRUE_WORDS))
    known = pc.or_(is_true, pc.is_in(lowered, pa.array(FALSE_WORDS)))
    present = pc.is_valid(lowered)
    typed = pc.if_else(pc.and_(known, present), is_true, pa.scalar(None, pa.bool_()))
    return typed, pc.and_(present, pc.invert(known))


def parse_date(raw: pa.Array, target: pa.DataType, month_only: bool = False) -> Parsed:
    cleaned = _day_first(_clean(raw))
    cleaned = pc.replace_substring_regex(cleaned, r"[T ]00:00(:00(\.0+)?)?$", "")
    if month_only:
        cleaned = pc.replace_substring_regex(cleaned, r"^(\d{4}-\d{2})$", r"\1-01")
    ok = pc.and_(pc.match_substring_regex(cleaned, _DATE), _valid_dates(cleaned))
    return _finish(cleaned, ok, target)


def parse_timestamp(raw: pa.Array, target: pa.DataType) -> Parsed:
    cleaned = _day_first(_clean(raw))
    cleaned = pc.replace_substring_regex(cleaned, r"^(\d{4}-\d{2}-\d{2})T", r"\1 ")
    cleaned = pc.replace_substring_regex(cleaned, r"Z$", "")
    ok = pc.and_(
        pc.match_substring_regex(cleaned, _TIME),
        _valid_dates(pc.utf8_slice_codeunits(cleaned, 0, 10)),
    )
    return _finish(cleaned, ok, target)


_SLOW: dict[str, Callable[[pa.Array, pa.DataType], Parsed]] = {
    "int8": parse_int,
    "int32": parse_int,
    "int64": parse_int,
    "float64": parse_float,
    "bool": parse_bool,
    "date": parse_date,
    "timestamp": parse_timestamp,
}


def _finite(typed: pa.Array) -> Parsed:
    """NaN and infinity parse as floats but are not values a return can carry."""
    bad = pc.fill_null(pc.invert(pc.is_finite(typed)), False)
    if not pc.any(bad).as_py():
        return _no_failures(typed)
    return pc.if_else(bad, pa.scalar(None, typed.type), typed), bad


def parse_column(
    raw: pa.Array, column_type: str, target: pa.DataType, *, month: bool = False
) -> Parsed:
    """Typed array and failure mask for one submitted column of catalogue type `column_type`."""
    if column_type == "string":
        return _no_failures(raw if raw.type == target else pc.cast(raw, target))
    if raw.type == pa.null():
        return _no_failures(pa.nulls(len(raw), target))
    if raw.type == target:
        return _finite(raw) if column_type == "float64" else _no_failures(raw)
    try:
        typed = pc.cast(raw, target)  # fast path: clean cells in the canonical form
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
        if column_type == "date":
            return parse_date(raw, target, month_only=month)
        return _SLOW[column_type](raw, target)
    return _finite(typed) if column_type == "float64" else _no_failures(typed)
