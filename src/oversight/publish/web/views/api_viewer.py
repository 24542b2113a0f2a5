"""Who a read request is from: the public without a token, else the token's role
(oversight.publish.access); the header is read by oversight.publish.web.bearer."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool

from oversight.collect import api as submissions
from oversight.publish.access import PUBLIC, Viewer, viewer_of
from oversight.publish.web.bearer import principal_of


async def viewer(request: Request) -> Viewer:
    """The viewer of a request; reads the token store (in the thread pool) only when a
    token is sent."""
    if not request.headers.get("authorization"):
        return PUBLIC
    override = request.app.dependency_overrides.get(submissions.services)
    svc = override() if override is not None else submissions.services(request)
    return viewer_of(await run_in_threadpool(principal_of, request, svc.engine, required=False))


ViewerDep = Annotated[Viewer, Depends(viewer)]
