"""Rendered pages kept in memory, keyed by what they are made from.

A page is a function of the published version (results and judgements ids, both immutable),
the operational state people change (annotations, assessments, cases: its audit log's newest
id), the synthetic banner and its address (path and query), so its HTML can be reused until one
of them changes: the ICS page is then served without building or rendering anything.

A page that is not cached is built in the thread pool, never on the event loop (a cold page
takes from a tenth of a second to seconds, and every other request would wait for it), and
only once: requests for it while it is being built wait for that build (single flight).
"""

from __future__ import annotations

import asyncio
import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from oversight.home import Home
from oversight.publish.web.shortcuts import Shortcut, Shortcuts
from oversight.publish.web.site import synthetic
from oversight.publish.web.snapshot import loaded, snapshot, snapshot_if_loaded

MAX_PAGES = 512
MAX_BYTES = 256 * 1024 * 1024
"""A cache holds at most this many bodies' bytes (a metric page is about 0.8 MB)."""
RECHECK_S = 1.0
"""How long a read of the operational state's version is trusted (pages may lag a person's
change by up to this long)."""
_operational: dict[Home, tuple[float, int | None]] = {}
T = TypeVar("T")
HTML_HEADERS = ((b"content-type", b"text/html; charset=utf-8"),)


def operational_version(home: Home) -> int | None:
    """The newest audit event's id: every governed change (annotation, rebase, assessment,
    case, recorded judgement) is audited, so a page showing any of them is rebuilt after
    one. Read at most once a second."""
    now = time.monotonic()
    seen = _operational.get(home)
    if seen is not None and now - seen[0] < RECHECK_S:
        return seen[1]
    from sqlalchemy import func, select

    from oversight.store import database
    from oversight.store.models import AuditEvent

    with database.session(home.database()) as s:
        newest = s.execute(select(func.max(AuditEvent.id))).scalar()
    _operational[home] = (now, newest)
    return newest


class SingleFlight:
    """Runs a slow function in the thread pool at most once per key at a time; callers
    asking for a key already in flight wait for that run's answer (or its exception). The
    run is not tied to the request that started it, so a client going away cancels nobody
    else's answer."""

    def __init__(self) -> None:
        self._running: dict[Hashable, asyncio.Future[Any]] = {}

    async def run(
        self, key: Hashable, work: Callable[[], T], keep: Callable[[T], None] | None = None
    ) -> T:
        """`work()`'s answer; `keep` is called with it once (on the event loop)."""
        task = self._running.get(key)
        if task is None:
            task = asyncio.ensure_future(run_in_threadpool(work))
            self._running[key] = task

            def done(finished: asyncio.Future[Any]) -> None:
                self._running.pop(key, None)
                if not finished.cancelled() and finished.exception() is None and keep:
                    keep(finished.result())

            task.add_done_callback(done)
        return await asyncio.shield(task)


class PageCache:
    """Response bodies by key, least recently used dropped first (by count and by bytes)."""

    def __init__(self, size: int = MAX_PAGES, max_bytes: int = MAX_BYTES) -> None:
        self.size = size
        self.max_bytes = max_bytes
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()
        self._bytes = 0
        self.builds = SingleFlight()

    def get(self, key: Hashable) -> bytes | None:
        body = self._pages.get(key)
        if body is not None:
            self._pages.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        old = self._pages.pop(key, None)
        self._bytes -= 0 if old is None else len(old)
        self._pages[key] = body
        self._bytes += len(body)
        while len(self._pages) > self.size or (self._bytes > self.max_bytes and self._pages):
            _, dropped = self._pages.popitem(last=False)
            self._bytes -= len(dropped)

    async def fill(self, key: Hashable, build: Callable[[], bytes]) -> bytes:
        """The body under `key`: cached, or built once in the thread pool and kept."""
        body = self.get(key)
        if body is not None:
            return body
        return await self.builds.run(key, build, lambda made: self.put(key, made))


def _fresh_operational(home: Home) -> bool:
    seen = _operational.get(home)
    return seen is not None and time.monotonic() - seen[0] < RECHECK_S


async def ensure_fresh(request: Request) -> None:
    """Read newly published results, and the operational state's version when due, in the
    thread pool (once, whoever asks), so that working out a page's key on the event loop
    reads only memory."""
    home = request.app.state.home
    cache: PageCache = request.app.state.page_cache
    if not loaded(home):
        await cache.builds.run(("snapshot", home), lambda: snapshot(home))
    if not _fresh_operational(home):
        await cache.builds.run(("operational", home), lambda: operational_version(home))


def page_key(home: Home) -> tuple[object, ...]:
    """What every page is made from (the published version, the operational state and the
    synthetic banner); with the template and address, a page's key."""
    return (snapshot(home).key, operational_version(home), synthetic(home))


async def render(request: Request, template: str, build: Callable[[], Any]) -> HTMLResponse:
    """The page at this address for the published version now: from the cache, or built by
    `build()` (which may raise LookupError: nothing is cached then) and rendered, off the
    event loop. The page is then left as a shortcut (oversight.publish.web.shortcuts) for
    as long as what it is made from stays the same."""
    await ensure_fresh(request)
    home = request.app.state.home
    cache: PageCache = request.app.state.page_cache
    made_of = page_key(home)
    key = (*made_of, template, request.url.path, request.url.query)

    def rendered() -> bytes:
        response = request.app.state.templates.TemplateResponse(
            request, template, {"page": build()}
        )
        return bytes(response.body)

    body = await cache.fill(key, rendered)

    def still() -> bool:
        now = snapshot_if_loaded(home)
        return (now is not None and _fresh_operational(home)
                and (now.key, _operational[home][1], synthetic(home)) == made_of)

    shortcuts: Shortcuts = request.app.state.shortcuts
    shortcuts.remember(request.scope["path"], request.scope["query_string"],
                       Shortcut(body, HTML_HEADERS, still))
    return HTMLResponse(body)
