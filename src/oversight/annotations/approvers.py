"""The approver register: which API token is an ICB's named rebase approver.

NHS England (an nhse or admin token) appoints and removes them, with a reason, audited like
every other change (subject: the entry's id). An entry names one live submitter token of that
ICB; removing it keeps the row (removed_at) so the register's history stays readable.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from oversight.annotations.records import (
    Actor,
    NotFound,
    RecordError,
    Refused,
    audit,
    plain,
    reason_text,
    trail,
)
from oversight.judge.authority import NATIONAL_ROLES
from oversight.store import database
from oversight.store.annotation_models import RebaseApprover
from oversight.store.models import Token, utcnow


@dataclass(frozen=True)
class ApproverView:
    id: str
    icb: str
    token_id: str
    name: str
    appointed_by: str
    appointed_at: dt.datetime
    removed_at: dt.datetime | None
    audit: list[dict[str, Any]]

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "icb": self.icb,
            "token_id": self.token_id,
            "name": self.name,
            "appointed_by": self.appointed_by,
            "appointed_at": self.appointed_at.isoformat(),
            "removed_at": None if self.removed_at is None else self.removed_at.isoformat(),
            "audit": self.audit,
        }


def _national(actor: Actor) -> None:
    if actor.role not in NATIONAL_ROLES:
        raise Refused(
            "named rebase approvers are appointed by NHS England: only an nhse or admin token "
            f"may change the register, and this token speaks for {actor.org_code}"
        )


def _view(s: Session, row: RebaseApprover) -> ApproverView:
    return ApproverView(
        row.id, row.icb_code, row.token_id, row.name, row.appointed_by, row.appointed_at,
        row.removed_at, trail(s, row.id),
    )


def appoint(engine: Engine, actor: Actor, *, icb: str, token_id: str, reason: str) -> ApproverView:
    """Name the submitter token `token_id` of `icb` as one of its rebase approvers."""
    _national(actor)
    reason = reason_text(reason, "appoint a rebase approver")
    plain(icb, token_id)
    with database.session(engine) as s:
        token = s.get(Token, token_id)
        if token is None or token.revoked_at is not None:
            raise RecordError(
                f"there is no live token {token_id!r} (oversight token list shows their ids)"
            )
        if token.role != "submitter" or token.org_code != icb:
            raise RecordError(
                f"token {token_id} ({token.name}) is a {token.role} token of "
                f"{token.org_code or 'no ICB'}: a named approver is one of {icb}'s own "
                "submitter tokens"
            )
        if is_named(s, icb, token_id):
            raise RecordError(f"token {token_id} is already a named approver of {icb}")
        row = RebaseApprover(
            id=f"apr-{uuid.uuid4().hex[:12]}",
            icb_code=icb,
            token_id=token_id,
            name=token.name,
            appointed_by=f"token:{actor.name}",
        )
        s.add(row)
        s.flush()
        audit(s, actor, "rebase_approver.appoint", row.id, reason, icb=icb, token_id=token_id,
              name=token.name)
        return _view(s, row)


def remove(engine: Engine, actor: Actor, approver_id: str, *, reason: str) -> ApproverView:
    """Take an entry off the register (kept, with the time it was removed)."""
    _national(actor)
    reason = reason_text(reason, "remove a rebase approver")
    with database.session(engine) as s:
        row = s.get(RebaseApprover, approver_id, with_for_update=True)
        if row is None:
            raise NotFound(
                f"there is no approver entry {approver_id!r} (oversight rebase approver list)"
            )
        if row.removed_at is not None:
            raise RecordError(f"approver entry {approver_id} was already removed")
        row.removed_at = utcnow()
        audit(s, actor, "rebase_approver.remove", row.id, reason, icb=row.icb_code,
              token_id=row.token_id)
        return _view(s, row)


def is_named(s: Session, icb: str, token_id: str) -> bool:
    """Whether the token is, now, a named rebase approver of `icb`."""
    found = s.scalar(
        select(RebaseApprover.id).where(
            RebaseApprover.icb_code == icb,
            RebaseApprover.token_id == token_id,
            RebaseApprover.removed_at.is_(None),
        )
    )
    return found is not None


def listing(engine: Engine, icb: str | None = None, current: bool = True) -> list[ApproverView]:
    """The register (its current entries, or every one with `current=False`)."""
    query = select(RebaseApprover).order_by(RebaseApprover.icb_code, RebaseApprover.appointed_at)
    if icb is not None:
        query = query.where(RebaseApprover.icb_code == icb)
    if current:
        query = query.where(RebaseApprover.removed_at.is_(None))
    with database.session(engine) as s:
        return [_view(s, row) for row in s.scalars(query)]
