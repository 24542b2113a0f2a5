"""The names of an uploaded file: the one the platform stores it under, and the client's
original name kept only as metadata (reports, `GET`), cleaned so it is safe to show.

The client's name never becomes a path: `..`, `/`, a NUL byte or 300 characters are just
text to clean, and the stored name is always `upload` plus a known format extension."""

from __future__ import annotations

import re
import unicodedata

from oversight.collect.formats.detect import EXTENSIONS

MAX_NAME_CHARS = 200
FALLBACK_NAME = "upload"
_SEPARATORS = re.compile(r"[/\\]")


def display_name(raw: str | None) -> str:
    """The client's file name as metadata: its last path part, with control and format
    characters (NUL, newlines, bidirectional overrides) removed, at most 200 characters;
    `upload` when nothing usable is left (empty, `.` or `..`)."""
    text = "".join(ch for ch in raw or "" if unicodedata.category(ch) not in {"Cc", "Cf"})
    text = _SEPARATORS.split(text)[-1].strip()
    if text in {"", ".", ".."}:
        return FALLBACK_NAME
    if len(text) <= MAX_NAME_CHARS:
        return text
    stem, dot, suffix = text.rpartition(".")
    if dot and 0 < len(suffix) <= 10:
        return f"{stem[: MAX_NAME_CHARS - len(suffix) - 1]}.{suffix}"
    return text[:MAX_NAME_CHARS]


def stored_name(display: str) -> str:
    """The name the platform stores an upload under: `upload` plus the client's extension when
    it is a known format's (format detection falls back on it), else no extension."""
    suffix = "." + display.rsplit(".", 1)[-1].lower() if "." in display else ""
    return FALLBACK_NAME + (suffix if suffix in EXTENSIONS else "")
