"""Who a read request is from: the public without a token, else the token's role
(oversight.publish.access). A token that is present but wrong is a 401, never quietly the
public view, so a caller with a typo learns it rather than seeing less."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool

from oversight.collect import api as submissions
from oversight.collect import tokens
from oversight.publish.access import PUBLIC, Viewer, viewer_of


async def viewer(request: Request) -> Viewer:
    """The viewer of a request; reads the token store only when a token is sent."""
    header = request.headers.get("authorization")
    if not header:
        return PUBLIC
    scheme, _, presented = header.partition(" ")
    who = None
    if scheme.lower() == "bearer" and presented.strip():
        override = request.app.dependency_overrides.get(submissions.services)
        svc = override() if override is not None else submissions.services(request)
        who = await run_in_threadpool(tokens.authenticate, presented, svc.engine)
    if who is None:
        raise HTTPException(
            401,
            "the bearer token is not valid; send none to read what the public sees",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return viewer_of(who)


ViewerDep = Annotated[Viewer, Depends(viewer)]
