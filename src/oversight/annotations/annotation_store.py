"""Chart annotations in the operational database: add, withdraw, read.

An annotation is a dated note on a series (metric x organisation; optionally one breakdown
group, otherwise every chart of that metric and organisation), shown on the charts, in the
API and in downloads. Adding and withdrawing are audited (subject: the annotation's id).
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import Engine, or_, select
from sqlalchemy.orm import Session

from oversight.annotations import access
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
    plain,
    reason_text,
    series_org,
    trail,
)
from oversight.store import database
from oversight.store.annotation_models import Annotation
from oversight.store.models import utcnow

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

ACTIVE = "active"
WITHDRAWN = "withdrawn"


@dataclass(frozen=True)
class AnnotationView:
    id: str
    metric: str
    org: str
    breakdown: str | None
    group: str | None
    on: dt.date
    text: str
    author: str
    state: str
    created_at: dt.datetime
    audit: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "metric": self.metric,
            "org": self.org,
            "breakdown": self.breakdown,
            "group": self.group,
            "date": self.on.isoformat(),
            "text": self.text,
            "author": self.author,
            "state": self.state,
            "created_at": self.created_at.isoformat(),
            "audit": self.audit,
        }


def _view(s: Session, row: Annotation, with_audit: bool = False) -> AnnotationView:
    return AnnotationView(
        row.id, row.metric_id, row.org_code, row.breakdown, row.group, row.on, row.text,
        row.author, row.state, row.created_at, trail(s, row.id) if with_audit else [],
    )


def _breakdown(catalogue: Catalogue, metric: str, breakdown: str | None,
               group: str | None) -> tuple[str | None, str | None]:
    """The breakdown group an annotation is about (both None: every chart of the series)."""
    from oversight.metrics.breakdowns import GROUPS, TOTAL

    if breakdown is None:
        if group is not None:
            raise RecordError("a group needs its breakdown (--breakdown)")
        return None, None
    listed = (TOTAL, *catalogue.metrics[metric].breakdowns)
    if breakdown not in listed:
        raise RecordError(
            f"{metric} has no breakdown {breakdown!r}; its breakdowns are {', '.join(listed)}"
        )
    if breakdown == TOTAL:
        return TOTAL, TOTAL
    if group is None or group not in GROUPS[breakdown]:
        raise RecordError(
            f"give one group of {breakdown} (--group): {', '.join(GROUPS[breakdown])}"
        )
    return breakdown, group


def add(
    engine: Engine,
    actor: Actor,
    catalogue: Catalogue,
    *,
    metric: str,
    org: str,
    on: str | dt.date,
    text: str,
    breakdown: str | None = None,
    group: str | None = None,
) -> AnnotationView:
    """Add a note to a series; its author is the acting token."""
    where = series_org(catalogue, org)
    metric = metric_id(catalogue, metric)
    refusal = access.change_refusal(actor, where.owner, "annotate")
    if refusal:
        raise Refused(refusal)
    plain(text, breakdown, group)
    note = (text or "").strip()
    if not note or len(note) > 2000:
        raise RecordError("an annotation needs its text (--text), at most 2000 characters")
    day = parse_day(on)
    bd, grp = _breakdown(catalogue, metric, breakdown, group)
    with database.session(engine) as s:
        row = Annotation(
            id=f"an-{uuid.uuid4().hex[:12]}",
            metric_id=metric,
            org_type=where.level,
            org_code=where.code,
            breakdown=bd,
            group=grp,
            on=day,
            text=note,
            author=actor_name(actor),
            state=ACTIVE,
        )
        s.add(row)
        s.flush()
        audit(s, actor, "annotation.add", row.id, note, metric=metric, org=where.code,
              breakdown=bd, group=grp, date=day.isoformat())
        return _view(s, row, with_audit=True)


def withdraw(engine: Engine, actor: Actor, annotation_id: str, *, reason: str) -> AnnotationView:
    """Take an annotation off the charts (kept, with its trail)."""
    why = reason_text(reason, "withdraw an annotation")
    with database.session(engine) as s:
        row = s.get(Annotation, annotation_id, with_for_update=True)
        if row is None:
            raise NotFound(f"there is no annotation {annotation_id!r} (oversight annotate list)")
        owner = SeriesOrg(row.org_code, row.org_type).owner
        refusal = access.change_refusal(actor, owner, "withdraw an annotation of")
        if refusal:
            raise Refused(refusal)
        if row.state != ACTIVE:
            raise RecordError(f"annotation {annotation_id} is already withdrawn")
        row.state, row.updated_at = WITHDRAWN, utcnow()
        audit(s, actor, "annotation.withdraw", row.id, why, metric=row.metric_id,
              org=row.org_code, **{"from": ACTIVE, "to": WITHDRAWN})
        return _view(s, row, with_audit=True)


def show(engine: Engine, annotation_id: str) -> AnnotationView:
    """One annotation with its audit trail."""
    with database.session(engine) as s:
        row = s.get(Annotation, annotation_id)
        if row is None:
            raise NotFound(f"there is no annotation {annotation_id!r} (oversight annotate list)")
        return _view(s, row, with_audit=True)


def annotations_for(
    engine: Engine,
    *,
    metric: str | None = None,
    org: str | None = None,
    breakdown: str | None = None,
    group: str | None = None,
    include_withdrawn: bool = False,
) -> list[AnnotationView]:
    """The annotations of a metric and/or organisation, in date order. With `breakdown` and
    `group`: those of that one chart (its own, and those made for every chart of the series)."""
    query = select(Annotation).order_by(Annotation.on, Annotation.created_at, Annotation.id)
    if metric is not None:
        query = query.where(Annotation.metric_id == metric)
    if org is not None:
        query = query.where(Annotation.org_code == org.upper())
    if breakdown is not None:
        mine = Annotation.breakdown == breakdown
        if group is not None:
            mine = mine & (Annotation.group == group)
        query = query.where(or_(Annotation.breakdown.is_(None), mine))
    if not include_withdrawn:
        query = query.where(Annotation.state == ACTIVE)
    with database.session(engine) as s:
        return [_view(s, row) for row in s.scalars(query)]
