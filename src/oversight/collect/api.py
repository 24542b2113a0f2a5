"""HTTP submission API: `POST /api/v1/submissions` (multipart file or JSON records),
`GET /api/v1/submissions/{id}` and `POST /api/v1/submissions/{id}/confirm`. The portal's route
table (publish/web/routes.py) mounts these endpoints; they work on the app's home
(`app.state.home`).

Every call needs `Authorization: Bearer <token>`: 401 without a valid token, 403 when a
submitter's token is used for another organisation's data or for a collection NHS England
sends (collect/tokens.py). 400 for a field that is wrong (collect/fields.py).
"""

from __future__ import annotations

import json
import shutil
import tempfile
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Annotated, Any

from fastapi import Depends, HTTPException, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import JSONResponse
from sqlalchemy import Engine

from oversight.collect import tokens
from oversight.collect.fields import FieldError, check_fields
from oversight.collect.ingest import ConcurrentSubmissionError, ingest
from oversight.collect.outcome import IngestResult
from oversight.store import database
from oversight.store.lake import Lake
from oversight.store.models import Submission


@dataclass(frozen=True)
class Services:
    """What the API works against; tests override `services` with their own."""

    engine: Engine
    lake: Lake
    catalogue: Any
    incoming: Path


@lru_cache(maxsize=1)
def _catalogue() -> Any:
    from oversight.catalogue import load

    return load()


def services(request: Request) -> Services:
    """The services of the app's home (tests override this dependency with their own)."""
    home = request.app.state.home
    return Services(home.database(), home.lake(), _catalogue(), home.incoming_dir)


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
    with tempfile.TemporaryDirectory(dir=svc.incoming) as scratch:
        fields, path, name = await _receive(request, Path(scratch))
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
        if result.status == "pending_confirmation" and result.submission_id:
            held = _held(svc, result.submission_id)
            held.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(path, held / name)
    return _response(result)


async def _ingest(svc: Services, path: Path, **submission: Any) -> IngestResult:
    """Validate and store a file against this service's catalogue, lake and store."""
    return await run_in_threadpool(
        ingest, path, catalogue=svc.catalogue, lake=svc.lake, engine=svc.engine, **submission
    )


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


def _held(svc: Services, submission_id: str) -> Path:
    """Where the file of a submission waiting for confirmation is kept until it is confirmed."""
    return svc.incoming / "_pending" / submission_id


async def confirm(submission_id: str, who: PrincipalDep, svc: ServicesDep) -> JSONResponse:
    """Confirm a submission that is waiting for confirmation (outliers against its own
    history), without sending the file again: it is validated and stored as a new submission,
    and the waiting one is marked `confirmed` with the new submission's id."""
    sub = _own_submission(svc, who, submission_id)
    if sub.status != "pending_confirmation":
        raise HTTPException(
            409,
            f"submission {submission_id} is {sub.status}; only one waiting for "
            "confirmation can be confirmed",
        )
    held = _held(svc, submission_id)
    files = sorted(held.iterdir()) if held.is_dir() else []
    if not files:
        raise HTTPException(
            409,
            f"the file of submission {submission_id} is no longer held; submit it again "
            "with confirm=true",
        )
    result = await _ingest(
        svc,
        files[0],
        collection=sub.collection,
        org=sub.org_code,
        period=sub.period,
        submitter=who.submitter,
        file_name=sub.file_name,
        confirm=True,
    )
    if result.submission_id and result.status == "accepted":
        with database.session(svc.engine) as s:
            waiting = s.get(Submission, submission_id)
            if waiting is not None:
                waiting.status = "confirmed"
                waiting.report = {**waiting.report, "confirmed_by": result.submission_id}
        shutil.rmtree(held, ignore_errors=True)
    return _response(result)


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


async def _receive(request: Request, scratch: Path) -> tuple[dict[str, Any], Path, str]:
    """The form fields or JSON body, with the data saved to a file in `scratch`."""
    kind = request.headers.get("content-type", "")
    if kind.startswith("multipart/form-data"):
        form = await request.form()
        upload = form.get("file")
        if upload is None or isinstance(upload, str):
            raise HTTPException(400, "multipart submissions need a `file` part")
        name = Path(upload.filename or "upload").name
        path = scratch / name
        with path.open("wb") as out:
            await run_in_threadpool(shutil.copyfileobj, upload.file, out, 1 << 20)
        return {k: v for k, v in form.items() if k != "file"}, path, name
    if kind.startswith("application/json"):
        try:
            body = await request.json()
        except ValueError as error:
            raise HTTPException(400, f"body is not valid JSON: {error}") from error
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            raise HTTPException(400, "JSON submissions need {collection, org, period, records}")
        path = scratch / "records.json"
        path.write_text(json.dumps(body["records"]))
        return body, path, "records.json"
    raise HTTPException(415, "send multipart/form-data with a file, or application/json")


def _flag(value: Any) -> bool:
    return str(value).strip().lower() in {"1", "true", "yes", "on"} if value is not None else False
