"""What annotation and rebase records share: their errors, the series they are about, dates,
reasons and the audit trail (one AuditEvent per change, in the change's own transaction)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from oversight.annotations import access
from oversight.annotations.access import SYSTEM
from oversight.store.models import AuditEvent

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

ENGLAND_CODE = "ENG"  # oversight.metrics.organisations.ENGLAND_CODE


class RecordError(ValueError):
    """Bad input (unknown metric, organisation, date, missing reason...); nothing is stored."""


class NotFound(LookupError):
    """No annotation, rebase or approver with that id."""


class Refused(PermissionError):
    """The actor's role does not allow the change; nothing is stored."""


class Actor(access.Actor, Protocol):
    @property
    def name(self) -> str: ...


@dataclass(frozen=True)
class SeriesOrg:
    """The organisation of a series: its code, level and owner (its ICB; None: NHS England)."""

    code: str
    level: str  # icb | region | england

    @property
    def owner(self) -> str | None:
        return self.code if self.level == "icb" else None


def series_org(catalogue: Catalogue, code: str) -> SeriesOrg:
    """The organisation `code` names, if results hold series for it (an ICB, a region or
    England); RecordError otherwise."""
    code = (code or "").strip().upper()
    if code == ENGLAND_CODE:
        return SeriesOrg(code, "england")
    if code in catalogue.regions:
        return SeriesOrg(code, "region")
    if code in catalogue.icbs or code in catalogue.merged_icbs:
        return SeriesOrg(code, "icb")
    raise RecordError(
        f"{code or '(none)'} is not an organisation with series: give an ICB code (e.g. QMJ), "
        f"a region code (e.g. Y56) or {ENGLAND_CODE} for England"
    )


def metric_id(catalogue: Catalogue, metric: str) -> str:
    """`metric` if the catalogue defines it; RecordError naming a few that exist otherwise."""
    if metric in catalogue.metrics:
        return metric
    some = ", ".join(sorted(catalogue.metrics)[:5])
    raise RecordError(f"the catalogue has no metric {metric!r} (metrics include {some}, ...)")


def parse_day(text: str | dt.date, what: str = "date") -> dt.date:
    """A day from 2024-06-15, or the first day of a month from 2024-06; RecordError otherwise."""
    if isinstance(text, dt.date):
        return text
    value = (text or "").strip()
    try:
        if len(value) == 7:
            return dt.date.fromisoformat(value + "-01")
        return dt.date.fromisoformat(value)
    except ValueError:
        raise RecordError(
            f"{what} {value or '(none)'!r} is not a date: write 2024-06-15, or 2024-06 for a month"
        ) from None


def plain(*values: str | None) -> None:
    """RecordError for text no database column can hold (PostgreSQL refuses NUL characters)."""
    if any(v is not None and "\x00" in v for v in values):
        raise RecordError("text may not contain NUL characters (\\x00)")


def reason_text(reason: str | None, what: str) -> str:
    """The stripped reason; RecordError when there is none (every change says why)."""
    plain(reason)
    text = (reason or "").strip()
    if not text:
        raise RecordError(f"a reason is needed to {what} (--reason)")
    if len(text) > 2000:
        raise RecordError(f"the reason is {len(text)} characters long; at most 2000 are kept")
    return text


def actor_name(actor: Actor) -> str:
    return actor.name if actor.role == SYSTEM else f"token:{actor.name}"


def audit(s: Session, actor: Actor, action: str, subject: str, reason: str, **detail: Any) -> None:
    """Record one change: who (token and role), when (now), what (action, detail) and why."""
    s.add(
        AuditEvent(
            actor=actor_name(actor),
            action=action,
            subject=subject,
            detail={"reason": reason, "role": actor.role, **detail},
        )
    )


def trail(s: Session, subject: str) -> list[dict[str, Any]]:
    """Every audited change to `subject`, oldest first."""
    events = s.scalars(
        select(AuditEvent)
        .where(AuditEvent.subject == subject)
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    return [
        {**e.detail, "at": e.at.isoformat(), "actor": e.actor, "action": e.action}
        for e in events
    ]
