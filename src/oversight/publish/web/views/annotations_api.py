"""The annotation and rebase API: read them (anyone), add, propose and decide (a token).

    GET  /api/v1/annotations?metric=&org=&breakdown=&group=   annotations, date order
    POST /api/v1/annotations                                   {metric, org, date, text,
                                                                breakdown?, group?}
    POST /api/v1/annotations/{id}/withdraw                     {reason}
    GET  /api/v1/rebases?metric=&org=&state=                   rebases the caller may see
    GET  /api/v1/rebases/{id}                                  one, with its audit trail
    POST /api/v1/rebases                                       {metric, org, month, reason}
    POST /api/v1/rebases/{id}/{approve|reject|withdraw|reverse} {reason}
    GET  /api/v1/annotations.csv, /api/v1/rebases.csv          downloads (public view)
    GET  /api/v1/rebase-approvers?icb=                         the approver register
    POST /api/v1/rebase-approvers                              {icb, token_id, reason}
    POST /api/v1/rebase-approvers/{id}/remove                  {reason}

Changes need `Authorization: Bearer <token>` (401 otherwise); 403 when the token's role may
not make the change, 404 for an unknown id, 409 for a move the rebase lifecycle does not
allow (the message names the allowed ones), 422 for bad input. Without a token a GET shows
what the public sees. The rules are oversight.annotations'; this module only translates.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any, Literal, TypeVar

from fastapi import HTTPException, Request
from fastapi.responses import Response
from pydantic import BaseModel, Field

from oversight.annotations import annotation_store, approvers, lifecycle, rebase_store
from oversight.annotations.lifecycle import TransitionError
from oversight.annotations.records import NotFound, RecordError, Refused
from oversight.catalogue import load as load_catalogue
from oversight.publish.web.bearer import principal_of

if TYPE_CHECKING:
    from sqlalchemy import Engine


T = TypeVar("T")


class AnnotationIn(BaseModel):
    metric: str
    org: str
    date: str = Field(description="2024-06-15, or 2024-06 for a month")
    text: str
    breakdown: str | None = None
    group: str | None = None


class RebaseIn(BaseModel):
    metric: str
    org: str
    month: str = Field(description="the first month of the new limits, 2024-06")
    reason: str


class ReasonIn(BaseModel):
    reason: str


class ApproverIn(BaseModel):
    icb: str
    token_id: str
    reason: str


def _engine(request: Request) -> Engine:
    return request.app.state.home.database()


def _plain(*values: str | None) -> None:
    """422 for a query or path value no database column can hold (NUL characters)."""
    if any(v is not None and "\x00" in v for v in values):
        raise HTTPException(422, "text may not contain NUL characters")


def _answer(action: Callable[[], T]) -> T:
    """The library's refusals as HTTP statuses."""
    try:
        return action()
    except Refused as error:
        raise HTTPException(403, str(error)) from None
    except NotFound as error:
        raise HTTPException(404, str(error)) from None
    except TransitionError as error:
        raise HTTPException(409, str(error)) from None
    except RecordError as error:
        raise HTTPException(422, str(error)) from None


def list_annotations(
    request: Request,
    metric: str | None = None,
    org: str | None = None,
    breakdown: str | None = None,
    group: str | None = None,
) -> dict[str, Any]:
    """Active annotations, optionally of one metric, organisation or breakdown group."""
    _plain(metric, org, breakdown, group)
    views = annotation_store.annotations_for(
        _engine(request), metric=metric, org=org, breakdown=breakdown, group=group
    )
    return {"annotations": [v.to_json() for v in views]}


def add_annotation(request: Request, body: AnnotationIn) -> dict[str, Any]:
    _plain(body.metric, body.org, body.date)
    engine = _engine(request)
    who = principal_of(request, engine, required=True)
    assert who is not None
    view = _answer(lambda: annotation_store.add(
        engine, who, load_catalogue(), metric=body.metric, org=body.org, on=body.date,
        text=body.text, breakdown=body.breakdown, group=body.group,
    ))
    return view.to_json()


def withdraw_annotation(request: Request, annotation_id: str, body: ReasonIn) -> dict[str, Any]:
    _plain(annotation_id)
    engine = _engine(request)
    who = principal_of(request, engine, required=True)
    assert who is not None
    return _answer(
        lambda: annotation_store.withdraw(engine, who, annotation_id, reason=body.reason)
    ).to_json()


def list_rebases(
    request: Request,
    metric: str | None = None,
    org: str | None = None,
    state: str | None = None,
) -> dict[str, Any]:
    """The rebases the caller may see (the public: approved and reversed)."""
    _plain(metric, org, state)
    engine = _engine(request)
    who = principal_of(request, engine, required=False)
    if state is not None:  # an unknown filter value is bad input (422), not a conflict
        try:
            lifecycle.known(state)
        except TransitionError as error:
            raise HTTPException(422, str(error)) from None
    views = _answer(
        lambda: rebase_store.rebases_for(engine, who, metric=metric, org=org, state=state)
    )
    return {"rebases": [v.to_json() for v in views]}


def get_rebase(request: Request, rebase_id: str) -> dict[str, Any]:
    """One rebase with its audit trail and the moves allowed from its state."""
    _plain(rebase_id)
    engine = _engine(request)
    who = principal_of(request, engine, required=False)
    return _answer(lambda: rebase_store.show(engine, who, rebase_id)).to_json()


def propose_rebase(request: Request, body: RebaseIn) -> dict[str, Any]:
    _plain(body.metric, body.org, body.month)
    engine = _engine(request)
    who = principal_of(request, engine, required=True)
    assert who is not None
    return _answer(lambda: rebase_store.propose(
        engine, who, load_catalogue(), metric=body.metric, org=body.org, starts=body.month,
        reason=body.reason,
    )).to_json()


def decide_rebase(
    request: Request,
    rebase_id: str,
    decision: Literal["approve", "reject", "withdraw", "reverse"],
    body: ReasonIn,
) -> dict[str, Any]:
    """Move a rebase on; an approval or reversal reaches the limits at the next compute."""
    _plain(rebase_id)
    engine = _engine(request)
    who = principal_of(request, engine, required=True)
    assert who is not None
    return _answer(
        lambda: rebase_store.decide(engine, who, rebase_id, decision, reason=body.reason)
    ).to_json()


def _csv(frame: Any, name: str) -> Response:
    return Response(
        frame.to_csv(index=False),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def download_annotations(request: Request) -> Response:
    """Every active annotation as CSV (the download beside the results files)."""
    from oversight.annotations.export import annotations_frame

    return _csv(annotations_frame(_engine(request)), "annotations.csv")


def download_rebases(request: Request) -> Response:
    """Every approved and reversed rebase as CSV; `in_results` says whether the published
    results' limits use it (the rebases recorded with the current version)."""
    from oversight.annotations.export import rebases_frame
    from oversight.metrics.rebase_input import recorded
    from oversight.metrics.results import current

    version = current(request.app.state.home)
    applied = [] if version is None else recorded(version)
    return _csv(rebases_frame(_engine(request), applied), "rebases.csv")


def list_approvers(request: Request, icb: str | None = None) -> dict[str, Any]:
    """The ICBs' named rebase approvers (the approver register), optionally of one ICB."""
    _plain(icb)
    views = approvers.listing(_engine(request), icb.upper() if icb else None)
    return {"approvers": [v.to_json() for v in views]}


def appoint_approver(request: Request, body: ApproverIn) -> dict[str, Any]:
    _plain(body.icb, body.token_id)
    engine = _engine(request)
    who = principal_of(request, engine, required=True)
    assert who is not None
    return _answer(lambda: approvers.appoint(
        engine, who, icb=body.icb.upper(), token_id=body.token_id, reason=body.reason
    )).to_json()


def remove_approver(request: Request, approver_id: str, body: ReasonIn) -> dict[str, Any]:
    _plain(approver_id)
    engine = _engine(request)
    who = principal_of(request, engine, required=True)
    assert who is not None
    return _answer(
        lambda: approvers.remove(engine, who, approver_id, reason=body.reason)
    ).to_json()


ROUTES: list[tuple[str, str, Callable[..., Any], str]] = [
    ("GET", "/api/v1/annotations", list_annotations, "api_annotations"),
    ("GET", "/api/v1/annotations.csv", download_annotations, "api_annotations_csv"),
    ("GET", "/api/v1/rebases.csv", download_rebases, "api_rebases_csv"),
    ("POST", "/api/v1/annotations", add_annotation, "api_annotation_add"),
    ("POST", "/api/v1/annotations/{annotation_id}/withdraw", withdraw_annotation,
     "api_annotation_withdraw"),
    ("GET", "/api/v1/rebases", list_rebases, "api_rebases"),
    ("POST", "/api/v1/rebases", propose_rebase, "api_rebase_propose"),
    ("GET", "/api/v1/rebases/{rebase_id}", get_rebase, "api_rebase"),
    ("POST", "/api/v1/rebases/{rebase_id}/{decision}", decide_rebase, "api_rebase_decide"),
    ("GET", "/api/v1/rebase-approvers", list_approvers, "api_rebase_approvers"),
    ("POST", "/api/v1/rebase-approvers", appoint_approver, "api_rebase_approver_add"),
    ("POST", "/api/v1/rebase-approvers/{approver_id}/remove", remove_approver,
     "api_rebase_approver_remove"),
]
"""This module's routes, added to the route table (publish/web/routes.py) as one block."""
