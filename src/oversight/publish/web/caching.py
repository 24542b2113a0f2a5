"""ETag and Cache-Control on every GET of the API, and 304 when the client has it already.

A plain ASGI middleware (no per-request task), so the results API stays fast. A whole
response (it has a Content-Length) gets an ETag from its body when the route set none; a
streamed one (a download, the change feed's event stream) passes through untouched, with the
ETag its route set. Public responses may be cached for a short while; one for a token is
private to it, and every response varies by Authorization, since the embargo gives each role
different figures (oversight.publish.access).
"""

from __future__ import annotations

import hashlib
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

PUBLIC_CACHE = b"public, max-age=30"
PRIVATE_CACHE = b"private, no-cache"
NO_STORE = b"no-store"


def etag_of(body: bytes) -> str:
    return '"' + hashlib.blake2b(body, digest_size=12).hexdigest() + '"'


def matches(if_none_match: str | None, etag: str) -> bool:
    """True when an If-None-Match header names `etag` (or is `*`); weak tags compare equal."""
    if not if_none_match:
        return False
    tags = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


class CachingMiddleware:
    def __init__(self, app: ASGIApp, prefix: str = "/api/") -> None:
        self.app = app
        self.prefix = prefix

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if (
            scope["type"] != "http"
            or scope["method"] not in ("GET", "HEAD")
            or not str(scope["path"]).startswith(self.prefix)
        ):
            await self.app(scope, receive, send)
            return
        headers = {k.lower(): v for k, v in scope.get("headers", [])}
        private = b"authorization" in headers
        wanted = headers.get(b"if-none-match", b"").decode("latin-1") or None
        start: Message | None = None
        chunks: list[bytes] = []

        async def wrapped(message: Message) -> None:
            nonlocal start
            if message["type"] == "http.response.start":
                names = {k.lower() for k, _ in message.get("headers", [])}
                extra = [(b"vary", b"Authorization")]
                if b"cache-control" not in names:
                    ok = message["status"] in (200, 304)
                    policy = NO_STORE if not ok else PRIVATE_CACHE if private else PUBLIC_CACHE
                    extra.append((b"cache-control", policy))
                message["headers"] = [*message.get("headers", []), *extra]
                whole = b"content-length" in names and b"etag" not in names
                if message["status"] == 200 and whole:
                    start = message  # hold it until the body is known
                    return
                await send(message)
                return
            if start is None:
                await send(message)
                return
            chunks.append(message.get("body", b""))
            if message.get("more_body"):
                return
            await _finish(send, start, b"".join(chunks), wanted)

        await self.app(scope, receive, wrapped)


async def _finish(send: Send, start: Message, body: bytes, wanted: str | None) -> None:
    tag = etag_of(body)
    headers = [*start["headers"], (b"etag", tag.encode())]
    if matches(wanted, tag):
        kept = [(k, v) for k, v in headers if k.lower() not in (b"content-length", b"content-type")]
        await send({"type": "http.response.start", "status": 304, "headers": kept})
        await send({"type": "http.response.body", "body": b""})
        return
    await send({**start, "headers": headers})
    await send({"type": "http.response.body", "body": body})
