"""The CQC assessment API: read published assessments (anyone), make and moderate them (a token).

    GET  /api/v1/assessments?org=&status=             assessments the caller may read
    GET  /api/v1/assessments/{id}                     one, with its evidence and audit trail
    POST /api/v1/assessments                          {org, date, framework?, reason}
    POST /api/v1/assessments/{id}/scores              {scores: {statement: 3}, reason} (or
                                                       {statement: {category: 3}} before Dec 2024)
    POST /api/v1/assessments/{id}/overrides           {subject, rating, reason}
    POST /api/v1/assessments/{id}/evidence            {statement, category, source, summary,
                                                       date, reference?, reason}
    POST /api/v1/assessments/{id}/{submit|publish|return|revise}   {reason}
    GET  /api/v1/equity?period=YYYY-MM                the national Equity in access view

Changes need `Authorization: Bearer <token>` (401 otherwise); 403 when the token's role may not
make the change (a cqc token edits only its own drafts and never moderates them), 404 for an
unknown id, 409 for a move the states do not allow, 422 for bad input. Without a token a GET
shows published assessments only. The rules are oversight.judge.assessment's; this module only
translates. The equity view reads the stored measures; it never computes them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar

from fastapi import HTTPException, Request
from pydantic import BaseModel, Field

from oversight.catalogue import load as load_catalogue
from oversight.judge.assessment import workflow as wf
from oversight.judge.assessment.evidence import Evidence
from oversight.publish.web.bearer import principal_of
from oversight.publish.web.views.api_viewer import ViewerDep

if TYPE_CHECKING:
    from sqlalchemy import Engine


T = TypeVar("T")
MOVES = {"submit": "moderation", "publish": "published", "return": "draft"}


class StartIn(BaseModel):
    org: str
    date: dt.date = Field(description="assessment date (picks the scoring method)")
    framework: str = "cqc_ics"
    reason: str


class ScoresIn(BaseModel):
    scores: dict[str, int | dict[str, int]]
    reason: str


class OverrideIn(BaseModel):
    subject: str = Field(description="a theme id, or overall")
    rating: str
    reason: str


class EvidenceIn(BaseModel):
    statement: str
    category: str
    source: str
    summary: str
    date: dt.date
    reference: dict[str, Any] = Field(default_factory=dict)
    reason: str


class ReasonIn(BaseModel):
    reason: str


def _engine(request: Request) -> Engine:
    return request.app.state.home.database()


def _answer(action: Callable[[], T]) -> T:
    """The library's refusals as HTTP statuses."""
    try:
        return action()
    except wf.AssessmentRefused as error:
        raise HTTPException(403, str(error)) from None
    except wf.NotFound as error:
        raise HTTPException(404, str(error)) from None
    except wf.IllegalMove as error:
        raise HTTPException(409, str(error)) from None
    except (wf.AssessmentError, ValueError) as error:
        raise HTTPException(422, str(error)) from None


def list_assessments(request: Request, org: str | None = None,
                     status: str | None = None) -> dict[str, Any]:  # fmt: skip
    """Assessments the caller may read (published only without a token)."""
    engine = _engine(request)
    who = principal_of(request, engine, required=False)
    views = _answer(lambda: wf.listing(engine, who, org=org.upper() if org else None,
                                       status=status))  # fmt: skip
    return {"assessments": [v.to_json() for v in views]}


def get_assessment(request: Request, assessment_id: str) -> dict[str, Any]:
    """One assessment with its evidence, result and audit trail."""
    engine = _engine(request)
    who = principal_of(request, engine, required=False)
    return _answer(lambda: wf.show(engine, who, assessment_id)).to_json()


def start(request: Request, body: StartIn) -> dict[str, Any]:
    """Start a draft (a cqc or admin token, who becomes its assessor)."""
    engine = _engine(request)
    who = principal_of(request, engine, required=True)
    assert who is not None
    return _answer(lambda: wf.start(engine, who, org=body.org, assessed_on=body.date,
                                     reason=body.reason, framework=body.framework,
                                     catalogue=load_catalogue())).to_json()  # fmt: skip


def scores(request: Request, assessment_id: str, body: ScoresIn) -> dict[str, Any]:
    """Score quality statements of your own draft."""
    engine = _engine(request)
    who = principal_of(request, engine, required=True)
    assert who is not None
    return _answer(lambda: wf.score(engine, who, assessment_id, body.scores,
                                    reason=body.reason)).to_json()  # fmt: skip


def overrides(request: Request, assessment_id: str, body: OverrideIn) -> dict[str, Any]:
    """A professional-judgement rating for a theme or overall, with its reason."""
    engine = _engine(request)
    who = principal_of(request, engine, required=True)
    assert who is not None
    return _answer(lambda: wf.set_override(engine, who, assessment_id, body.subject,
                                           body.rating, reason=body.reason)).to_json()  # fmt: skip


def evidence(request: Request, assessment_id: str, body: EvidenceIn) -> dict[str, Any]:
    """Attach an evidence item to your own draft."""
    engine = _engine(request)
    who = principal_of(request, engine, required=True)
    assert who is not None
    item = Evidence(body.statement, body.category, body.source, body.summary, body.date,
                    body.reference)  # fmt: skip
    return _answer(lambda: wf.add_evidence(engine, who, assessment_id, item,
                                           reason=body.reason)).to_json()  # fmt: skip


def act(request: Request, assessment_id: str, action: str, body: ReasonIn) -> dict[str, Any]:
    """submit, publish, return (a move) or revise (a new version of a published one)."""
    engine = _engine(request)
    who = principal_of(request, engine, required=True)
    assert who is not None
    if action == "revise":
        return _answer(lambda: wf.revise(engine, who, assessment_id,
                                         reason=body.reason)).to_json()  # fmt: skip
    if action not in MOVES:
        raise HTTPException(404, f"no action {action!r} (submit, publish, return or revise)")
    return _answer(lambda: wf.move(engine, who, assessment_id, MOVES[action],
                                   reason=body.reason)).to_json()  # fmt: skip


def equity(request: Request, who: ViewerDep, period: str | None = None) -> dict[str, Any]:
    """Every ICS side by side for Equity in access, from the stored measures the caller may
    see (a measure whose 12 months end in a month under embargo is held back like its
    figures; oversight.publish.access)."""
    from oversight.judge.assessment import national
    from oversight.publish.web.views.equity import equity_table

    try:
        table, month, _ = equity_table(request.app.state.home, period, who)
    except (FileNotFoundError, LookupError) as error:
        raise HTTPException(404, str(error)) from None
    except ValueError as error:
        raise HTTPException(422, str(error)) from None
    return {"period": f"{month:%Y-%m}", "statement": "equity_in_access",
            "organisations": national.as_json(table)}  # fmt: skip


ROUTES: list[tuple[str, str, Callable[..., Any], str]] = [
    ("GET", "/api/v1/assessments", list_assessments, "api_assessments"),
    ("GET", "/api/v1/assessments/{assessment_id}", get_assessment, "api_assessment"),
    ("POST", "/api/v1/assessments", start, "api_assessment_start"),
    ("POST", "/api/v1/assessments/{assessment_id}/scores", scores, "api_assessment_scores"),
    ("POST", "/api/v1/assessments/{assessment_id}/overrides", overrides,
     "api_assessment_overrides"),
    ("POST", "/api/v1/assessments/{assessment_id}/evidence", evidence, "api_assessment_evidence"),
    ("POST", "/api/v1/assessments/{assessment_id}/{action}", act, "api_assessment_action"),
    ("GET", "/api/v1/equity", equity, "api_equity"),
]  # fmt: skip
