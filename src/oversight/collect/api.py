"""HTTP submission API: `POST /api/v1/submissions` (multipart file or JSON records),
`GET /api/v1/submissions/{id}` and `POST /api/v1/submissions/{id}/confirm`. The portal's route
table (publish/web/routes.py) mounts these endpoints; they work on the app's home
(`app.state.home`); the app's lifespan is `expire_at_startup`.

Every call needs `Authorization: Bearer <token>`: 401 without a valid token, 403 when a
submitter's token is used for another organisation's data or for a collection NHS England
sends (collect/tokens.py). 400 for a field that is wrong (collect/fields.py). A body over its
collection's limits is refused with 413 while it streams in (collect/receive.py,
docs/collection.md "Limits").
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

from fastapi import Depends, FastAPI, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from oversight.collect import limits, tokens, waiting
from oversight.collect.fields import FieldError, check_fields
from oversight.collect.ingest import ConcurrentSubmissionError, ingest
from oversight.collect.limits import LimitExceeded
from oversight.collect.outcome import IngestResult
from oversight.collect.receive import BadRequest, receive_json, receive_multipart
from oversight.store import database
from oversight.store.lake import Lake
from oversight.store.models import Submission

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Services:
    """What the API works against; tests override `services` with their own."""

    engine: Engine
    lake: Lake
    catalogue: Catalogue
    incoming: Path
    waiting: waiting.WaitingPolicy = field(default_factory=waiting.WaitingPolicy)


@lru_cache(maxsize=1)
def _catalogue() -> Catalogue:
    from oversight.catalogue import load

    return load()


def services(request: Request) -> Services:
    """The services of the app's home (tests override this dependency with their own)."""
    return _services_of(request.app)


def _services_of(app: FastAPI) -> Services:
    home = app.state.home
    policy = getattr(app.state, "waiting", None) or waiting.WaitingPolicy()
    return Services(home.database(), home.lake(), _catalogue(), home.incoming_dir, policy)


@asynccontextmanager
async def expire_at_startup(app: FastAPI) -> AsyncIterator[None]:
    """The app's lifespan: expire submissions that waited too long while the server was down.
    A failure here (say, the database is unreachable) is logged, not fatal: every submission
    sweeps again."""
    override = app.dependency_overrides.get(services)
    try:
        svc = override() if override is not None else _services_of(app)
        await run_in_threadpool(_sweep, svc)
    except Exception:  # the portal must still start; the next submission sweeps again
        log.exception("could not expire waiting submissions at startup")
    yield


ServicesDep = Annotated[Services, Depends(services)]


def principal(request: Request, svc: ServicesDep) -> tokens.Principal:
    """The caller, from its bearer token; 401 otherwise."""
    header = request.headers.get("authorization", "")
    scheme, _, presented = header.partition(" ")
    who = tokens.authenticate(presented, svc.engine) if scheme.lower() == "bearer" else None
    if who is None:
        raise HTTPException(
            401, "a valid bearer token is required", headers={"WWW-Authenticate": "Bearer"}
        )
    return who


PrincipalDep = Annotated[tokens.Principal, Depends(principal)]

_STATUS_CODES = {"rejected": 422, "pending_confirmation": 202}


async def submit(request: Request, who: PrincipalDep, svc: ServicesDep) -> JSONResponse:
    """Submit a file (multipart: `file`, `collection`, `org`, `period`, optional `dry_run`,
    `confirm`) or JSON (`{collection, org, period, records: [...]}`)."""
    svc.incoming.mkdir(parents=True, exist_ok=True)
    await run_in_threadpool(_sweep, svc)
    with tempfile.TemporaryDirectory(dir=svc.incoming) as scratch:
        fields, path, name = await _receive(request, Path(scratch), svc.catalogue)
        try:
            checked = check_fields(
                svc.catalogue, fields.get("collection"), fields.get("org"), fields.get("period")
            )
        except FieldError as error:
            raise HTTPException(400, str(error)) from error
        refusal = who.submit_refusal(checked.org, checked.collection, checked.sent_by)
        if refusal is not None:
            raise HTTPException(403, refusal)
        try:
            result = await _ingest(
                svc,
                path,
                collection=checked.collection,
                org=checked.org,
                period=checked.period,
                submitter=who.submitter,
                file_name=name,
                dry_run=_flag(fields.get("dry_run")),
                confirm=_flag(fields.get("confirm")),
            )
        except ConcurrentSubmissionError as error:
            raise HTTPException(409, str(error)) from error
        if result.status == waiting.WAITING and result.submission_id:
            await run_in_threadpool(waiting.hold, svc.incoming, result.submission_id, path)
    _accepted(request, result)
    return _response(result)


def _accepted(request: Request, result: IngestResult) -> None:
    """Tell the app a new revision was accepted (the server's publish worker wakes up); the
    revision is already committed, so this is a nudge, not the record."""
    notify = getattr(request.app.state, "on_accepted", None)
    if notify is not None and result.created_revision:
        notify()


def _sweep(svc: Services) -> list[str]:
    return waiting.expire(svc.engine, svc.incoming, svc.waiting)


async def _ingest(svc: Services, path: Path, **submission: Any) -> IngestResult:
    """Validate and store a file against this service's catalogue, lake and store: 413 when
    it is over one of the collection's limits, or when it could wait for confirmation and its
    organisation's quota of waiting files has no room for it."""
    may_wait = not submission.get("dry_run") and not submission.get("confirm")
    if may_wait:
        refusal = await run_in_threadpool(
            waiting.quota_refusal,
            svc.engine,
            svc.incoming,
            submission["org"],
            path.stat().st_size,
            svc.waiting,
        )
        if refusal is not None:
            raise HTTPException(413, refusal)
    try:
        return await run_in_threadpool(
            ingest, path, catalogue=svc.catalogue, lake=svc.lake, engine=svc.engine, **submission
        )
    except LimitExceeded as refused:
        raise HTTPException(413, refused.message) from None
    except ConcurrentSubmissionError as error:
        raise HTTPException(409, str(error)) from error


def _response(result: IngestResult) -> JSONResponse:
    code = _STATUS_CODES.get(result.status, 201 if result.created_revision else 200)
    return JSONResponse(result.to_dict(), status_code=code)


def _own_submission(svc: Services, who: tokens.Principal, submission_id: str) -> Submission:
    """The submission, if it exists (404) and the caller may act for its organisation (403)."""
    with database.session(svc.engine) as s:
        sub = s.get(Submission, submission_id)
    if sub is None:
        raise HTTPException(404, "no such submission")
    if not who.may_act_for(sub.org_code):
        raise HTTPException(403, "this submission belongs to another organisation")
    return sub


async def confirm(
    request: Request, submission_id: str, who: PrincipalDep, svc: ServicesDep
) -> JSONResponse:
    """Confirm a submission that is waiting for confirmation (outliers against its own
    history), without sending the file again: it is validated and stored as a new submission,
    and the waiting one is marked `confirmed` with the new submission's id. The waiting
    submission is claimed atomically first: of concurrent confirms one proceeds, the others
    get 409; an expired one gets 410."""
    sub = _own_submission(svc, who, submission_id)
    sent_by = svc.catalogue.collections[sub.collection].submitter
    refusal = who.submit_refusal(sub.org_code, sub.collection, sent_by)
    if refusal:
        raise HTTPException(403, refusal)
    await run_in_threadpool(_sweep, svc)
    if not await run_in_threadpool(waiting.claim, svc.engine, submission_id):
        raise _not_waiting(svc, submission_id)
    try:
        result = await _confirm_claimed(svc, who, sub)
    except BaseException:
        await run_in_threadpool(waiting.unclaim, svc.engine, submission_id)
        raise
    if result.submission_id and result.status == "accepted":
        await run_in_threadpool(
            waiting.confirmed, svc.engine, svc.incoming, submission_id, result.submission_id
        )
    else:
        await run_in_threadpool(waiting.unclaim, svc.engine, submission_id)
    _accepted(request, result)
    return _response(result)


async def _confirm_claimed(svc: Services, who: tokens.Principal, sub: Submission) -> IngestResult:
    held = waiting.held_file(svc.incoming, sub.id)
    if held is None:
        raise HTTPException(
            409,
            f"the file of submission {sub.id} is no longer held; submit it again with confirm=true",
        )
    return await _ingest(
        svc,
        held,
        collection=sub.collection,
        org=sub.org_code,
        period=sub.period,
        submitter=who.submitter,
        file_name=sub.file_name,
        confirm=True,
    )


def _not_waiting(svc: Services, submission_id: str) -> HTTPException:
    """410 for an expired submission, 409 for one confirmed (or being confirmed) or never
    waiting."""
    with database.session(svc.engine) as s:
        sub = s.get(Submission, submission_id)
    status = sub.status if sub is not None else "gone"
    if status == waiting.EXPIRED:
        return HTTPException(
            410,
            f"submission {submission_id} waited more than {svc.waiting.days:g} days for "
            "confirmation and expired; its file has been removed: submit it again",
        )
    if status == waiting.CONFIRMING:
        return HTTPException(
            409, f"submission {submission_id} is already being confirmed by another request"
        )
    return HTTPException(
        409,
        f"submission {submission_id} is {status}; only one waiting for confirmation can be "
        "confirmed",
    )


def get_submission(submission_id: str, who: PrincipalDep, svc: ServicesDep) -> dict[str, Any]:
    """A submission's status, its validation report and the revision it became."""
    sub = _own_submission(svc, who, submission_id)
    return {
        "submission_id": sub.id,
        "collection": sub.collection,
        "org": sub.org_code,
        "period": sub.period,
        "status": sub.status,
        "submitter": sub.submitter,
        "file_name": sub.file_name,
        "received_at": sub.received_at.isoformat(),
        "revision_id": sub.revision_id,
        "created_revision": sub.created_revision,
        "report": sub.report,
    }


async def _receive(
    request: Request, scratch: Path, catalogue: Catalogue
) -> tuple[dict[str, Any], Path, str]:
    """The form fields or JSON members, the data saved to a file in `scratch` under a name the
    platform chose, and the client's file name (metadata only). 400 for a body that is not a
    submission, 413 for one over its collection's limits, 415 for other content types."""
    kind = request.headers.get("content-type", "")
    try:
        if kind.startswith("multipart/form-data"):
            got = await receive_multipart(
                request, scratch, lambda c: limits.upload_cap(catalogue, c)
            )
        elif kind.startswith("application/json"):
            got = await receive_json(request, scratch, lambda c: limits.json_body_cap(catalogue, c))
        else:
            raise HTTPException(415, "send multipart/form-data with a file, or application/json")
    except BadRequest as error:
        raise HTTPException(400, str(error)) from None
    except LimitExceeded as refused:
        raise HTTPException(413, refused.message) from None
    return got.fields, got.path, got.file_name


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"} if value is not None else False
