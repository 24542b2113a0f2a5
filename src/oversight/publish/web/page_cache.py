"""Rendered pages kept in memory, keyed by what they are made from.

A page is a function of the published version (results and judgements ids, both immutable),
the operational state people change (annotations, assessments, cases: its audit log's newest
id), the synthetic banner and its address (path and query), so its HTML can be reused until one
of them changes: the ICS page is then served without building or rendering anything.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from oversight.home import Home
from oversight.publish.web.site import synthetic
from oversight.publish.web.snapshot import snapshot

MAX_PAGES = 512
RECHECK_S = 1.0
"""How long a read of the operational state's version is trusted (pages may lag a person's
change by up to this long)."""
_operational: dict[Home, tuple[float, int | None]] = {}


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


class PageCache:
    def __init__(self, size: int = MAX_PAGES) -> None:
        self.size = size
        self._pages: OrderedDict[Hashable, bytes] = OrderedDict()

    def get(self, key: Hashable) -> bytes | None:
        body = self._pages.get(key)
        if body is not None:
            self._pages.move_to_end(key)
        return body

    def put(self, key: Hashable, body: bytes) -> None:
        self._pages[key] = body
        self._pages.move_to_end(key)
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)


def render(request: Request, template: str, build: Callable[[], Any]) -> HTMLResponse:
    """The page at this address for the published version now: from the cache, or built by
    `build()` (which may raise LookupError: nothing is cached then) and rendered."""
    home = request.app.state.home
    cache: PageCache = request.app.state.page_cache
    key = (snapshot(home).key, operational_version(home), synthetic(home), template,
           request.url.path, request.url.query)
    body = cache.get(key)
    if body is None:
        response = request.app.state.templates.TemplateResponse(
            request, template, {"page": build()}
        )
        body = bytes(response.body)
        cache.put(key, body)
    return HTMLResponse(body)
