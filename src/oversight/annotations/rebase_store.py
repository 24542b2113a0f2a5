"""SPC rebases in the operational database: propose, approve, reject, withdraw, reverse, read.

A rebase starts new SPC limits for a metric x organisation (every breakdown group of it) from
one month. `access` decides who may act, `lifecycle` which moves are legal; every change writes
an AuditEvent in its own transaction. Only approved rebases reach the statistics
(`approved_rebases`, read by the compute stage and recorded with each results version).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from oversight.annotations import access, approvers, lifecycle
from oversight.annotations.records import (
    Actor,
    NotFound,
    RecordError,
    Refused,
    SeriesOrg,
    actor_name,
    audit,
    metric_id,
    parse_day,
    reason_text,
    series_org,
    trail,
)
from oversight.judge.authority import NATIONAL_ROLES
from oversight.store import database
from oversight.store.annotation_models import Rebase
from oversight.store.models import utcnow

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

PUBLIC_STATES = (lifecycle.APPROVED, lifecycle.REVERSED)
"""What anyone may see; proposals, rejections and withdrawals only their ICB and NHS England."""

DECISIONS = {
    "approve": lifecycle.APPROVED,
    "reject": lifecycle.REJECTED,
    "withdraw": lifecycle.WITHDRAWN,
    "reverse": lifecycle.REVERSED,
}


@dataclass(frozen=True)
class RebaseView:
    """A rebase as read back, with its audit trail when shown on its own."""

    id: str
    metric: str
    org: str
    starts: dt.date
    reason: str
    state: str
    proposed_by: str
    proposed_at: dt.datetime
    decided_by: str | None
    decided_at: dt.datetime | None
    updated_at: dt.datetime
    audit: list[dict[str, Any]] = field(default_factory=list)

    @property
    def allowed(self) -> tuple[str, ...]:
        return lifecycle.allowed(self.state)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "metric": self.metric,
            "org": self.org,
            "starts": self.starts.isoformat()[:7],
            "reason": self.reason,
            "state": self.state,
            "allowed_next": list(self.allowed),
            "proposed_by": self.proposed_by,
            "proposed_at": self.proposed_at.isoformat(),
            "decided_by": self.decided_by,
            "decided_at": None if self.decided_at is None else self.decided_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
            "audit": self.audit,
        }


def _view(s: Session, row: Rebase, with_audit: bool = False) -> RebaseView:
    return RebaseView(
        row.id, row.metric_id, row.org_code, row.starts, row.reason, row.state, row.proposed_by,
        row.proposed_at, row.decided_by, row.decided_at, row.updated_at,
        trail(s, row.id) if with_audit else [],
    )


def _visible(actor: Actor | None, row: Rebase) -> bool:
    if row.state in PUBLIC_STATES:
        return True
    if actor is None:
        return False
    owner = SeriesOrg(row.org_code, row.org_type).owner
    return actor.role in NATIONAL_ROLES or actor.org_code == owner


def propose(
    engine: Engine,
    actor: Actor,
    catalogue: Catalogue,
    *,
    metric: str,
    org: str,
    starts: str | dt.date,
    reason: str,
) -> RebaseView:
    """Propose new limits for `metric` x `org` from the month of `starts`."""
    where = series_org(catalogue, org)
    metric = metric_id(catalogue, metric)
    refusal = access.change_refusal(actor, where.owner, "propose a rebase of")
    if refusal:
        raise Refused(refusal)
    why = reason_text(reason, "propose a rebase")
    month = parse_day(starts, "the rebase month").replace(day=1)
    with database.session(engine) as s:
        _no_twin(s, metric, where, month)
        row = Rebase(
            id=f"rb-{uuid.uuid4().hex[:12]}",
            metric_id=metric,
            org_type=where.level,
            org_code=where.code,
            starts=month,
            reason=why,
            state=lifecycle.PROPOSED,
            proposed_by=actor_name(actor),
            proposer_token=actor.token_id,
        )
        s.add(row)
        s.flush()
        audit(s, actor, "rebase.propose", row.id, why, metric=metric, org=where.code,
              starts=month.isoformat()[:7], state=lifecycle.PROPOSED)
        return _view(s, row, with_audit=True)


def _no_twin(s: Session, metric: str, where: SeriesOrg, month: dt.date) -> None:
    twin = s.scalar(
        select(Rebase.id).where(
            Rebase.metric_id == metric,
            Rebase.org_code == where.code,
            Rebase.starts == month,
            Rebase.state.in_(lifecycle.LIVE),
        )
    )
    if twin is not None:
        raise RecordError(
            f"{metric} for {where.code} already has rebase {twin} from {month.isoformat()[:7]}"
        )


def decide(
    engine: Engine, actor: Actor, rebase_id: str, decision: str, *, reason: str
) -> RebaseView:
    """approve, reject, withdraw or reverse a rebase, if the actor may and the move is legal."""
    if decision not in DECISIONS:
        raise RecordError(f"{decision!r} is not a decision; use one of {', '.join(DECISIONS)}")
    to = DECISIONS[decision]
    why = reason_text(reason, f"{decision} a rebase")
    with database.session(engine) as s:
        row = s.get(Rebase, rebase_id, with_for_update=True)
        if row is None or not _visible(actor, row):
            raise NotFound(f"there is no rebase {rebase_id!r} (oversight rebase list shows them)")
        owner = SeriesOrg(row.org_code, row.org_type).owner
        if decision == "withdraw":
            refusal = access.change_refusal(actor, owner, "withdraw a rebase of")
        else:
            named = owner is not None and approvers.is_named(s, owner, actor.token_id)
            refusal = access.decide_refusal(actor, owner, named_approver=named, decision=decision)
            if refusal is None and decision == "approve":
                refusal = access.self_approval_refusal(actor, row.proposer_token)
        if refusal:
            raise Refused(refusal)
        lifecycle.check(row.state, to)
        before, row.state, row.updated_at = row.state, to, utcnow()
        if to in (lifecycle.APPROVED, lifecycle.REJECTED):
            row.decided_by, row.decided_at = actor_name(actor), row.updated_at
        audit(s, actor, f"rebase.{decision}", row.id, why, metric=row.metric_id,
              org=row.org_code, starts=row.starts.isoformat()[:7], **{"from": before, "to": to})
        return _view(s, row, with_audit=True)


def show(engine: Engine, actor: Actor | None, rebase_id: str) -> RebaseView:
    """One rebase with its audit trail (NotFound when the actor may not see it)."""
    with database.session(engine) as s:
        row = s.get(Rebase, rebase_id)
        if row is None or not _visible(actor, row):
            raise NotFound(f"there is no rebase {rebase_id!r} (oversight rebase list shows them)")
        return _view(s, row, with_audit=True)


def rebases_for(
    engine: Engine,
    actor: Actor | None = None,
    *,
    metric: str | None = None,
    org: str | None = None,
    state: str | None = None,
) -> list[RebaseView]:
    """The rebases `actor` may see (None: the public, who see approved and reversed ones),
    optionally of one metric, organisation or state, in month order."""
    if state is not None:
        lifecycle.known(state)
    query = select(Rebase).order_by(Rebase.metric_id, Rebase.org_code, Rebase.starts, Rebase.id)
    if metric is not None:
        query = query.where(Rebase.metric_id == metric)
    if org is not None:
        query = query.where(Rebase.org_code == org.upper())
    if state is not None:
        query = query.where(Rebase.state == state)
    with database.session(engine) as s:
        return [_view(s, row) for row in s.scalars(query) if _visible(actor, row)]


def approved_rebases(engine: Engine) -> list[tuple[str, str, dt.date]]:
    """(metric, organisation, first month of the new limits) of every approved rebase, sorted:
    the input the statistics stage takes (and records with the results version)."""
    query = select(Rebase.metric_id, Rebase.org_code, Rebase.starts).where(
        Rebase.state == lifecycle.APPROVED
    )
    with database.session(engine) as s:
        return sorted((m, o, d) for m, o, d in s.execute(query))
