"""Cursor pagination over an immutable frame (a results or judgements version).

A cursor names the version it was made on, the offset of the next row and a digest of the
request's filters and viewer, signed with the home's key (HMAC-SHA256). So the next page reads
the same version even after a newer one is published, a cursor used with other filters or by
another viewer is refused, a forged or altered one is refused, and one whose version has since
been pruned is refused as stale: never silently restarted from the first page.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from oversight.home import Home

KEY_FILE = ".api-cursor-key"
DEFAULT_LIMIT = 100
MAX_LIMIT = 1000
MALFORMED = "cursor is malformed: pass the `next` value of the previous page as is"


class CursorError(ValueError):
    """A cursor that is malformed, forged, for other filters, or stale; the message says which."""


@dataclass(frozen=True)
class Position:
    version: str
    offset: int


def _key(home: Home) -> bytes:
    """The home's signing key, made once (0600) the first time a cursor is needed."""
    path: Path = home.root / KEY_FILE
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    home.root.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return path.read_bytes()
    with os.fdopen(fd, "wb") as out:
        out.write(secrets.token_bytes(32))
    return path.read_bytes()


def scope_of(**filters: Any) -> str:
    """A short digest of a request's filters (and viewer): what a cursor is valid for."""
    text = json.dumps(filters, sort_keys=True, default=str)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def _sign(key: bytes, body: bytes) -> str:
    return hmac.new(key, body, hashlib.sha256).hexdigest()[:32]


def encode(home: Home, position: Position, scope: str) -> str:
    body = json.dumps({"v": position.version, "o": position.offset, "s": scope},
                      separators=(",", ":")).encode()
    token = base64.urlsafe_b64encode(body).decode().rstrip("=")
    return f"{token}.{_sign(_key(home), body)}"


def decode(home: Home, cursor: str, scope: str) -> Position:
    """The position a cursor names; CursorError when it is malformed, forged or for another
    request."""
    token, dot, signature = cursor.partition(".")
    if not dot or len(cursor) > 512:
        raise CursorError(MALFORMED)
    try:
        body = base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    except ValueError:
        raise CursorError(MALFORMED) from None
    if not hmac.compare_digest(_sign(_key(home), body), signature):
        raise CursorError("cursor was not issued by this server (its signature does not match)")
    data = json.loads(body)
    if data.get("s") != scope:
        raise CursorError(
            "cursor was issued for other filters or another token: repeat the same query"
        )
    return Position(str(data["v"]), int(data["o"]))
