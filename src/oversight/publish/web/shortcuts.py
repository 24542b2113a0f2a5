"""Answers sent again without routing: the hot path of a cached page or public API answer.

Routing a request through FastAPI (matching, validating the query, resolving dependencies)
costs several times what sending a cached body does. A route that answered from one of the
caches (page_cache, api_cache) may leave a `Shortcut` under the request's exact path and
query string, with a test of whether it still holds (same published version, operational
state, release epoch: cheap checks of what is already in memory). The middleware then sends
it as it is, headers included, and 304 for a matching If-None-Match; when the test fails the
shortcut is dropped and the request is routed as usual, which leaves a new one.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from oversight.publish.web.caching import ASGIApp, Receive, Scope, Send, matches

MAX_SHORTCUTS = 4096
MAX_BYTES = 128 * 1024 * 1024


@dataclass(frozen=True)
class Shortcut:
    body: bytes
    headers: tuple[tuple[bytes, bytes], ...]
    """Every header of the 200 answer but Content-Length."""
    still: Callable[[], bool]
    etag: str | None = None
    public: bool = False
    """True: only for requests without a token (an API answer of the public view); False:
    the same for everyone (a page shows what the public sees whoever asks)."""


class Shortcuts:
    """Shortcuts by exact request, the least recently used dropped first (by count and by
    the bytes of the bodies they hold)."""

    def __init__(self, size: int = MAX_SHORTCUTS, max_bytes: int = MAX_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._by_request: OrderedDict[tuple[str, bytes], Shortcut] = OrderedDict()
        self._bytes = 0

    def remember(self, path: str, query: bytes, shortcut: Shortcut) -> None:
        self._drop((path, query))
        self._by_request[(path, query)] = shortcut
        self._bytes += len(shortcut.body)
        while self._by_request and (len(self._by_request) > self.size
                                    or self._bytes > self.max_bytes):
            self._drop(next(iter(self._by_request)))

    def find(self, path: str, query: bytes) -> Shortcut | None:
        """The shortcut for this exact request, if it still holds."""
        found = self._by_request.get((path, query))
        if found is None:
            return None
        if found.still():
            self._by_request.move_to_end((path, query))
            return found
        self._drop((path, query))
        return None

    def _drop(self, key: tuple[str, bytes]) -> None:
        gone = self._by_request.pop(key, None)
        if gone is not None:
            self._bytes -= len(gone.body)


class ShortcutMiddleware:
    def __init__(self, app: ASGIApp, shortcuts: Shortcuts) -> None:
        self.app = app
        self.shortcuts = shortcuts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            hit = self.shortcuts.find(scope["path"], scope["query_string"])
            if hit is not None:
                headers = dict(scope.get("headers", []))  # names are lower case (ASGI)
                if not (hit.public and b"authorization" in headers):
                    await _send(send, hit, headers.get(b"if-none-match"))
                    return
        await self.app(scope, receive, send)


async def _send(send: Send, hit: Shortcut, if_none_match: bytes | None) -> None:
    if hit.etag is not None and matches((if_none_match or b"").decode("latin-1"), hit.etag):
        kept = [(k, v) for k, v in hit.headers if k != b"content-type"]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    headers = [(b"content-length", str(len(hit.body)).encode()), *hit.headers]
    await send({"type": "http.response.start", "status": 200, "headers": headers})
    await send({"type": "http.response.body", "body": hit.body})
