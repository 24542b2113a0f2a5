"""Assessments in the operational database: start, score, override, add evidence, send to
moderation, publish or return, start a new version; read them back.

The edge around the pure modules: `access` decides who may act and which moves are legal,
`result.evaluate` computes the ratings. Every change writes an AuditEvent in the same
transaction (actor, time, what, and the mandatory reason). A published row is never updated.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from oversight.judge.assessment import access
from oversight.judge.assessment import framework as fw
from oversight.judge.assessment.access import DRAFT, MODERATION, PUBLISHED
from oversight.judge.assessment.evidence import Evidence
from oversight.judge.assessment.result import check_scores, evaluate
from oversight.judge.assessment.scoring import OVERALL
from oversight.store import database
from oversight.store.assessment_models import Assessment, EvidenceItem
from oversight.store.models import AuditEvent, utcnow


class AssessmentError(ValueError):
    """A change refused for its input (unknown assessment, missing reason…); nothing stored."""


class AssessmentRefused(PermissionError):
    """A change or read the actor's role does not allow; nothing is stored."""


class NotFound(AssessmentError):
    """No assessment has that id."""


class IllegalMove(AssessmentError):
    """A move the states do not allow from where the assessment is (the message names the
    allowed ones)."""


@dataclass(frozen=True)
class AssessmentView:
    """An assessment as read back, with its evidence, its result and (on show) its audit."""

    id: str
    org: str
    framework: str
    framework_version: str
    method: str
    assessed_on: dt.date
    version: int
    status: str
    assessor: str
    supersedes: str | None
    scores: dict[str, Any]
    overrides: dict[str, Any]
    result: dict[str, Any]
    published_at: dt.datetime | None
    evidence: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)

    @property
    def overall(self) -> str | None:
        overall = self.result.get("overall")
        return None if not overall else str(overall["rating"])

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id, "org": self.org, "framework": self.framework,
            "framework_version": self.framework_version, "method": self.method,
            "assessed_on": self.assessed_on.isoformat(), "version": self.version,
            "status": self.status, "assessor": self.assessor, "supersedes": self.supersedes,
            "scores": self.scores, "overrides": self.overrides, "result": self.result,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "evidence": self.evidence, "audit": self.audit,
        }  # fmt: skip


def _framework(framework_id: str) -> fw.Framework:
    for name in fw.FRAMEWORKS.values():
        found = fw.packaged(name)
        if found.id == framework_id:
            return found
    known = ", ".join(fw.packaged(n).id for n in fw.FRAMEWORKS.values())
    raise AssessmentError(f"unknown framework {framework_id!r} (known: {known})")


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise AssessmentError("a reason is needed for every change to an assessment (--reason)")
    return text


def _refuse(refusal: str | None) -> None:
    if refusal:
        raise AssessmentRefused(refusal)


def _audit(s: Session, actor: access.Actor, action: str, row: Assessment, reason: str,
           **detail: Any) -> None:  # fmt: skip
    s.add(AuditEvent(actor=f"token:{actor.name}", action=f"assessment.{action}", subject=row.id,
                     detail={"reason": reason, "role": actor.role, "org": row.org_code,
                             "version": row.version, **detail}))  # fmt: skip


def _get(s: Session, assessment_id: str, lock: bool = False) -> Assessment:
    row = s.get(Assessment, assessment_id, with_for_update=lock)
    if row is None:
        raise NotFound(
            f"there is no assessment {assessment_id!r} (oversight assess list shows them)"
        )
    return row


def start(
    engine: Engine, actor: access.Actor, *, org: str, assessed_on: dt.date, reason: str,
    framework: str = "cqc_ics", method: str | None = None, catalogue: Any = None,
) -> AssessmentView:  # fmt: skip
    """A new draft (version 1) of `org`'s assessment, by `actor` as its assessor."""
    from oversight.judge.assessment import organisations

    _refuse(access.start_refusal(actor))
    why = _reason(reason)
    fwk = _framework(framework)
    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
    try:
        org = organisations.check(fwk, org, catalogue)
    except ValueError as error:
        raise AssessmentError(str(error)) from None
    how = method or fwk.method_on(assessed_on)
    if how not in fw.METHODS:
        raise AssessmentError(f"method {how!r} is not one of {', '.join(fw.METHODS)}")
    with database.session(engine) as s:
        earlier = s.scalars(select(Assessment).where(
            Assessment.org_code == org, Assessment.framework == fwk.id)).all()  # fmt: skip
        if earlier:
            latest = max(earlier, key=lambda r: r.version)
            then = "use assess revise" if latest.status == PUBLISHED else "work on that one"
            raise AssessmentError(
                f"{org} already has assessment {latest.id} (version {latest.version}, "
                f"{latest.status}): {then}"
            )
        row = Assessment(
            id=uuid.uuid4().hex[:16], org_code=org, framework=fwk.id,
            framework_version=fwk.version, method=how, assessed_on=assessed_on, version=1,
            status=DRAFT, assessor=actor.name, scores={}, overrides={}, result={},
        )  # fmt: skip
        s.add(row)
        s.flush()
        _audit(s, actor, "start", row, why, framework=fwk.id, method=how)
        return _view(s, row)


def _editable(s: Session, actor: access.Actor, assessment_id: str) -> Assessment:
    row = _get(s, assessment_id, lock=True)
    _refuse(access.edit_refusal(actor, row.status, row.assessor))
    return row


def score(
    engine: Engine, actor: access.Actor, assessment_id: str, scores: Mapping[str, Any], *,
    reason: str,
) -> AssessmentView:  # fmt: skip
    """Set quality statement scores on a draft (merged into those already there)."""
    why = _reason(reason)
    with database.session(engine) as s:
        row = _editable(s, actor, assessment_id)
        fwk = _framework(row.framework)
        merged = {**row.scores, **scores}
        try:
            check_scores(merged, fwk)
            evaluate(merged, row.method, fwk, row.overrides)  # refuses bad scores now
        except ValueError as error:
            raise AssessmentError(str(error)) from None
        row.scores, row.updated_at = merged, utcnow()
        _audit(s, actor, "score", row, why, scores=dict(scores))
        return _view(s, row)


def set_override(
    engine: Engine, actor: access.Actor, assessment_id: str, subject: str, rating: str, *,
    reason: str,
) -> AssessmentView:  # fmt: skip
    """A professional-judgement rating for a theme (or "overall") of a draft; its reason is
    the change's reason and is shown with the rating."""
    why = _reason(reason)
    with database.session(engine) as s:
        row = _editable(s, actor, assessment_id)
        fwk = _framework(row.framework)
        if subject != OVERALL and subject not in fwk.themes:
            raise AssessmentError(
                f"{subject!r} is not a theme of {fwk.id} ({', '.join([*fwk.themes, OVERALL])})"
            )
        if rating not in fwk.ratings:
            raise AssessmentError(f"{rating!r} is not a rating ({', '.join(fwk.ratings)})")
        row.overrides = {**row.overrides, subject: {"rating": rating, "reason": why,
                                                    "by": actor.name}}  # fmt: skip
        row.updated_at = utcnow()
        _audit(s, actor, "override", row, why, subject=subject, rating=rating)
        return _view(s, row)


def add_evidence(
    engine: Engine, actor: access.Actor, assessment_id: str, item: Evidence, *, reason: str
) -> AssessmentView:
    """Attach an evidence item to a draft (checked against its framework)."""
    why = _reason(reason)
    with database.session(engine) as s:
        row = _editable(s, actor, assessment_id)
        try:
            item.check(_framework(row.framework))
        except ValueError as error:
            raise AssessmentError(str(error)) from None
        s.add(EvidenceItem(assessment_id=row.id, **item.columns(default_assessor=actor.name)))
        row.updated_at = utcnow()
        _audit(s, actor, "evidence", row, why, statement=item.statement, source=item.source)
        return _view(s, row)


def move(engine: Engine, actor: access.Actor, assessment_id: str, to: str, *,
         reason: str) -> AssessmentView:  # fmt: skip
    """Send to moderation, publish, or return to draft. Publishing stores the ratings."""
    why = _reason(reason)
    with database.session(engine) as s:
        row = _get(s, assessment_id, lock=True)
        if illegal := access.illegal_move(row.status, to):
            raise IllegalMove(illegal)
        _refuse(access.move_refusal(actor, row.status, to, row.assessor))
        if to == MODERATION and not row.scores:
            raise AssessmentError("score at least one quality statement before moderation")
        before = row.status
        if to == PUBLISHED:
            row.result = evaluate(row.scores, row.method, _framework(row.framework), row.overrides)
            row.published_at = utcnow()
        row.status, row.updated_at = to, utcnow()
        _audit(s, actor, to, row, why, before=before,
               overall=(row.result.get("overall") or {}).get("rating"))  # fmt: skip
        return _view(s, row)


def revise(engine: Engine, actor: access.Actor, assessment_id: str, *,
           reason: str) -> AssessmentView:  # fmt: skip
    """A new draft version that supersedes a published one (scores, overrides and evidence
    copied), by `actor` as its assessor. The published version is left as it is."""
    _refuse(access.start_refusal(actor))
    why = _reason(reason)
    with database.session(engine) as s:
        old = _get(s, assessment_id)
        if old.status != PUBLISHED:
            raise IllegalMove(f"assessment {old.id} is in {old.status}: edit it instead")
        newer = s.scalars(select(Assessment).where(Assessment.supersedes == old.id)).first()
        if newer is not None:
            raise IllegalMove(f"{old.id} is already superseded by {newer.id}")
        row = Assessment(
            id=uuid.uuid4().hex[:16], org_code=old.org_code, framework=old.framework,
            framework_version=_framework(old.framework).version, method=old.method,
            assessed_on=old.assessed_on, version=old.version + 1, status=DRAFT,
            assessor=actor.name, supersedes=old.id, scores=dict(old.scores),
            overrides=dict(old.overrides), result={},
        )  # fmt: skip
        s.add(row)
        s.flush()
        for e in s.scalars(select(EvidenceItem).where(EvidenceItem.assessment_id == old.id)):
            s.add(EvidenceItem(
                assessment_id=row.id, statement_id=e.statement_id, category_id=e.category_id,
                source=e.source, reference=dict(e.reference), observed_on=e.observed_on,
                assessor=e.assessor, summary=e.summary,
            ))  # fmt: skip
        _audit(s, actor, "revise", row, why, supersedes=old.id)
        return _view(s, row)


def _view(s: Session, row: Assessment, with_audit: bool = False) -> AssessmentView:
    evidence = [
        {"id": e.id, "statement": e.statement_id, "category": e.category_id, "source": e.source,
         "reference": e.reference, "date": e.observed_on.isoformat(), "assessor": e.assessor,
         "summary": e.summary}
        for e in s.scalars(select(EvidenceItem).where(EvidenceItem.assessment_id == row.id)
                           .order_by(EvidenceItem.id))
    ]  # fmt: skip
    trail = []
    if with_audit:
        trail = [
            {"at": a.at.isoformat(), "actor": a.actor, "action": a.action, **a.detail}
            for a in s.scalars(select(AuditEvent).where(AuditEvent.subject == row.id)
                               .order_by(AuditEvent.id))
        ]  # fmt: skip
    return AssessmentView(
        row.id, row.org_code, row.framework, row.framework_version, row.method,
        row.assessed_on, row.version, row.status, row.assessor, row.supersedes,
        dict(row.scores), dict(row.overrides), dict(row.result), row.published_at,
        evidence, trail,
    )  # fmt: skip


def show(engine: Engine, actor: access.Actor | None, assessment_id: str) -> AssessmentView:
    """One assessment with its evidence and audit trail (drafts only for cqc and admin)."""
    with database.session(engine) as s:
        row = _get(s, assessment_id)
        _refuse(access.read_refusal(actor, row.status))
        return _view(s, row, with_audit=True)


def listing(
    engine: Engine, actor: access.Actor | None, *, org: str | None = None,
    status: str | None = None,
) -> list[AssessmentView]:  # fmt: skip
    """Assessments the actor may read, by organisation and version."""
    if status is not None and status not in access.STATES:
        raise AssessmentError(f"status {status!r} is not one of {', '.join(access.STATES)}")
    with database.session(engine) as s:
        query = select(Assessment).order_by(Assessment.org_code, Assessment.version)
        if org is not None:
            query = query.where(Assessment.org_code == org)
        if status is not None:
            query = query.where(Assessment.status == status)
        rows = [r for r in s.scalars(query) if access.read_refusal(actor, r.status) is None]
        return [_view(s, r) for r in rows]


def published_ratings(engine: Engine, framework: str = "cqc_ics") -> dict[str, str]:
    """Each organisation's overall rating in its latest published version."""
    with database.session(engine) as s:
        rows = s.scalars(select(Assessment).where(
            Assessment.status == PUBLISHED, Assessment.framework == framework)).all()  # fmt: skip
        latest: dict[str, Assessment] = {}
        for r in rows:
            if r.org_code not in latest or r.version > latest[r.org_code].version:
                latest[r.org_code] = r
        out = {}
        for org, r in sorted(latest.items()):
            overall = (r.result or {}).get("overall")
            if overall:
                out[org] = str(overall["rating"])
        return out
