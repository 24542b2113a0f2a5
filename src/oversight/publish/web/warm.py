"""Pages built before anyone asks for them: the server, once started, requests the national
overview and every ICS page from itself in the background, so the first visitors of each get
it from the page cache (oversight.publish.web.page_cache) rather than waiting for a build.

The requests go through the whole application (routes, middleware), so the cached pages are
exactly those a visitor's request would have built, under the same keys.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, MutableMapping
from typing import Any

from fastapi import FastAPI

from oversight.catalogue import load as load_catalogue

log = logging.getLogger(__name__)
Message = MutableMapping[str, Any]


def paths() -> Iterator[str]:
    """The pages warmed, most visited first: the overview, then each ICS's page."""
    yield "/"
    for code in sorted(load_catalogue().icbs):
        yield f"/icb/{code}"


async def get(app: FastAPI, path: str) -> int:
    """GET `path` from `app` in process (no socket); its status."""
    status = 0

    async def receive() -> Message:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: Message) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = int(message["status"])

    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": "GET",
        "scheme": "http", "path": path, "raw_path": path.encode(), "query_string": b"",
        "root_path": "", "headers": [(b"host", b"127.0.0.1")], "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 80), "app": app,
    }
    await app(scope, receive, send)
    return status


async def warm(app: FastAPI) -> None:
    """Build the warmed pages one after another; a page that fails is logged and skipped
    (its visitors get the error page, as without warming)."""
    for path in paths():
        try:
            status = await get(app, path)
        except Exception:  # warming must never stop the server
            log.exception("warming %s failed", path)
            continue
        if status != 200:
            log.warning("warming %s: HTTP %d", path, status)
