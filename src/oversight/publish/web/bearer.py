"""Who a web request is from, by its `Authorization: Bearer <token>` header: one reading of
the header for every route (the read API, the change feed, annotations, assessments).

A route that needs a token gets 401 without one; a route anyone may read gets the public
without a header. A header that is present but not a valid bearer token is a 401 everywhere,
never quietly the public view, so a caller with a typo learns it rather than seeing less.
"""

from __future__ import annotations

from fastapi import HTTPException, Request
from sqlalchemy.engine import Engine

from oversight.collect import tokens

REQUIRED = "a valid bearer token is required"
NOT_VALID = "the bearer token is not valid; send none to read what the public sees"


def principal_of(request: Request, engine: Engine, *, required: bool) -> tokens.Principal | None:
    """The token's principal; None without an Authorization header when not `required`;
    otherwise 401 (with `WWW-Authenticate: Bearer`) for a missing or invalid token. Reads
    the token store: call it off the event loop."""
    header = request.headers.get("authorization", "")
    if not header and not required:
        return None
    scheme, _, presented = header.partition(" ")
    who = None
    if scheme.lower() == "bearer" and presented.strip():
        who = tokens.authenticate(presented, engine)
    if who is None:
        raise HTTPException(401, REQUIRED if required else NOT_VALID,
                            headers={"WWW-Authenticate": "Bearer"})
    return who
