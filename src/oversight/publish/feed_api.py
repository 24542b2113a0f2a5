"""The change feed over HTTP: `GET /api/v1/changes?since=CURSOR` pages, and the same entries as
Server-Sent Events at `GET /api/v1/changes/stream` (resumable with `since` or the
`Last-Event-ID` header the browser's EventSource sends on reconnecting).

Entries are filtered by who is asking (oversight.publish.access: a figure under embargo is
announced only to those who may see it; the bearer token, if any, says who). A bad cursor is
400 with what was wrong, never a silent restart from the beginning.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import HTTPException, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse, StreamingResponse

from oversight.home import Home
from oversight.publish import feed
from oversight.publish.access import EARLY_ROLES, PUBLIC, Viewer, viewer_of, visible

POLL_SECONDS = 0.25
HEARTBEAT_SECONDS = 15.0

Since = Annotated[str | None, Query(description="A cursor: an entry's `cursor` or a page's "
                                               "`next`; omitted, the feed from its start.")]
Limit = Annotated[int, Query(ge=1, le=feed.MAX_PAGE, description="Entries per page.")]


def _viewer(request: Request) -> Viewer:
    """Who is asking: the public without a token, the token's role and ICB with one (401 for
    a token that is not valid; oversight.publish.web.bearer)."""
    if not request.headers.get("authorization"):
        return PUBLIC
    from oversight.publish.web.bearer import principal_of

    home: Home = request.app.state.home
    return viewer_of(principal_of(request, home.database(), required=False))


def may_see(viewer: Viewer, entry: dict[str, Any]) -> bool:
    """Whether the entry announces something `viewer` may see (the one embargo call site): a
    revision's or figures' collection, a status judgement's metric, and a segment's every
    metric its rule set scores (`metric_ids`), for the entry's organisation and month (a
    segment's: its quarter's last month)."""
    if entry.get("period") is None or entry.get("org") is None:
        return True  # a full recompute announces no figure of its own
    org, period = str(entry["org"]), str(entry["period"])
    try:
        if entry["kind"] == "judgement" and entry.get("metric_id") is None:
            subjects = entry.get("metric_ids")
            if not subjects:  # a judgement that names no metric: nobody but the early roles
                return viewer.role in EARLY_ROLES
            return all(visible(viewer, str(m), org, period) for m in subjects)
        subject = entry.get("metric_id") if entry["kind"] == "judgement" \
            else entry.get("collection")
        if subject is None:
            return True
        return visible(viewer, str(subject), org, period)
    except KeyError:  # a collection or metric the catalogue no longer has: announce to no one
        return viewer.role in EARLY_ROLES


def _page(home: Home, since: str | None, limit: int, viewer: Viewer) -> dict[str, Any]:
    try:
        entries, nxt = feed.read(home, since, limit)
    except feed.CursorError as error:
        raise HTTPException(400, str(error)) from None
    return {"changes": [e for e in entries if may_see(viewer, e)], "next": nxt}


async def changes(request: Request, since: Since = None, limit: Limit = 100) -> JSONResponse:
    """The feed's entries after `since`, oldest first, and the cursor to ask from next
    (resuming from it skips nothing and repeats nothing)."""
    viewer = _viewer(request)
    page = await run_in_threadpool(_page, request.app.state.home, since, limit, viewer)
    return JSONResponse(page, headers={"Cache-Control": "no-store"})


async def stream(request: Request, since: Since = None) -> StreamingResponse:
    """The feed as Server-Sent Events (`id` = cursor, `event` = kind, `data` = the entry),
    from `since` (or the Last-Event-ID header), then live."""
    viewer = _viewer(request)
    home: Home = request.app.state.home
    start = since or request.headers.get("last-event-id") or None
    try:
        if start is not None:
            feed.parse_cursor(home, start)
    except feed.CursorError as error:
        raise HTTPException(400, str(error)) from None
    return StreamingResponse(
        events(home, start, viewer, request.is_disconnected),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-store", "X-Accel-Buffering": "no"},
    )


async def events(
    home: Home, since: str | None, viewer: Viewer, gone: Any, poll: float = POLL_SECONDS
) -> AsyncIterator[str]:
    """SSE frames of every entry after `since`, then of each new one as it is appended, until
    `gone()` (the client left) is true."""
    cursor = since
    quiet = 0.0
    yield "retry: 2000\n\n"
    while not await gone():
        entries, nxt = await run_in_threadpool(feed.read, home, cursor, feed.MAX_PAGE)
        cursor = nxt
        sent = False
        for entry in entries:
            if may_see(viewer, entry):
                sent = True
                yield (f"id: {entry['cursor']}\nevent: {entry['kind']}\n"
                       f"data: {json.dumps(entry, default=str)}\n\n")
        if entries:
            quiet = 0.0
            continue
        if not sent:
            quiet += poll
            if quiet >= HEARTBEAT_SECONDS:
                quiet = 0.0
                yield ": still here\n\n"
        await asyncio.sleep(poll)
