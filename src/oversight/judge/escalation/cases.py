"""Escalation cases in the operational database: open, advance, close, read, evaluate.

The edge around the pure modules: `access` decides who may act, `states` which moves are
legal, `criteria` whether exit criteria hold. Every change writes an AuditEvent in the same
transaction (actor, time, what, and the mandatory reason in its detail).
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from oversight.judge.escalation import access, states
from oversight.judge.escalation.criteria import ExitCriterion
from oversight.judge.escalation.triggers import Trigger
from oversight.store import database
from oversight.store.models import (
    AuditEvent,
    CaseAction,
    CaseExitCriterion,
    EscalationCase,
    utcnow,
)

SYSTEM = "system"
"""The actor of changes the platform makes itself (exit criteria met, triggers that open)."""


class CaseError(ValueError):
    """A change refused for its input (unknown case, missing reason...); nothing is stored."""


class CaseRefused(PermissionError):
    """A change or read the actor's role does not allow; nothing is stored."""


class Actor(access.Actor, Protocol):
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class System:
    """The platform acting on its own (evaluate, triggers configured to open cases)."""

    name: str = SYSTEM
    role: str = SYSTEM
    org_code: str | None = None


@dataclass(frozen=True)
class Action:
    """An action to agree on a case: what, who, by when."""

    text: str
    owner: str
    due: dt.date
    done: bool = False

    @classmethod
    def parse(cls, text: str) -> Action:
        """`what|owner|YYYY-MM-DD`."""
        parts = [p.strip() for p in text.split("|")]
        try:
            if len(parts) != 3 or not parts[0] or not parts[1]:
                raise ValueError
            return cls(parts[0], parts[1], dt.date.fromisoformat(parts[2]))
        except ValueError:
            raise CaseError(
                f"action {text!r} must look like 'what|owner|2027-03-31' (text, owner, due date)"
            ) from None


@dataclass(frozen=True)
class CaseView:
    """A case as read back: its fields, actions, exit criteria and (on show) its audit trail."""

    id: str
    org: str
    state: str
    owner: str
    summary: str
    triggers: list[dict[str, str]]
    opened_at: dt.datetime
    opened_by: str
    updated_at: dt.datetime
    actions: list[dict[str, Any]] = field(default_factory=list)
    criteria: list[dict[str, Any]] = field(default_factory=list)
    audit: list[dict[str, Any]] = field(default_factory=list)

    @property
    def allowed(self) -> tuple[str, ...]:
        return states.allowed(self.state)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "org": self.org,
            "state": self.state,
            "allowed_next": list(self.allowed),
            "owner": self.owner,
            "summary": self.summary,
            "triggers": self.triggers,
            "opened_at": self.opened_at.isoformat(),
            "opened_by": self.opened_by,
            "updated_at": self.updated_at.isoformat(),
            "actions": self.actions,
            "exit_criteria": self.criteria,
            "audit": self.audit,
        }


def _actor_name(actor: Actor) -> str:
    return actor.name if actor.name == SYSTEM else f"token:{actor.name}"


def _reason(reason: str | None) -> str:
    text = (reason or "").strip()
    if not text:
        raise CaseError("a reason is needed for every change to a case (--reason)")
    return text


def _may_change(actor: Actor) -> None:
    refusal = access.change_refusal(actor)
    if refusal:
        raise CaseRefused(refusal)


def _audit(s: Session, actor: Actor, action: str, case_id: str, reason: str, **detail: Any) -> None:
    s.add(
        AuditEvent(
            actor=_actor_name(actor),
            action=action,
            subject=case_id,
            detail={"reason": reason, "role": actor.role, **detail},
        )
    )


def _get(s: Session, case_id: str, lock: bool = False) -> EscalationCase:
    """The case row; `lock` holds it (PostgreSQL FOR UPDATE) so two changes cannot both start
    from the same state."""
    row = s.get(EscalationCase, case_id, with_for_update=lock)
    if row is None:
        raise CaseError(f"there is no case {case_id!r} (oversight case list shows them)")
    return row


def open_case(
    engine: Engine,
    actor: Actor,
    *,
    org: str,
    triggers: Sequence[Trigger],
    owner: str,
    summary: str,
    reason: str,
    actions: Sequence[Action] = (),
    criteria: Sequence[ExitCriterion] = (),
) -> CaseView:
    """Open a case in state 'identified'. The caller checks the organisation code."""
    _may_change(actor)
    why = _reason(reason)
    if not triggers:
        raise CaseError(
            "a case needs at least one trigger (segment, spc_concern, cqc_inadequate or manual)"
        )
    if not owner.strip():
        raise CaseError("a case needs an owner (--owner)")
    if not summary.strip():
        raise CaseError("a case needs a public summary (--summary)")
    case_id = f"case-{uuid.uuid4().hex[:12]}"
    with database.session(engine) as s:
        s.add(
            EscalationCase(
                id=case_id,
                org_code=org,
                state=states.IDENTIFIED,
                owner=owner.strip(),
                summary=summary.strip(),
                triggers=[{"kind": t.kind, "detail": t.detail} for t in triggers],
                opened_by=_actor_name(actor),
            )
        )
        s.flush()
        for a in actions:
            s.add(CaseAction(case_id=case_id, text=a.text, owner=a.owner, due=a.due, done=a.done))
        for c in criteria:
            s.add(
                CaseExitCriterion(
                    case_id=case_id,
                    metric_id=c.metric,
                    comparison=c.comparison,
                    threshold=c.threshold,
                    periods=c.periods,
                )
            )
        _audit(
            s,
            actor,
            "case.open",
            case_id,
            why,
            org=org,
            state=states.IDENTIFIED,
            owner=owner.strip(),
            summary=summary.strip(),
            triggers=[t.kind for t in triggers],
            actions=[f"{a.text} ({a.owner}, due {a.due})" for a in actions],
            exit_criteria=[c.describe() for c in criteria],
        )
    return show(engine, actor, case_id)


def move(engine: Engine, actor: Actor, case_id: str, to: str, *, reason: str) -> CaseView:
    """Move a case to state `to` if the transition is legal (states.TRANSITIONS)."""
    _may_change(actor)
    why = _reason(reason)
    with database.session(engine) as s:
        transition(s, actor, _get(s, case_id, lock=True), to, why)
    return show(engine, actor, case_id)


def transition(s: Session, actor: Actor, row: EscalationCase, to: str, reason: str) -> None:
    """Change `row`'s state inside the caller's transaction, audited; TransitionError if the
    move is not legal. Role checks are the caller's (the system itself calls this)."""
    states.check(row.state, to)
    before = row.state
    row.state = to
    row.updated_at = utcnow()
    _audit(s, actor, "case.state", row.id, reason, org=row.org_code, **{"from": before, "to": to})


def advance(
    engine: Engine, actor: Actor, case_id: str, *, reason: str, to: str | None = None
) -> CaseView:
    """Move a case one step forward (or to `to`)."""
    with database.session(engine) as s:
        current = _get(s, case_id).state
    return move(engine, actor, case_id, to or states.next_state(current), reason=reason)


def close(engine: Engine, actor: Actor, case_id: str, *, reason: str) -> CaseView:
    """Close a case (legal from identified, diagnostic and exit criteria met)."""
    return move(engine, actor, case_id, states.CLOSED, reason=reason)


def set_action_done(
    engine: Engine, actor: Actor, case_id: str, action_id: int, *, reason: str, done: bool = True
) -> CaseView:
    """Mark one of a case's actions done (or not done again)."""
    _may_change(actor)
    why = _reason(reason)
    with database.session(engine) as s:
        _get(s, case_id)
        action = s.get(CaseAction, action_id)
        if action is None or action.case_id != case_id:
            raise CaseError(f"case {case_id} has no action {action_id}")
        action.done = done
        _audit(s, actor, "case.action", case_id, why, action_id=action_id, done=done)
    return show(engine, actor, case_id)


def add_action(
    engine: Engine, actor: Actor, case_id: str, action: Action, *, reason: str
) -> CaseView:
    """Add an action (what, owner, due date) to a case that is not closed, audited."""
    _may_change(actor)
    why = _reason(reason)
    with database.session(engine) as s:
        row = _get(s, case_id, lock=True)
        _open(row)
        added = CaseAction(
            case_id=case_id, text=action.text, owner=action.owner, due=action.due, done=False
        )
        s.add(added)
        s.flush()
        row.updated_at = utcnow()
        _audit(
            s,
            actor,
            "case.action.add",
            case_id,
            why,
            action_id=added.id,
            added_action=f"{action.text} ({action.owner}, due {action.due})",
        )
    return show(engine, actor, case_id)


def add_criterion(
    engine: Engine, actor: Actor, case_id: str, criterion: ExitCriterion, *, reason: str
) -> CaseView:
    """Add an exit criterion to a case that is not closed, audited; the next evaluation (every
    recompute) checks it."""
    _may_change(actor)
    why = _reason(reason)
    with database.session(engine) as s:
        row = _get(s, case_id, lock=True)
        _open(row)
        added = CaseExitCriterion(
            case_id=case_id,
            metric_id=criterion.metric,
            comparison=criterion.comparison,
            threshold=criterion.threshold,
            periods=criterion.periods,
        )
        s.add(added)
        s.flush()
        row.updated_at = utcnow()
        _audit(
            s,
            actor,
            "case.exit.add",
            case_id,
            why,
            criterion_id=added.id,
            exit_criterion=criterion.describe(),
        )
    return show(engine, actor, case_id)


def _open(row: EscalationCase) -> None:
    if row.state == states.CLOSED:
        raise CaseError(f"case {row.id} is closed: nothing more can be added to it")


def view(s: Session, row: EscalationCase, with_audit: bool) -> CaseView:
    actions = s.scalars(
        select(CaseAction).where(CaseAction.case_id == row.id).order_by(CaseAction.id)
    )
    crits = s.scalars(
        select(CaseExitCriterion)
        .where(CaseExitCriterion.case_id == row.id)
        .order_by(CaseExitCriterion.id)
    )
    audit = []
    if with_audit:
        events = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject == row.id)
            .order_by(AuditEvent.at, AuditEvent.id)
        )
        audit = [
            {**e.detail, "at": e.at.isoformat(), "actor": e.actor, "action": e.action}
            for e in events
        ]
    return CaseView(
        id=row.id,
        org=row.org_code,
        state=row.state,
        owner=row.owner,
        summary=row.summary,
        triggers=list(row.triggers),
        opened_at=row.opened_at,
        opened_by=row.opened_by,
        updated_at=row.updated_at,
        actions=[
            {"id": a.id, "text": a.text, "owner": a.owner, "due": a.due.isoformat(), "done": a.done}
            for a in actions
        ],
        criteria=[
            {
                "id": c.id,
                "metric": c.metric_id,
                "comparison": c.comparison,
                "threshold": c.threshold,
                "periods": c.periods,
                "months_met": c.run,
                "through": c.through,
                "met": None if c.run is None else c.run >= c.periods,
            }
            for c in crits
        ],
        audit=audit,
    )


def audit(s: Session, actor: Actor, action: str, case_id: str, reason: str, **detail: Any) -> None:
    """Record one change to a case (public for the system's own changes)."""
    _audit(s, actor, action, case_id, _reason(reason), **detail)


def show(engine: Engine, actor: Actor, case_id: str) -> CaseView:
    """One case with its audit trail, if the actor may read it."""
    with database.session(engine) as s:
        row = _get(s, case_id)
        refusal = access.read_refusal(actor, row.org_code)
        if refusal:
            raise CaseRefused(refusal)
        return view(s, row, with_audit=True)


def listing(
    engine: Engine, actor: Actor, *, org: str | None = None, state: str | None = None
) -> list[CaseView]:
    """The cases the actor may read (an ICB token: its own), optionally by org and state."""
    if state is not None and state not in states.STATES:
        raise CaseError(
            f"{state!r} is not a case state; the states are "
            + ", ".join(repr(x) for x in states.STATES)
        )
    if org is not None:
        refusal = access.read_refusal(actor, org)
        if refusal:
            raise CaseRefused(refusal)
    query = select(EscalationCase).order_by(EscalationCase.opened_at, EscalationCase.id)
    if org is not None:
        query = query.where(EscalationCase.org_code == org)
    if state is not None:
        query = query.where(EscalationCase.state == state)
    with database.session(engine) as s:
        return [
            view(s, row, with_audit=False)  # one query per case: fine for tens of cases
            for row in s.scalars(query)
            if access.read_refusal(actor, row.org_code) is None
        ]


def open_org_cases(engine: Engine) -> set[str]:
    """Organisations with a case that is not closed (triggers do not open a second one)."""
    with database.session(engine) as s:
        query = select(EscalationCase.org_code).where(EscalationCase.state != states.CLOSED)
        return set(s.scalars(query))
