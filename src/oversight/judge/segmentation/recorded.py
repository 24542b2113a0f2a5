"""Recorded judgements in the operational database: capability assessments, financial
overrides and nof-2022 segment decisions, entered by NHS England with a mandatory reason.

Only national roles (`nhse`, `admin`) record them; each recording is a new row (the latest for
the same kind, organisation and quarter wins; a decision is per rule set too) and an
`audit_log` event in the same transaction. Anyone may read them: they are shown with every
segment they decide, as "recorded by ... on ..., reason ...". Checking that the organisation
and rule set exist is the caller's business (the command checks them against the catalogue).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any, Protocol

from sqlalchemy import Engine, select

from oversight.home import Home
from oversight.judge.authority import NATIONAL_ROLES
from oversight.judge.segmentation.inputs import CapabilityReview, FinancialStatus, SegmentDecision
from oversight.period import Period
from oversight.store import database
from oversight.store.models import AuditEvent
from oversight.store.segment_models import RecordedJudgement

CAPABILITY = "capability"
OVERRIDE = "override"
DECISION = "decision"
KINDS = (CAPABILITY, OVERRIDE, DECISION)


class Actor(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def org_code(self) -> str | None: ...


class RecordError(ValueError):
    """A recording refused for its input (no reason, a bad segment...); nothing is stored."""


class RecordRefused(PermissionError):
    """A recording the actor's role does not allow; nothing is stored."""


def refusal(actor: Actor) -> str | None:
    """Why `actor` may not record segmentation judgements, or None."""
    if actor.role in NATIONAL_ROLES:
        return None
    return (
        "segmentation judgements are recorded by NHS England: only an nhse or admin token may "
        f"record them, and this token speaks for {actor.org_code}"
    )


@dataclass(frozen=True)
class Recordings:
    """What one quarter's segmentation reads from the store (latest recording of each)."""

    finance: dict[str, FinancialStatus]
    reviews: tuple[CapabilityReview, ...]
    decisions: tuple[SegmentDecision, ...]

    @property
    def empty(self) -> bool:
        return not (self.finance or self.reviews or self.decisions)


NOTHING = Recordings({}, (), ())


def record(
    engine: Engine,
    actor: Actor,
    kind: str,
    *,
    org: str,
    period: Period,
    reason: str,
    rules: str | None = None,
    segment: int | None = None,
    intensive_support: bool | None = None,
    in_deficit: bool | None = None,
    deficit_support: bool | None = None,
) -> RecordedJudgement:
    """Store one recorded judgement, audited; RecordRefused / RecordError store nothing."""
    if (why := refusal(actor)) is not None:
        raise RecordRefused(why)
    text = (reason or "").strip()
    if not text:
        raise RecordError("a reason is needed for every recorded judgement (--reason)")
    if kind not in KINDS:
        raise RecordError(f"{kind!r} is not a kind of recorded judgement; choose one of "
                          + ", ".join(KINDS))
    fields: dict[str, Any] = {}
    if kind == CAPABILITY:
        if intensive_support is None:
            raise RecordError("a capability assessment says whether intensive support is needed")
        fields["intensive_support"] = intensive_support
    elif kind == OVERRIDE:
        if in_deficit is None or deficit_support is None:
            raise RecordError("a financial override says whether in deficit and deficit support")
        fields.update(in_deficit=in_deficit, deficit_support=deficit_support)
    else:
        if rules is None:
            raise RecordError("a segment decision names its rule set (--rules)")
        if segment is None or not 1 <= segment <= 5:
            raise RecordError(f"a segment decision is a segment 1 to 5, not {segment}")
        fields.update(rules=rules, segment=segment)
    row = RecordedJudgement(
        kind=kind,
        org_code=org,
        period=str(period),
        reason=text,
        recorded_by=_name(actor),
        **fields,
    )
    with database.session(engine) as s:
        s.add(row)
        s.flush()
        s.add(
            AuditEvent(
                actor=row.recorded_by,
                action=f"segment.{kind}",
                subject=f"{org} {period}",
                detail={"reason": text, "role": actor.role, "id": row.id, **fields},
            )
        )
        s.flush()
        s.expunge(row)
    return row


def _name(actor: Actor) -> str:
    return f"token:{actor.name}"


def rows(engine: Engine, period: Period | None = None) -> list[RecordedJudgement]:
    """Every recording (of a quarter), oldest first."""
    query = select(RecordedJudgement).order_by(RecordedJudgement.recorded_at, RecordedJudgement.id)
    if period is not None:
        query = query.where(RecordedJudgement.period == str(period))
    with database.session(engine) as s:
        found = list(s.scalars(query))
        for row in found:
            s.expunge(row)
        return found


def for_quarter(engine: Engine, period: Period, rules: str | None = None) -> Recordings:
    """The judgements recorded for a quarter, as segmentation reads them (the latest of each
    kind and organisation wins; decisions only for `rules` when given)."""
    return _recordings(rows(engine, period), period, rules)


def _recordings(
    found: Iterable[RecordedJudgement], period: Period, rules: str | None
) -> Recordings:
    """`for_quarter` of the quarter's rows, oldest first."""
    finance: dict[str, FinancialStatus] = {}
    reviews: dict[str, CapabilityReview] = {}
    decisions: dict[str, SegmentDecision] = {}
    for r in found:
        on = r.recorded_at.date()
        if r.kind == CAPABILITY:
            reviews[r.org_code] = CapabilityReview(
                r.org_code,
                period,
                r.recorded_by,
                r.reason,
                bool(r.intensive_support),
                recorded_on=on,
            )
        elif r.kind == OVERRIDE:
            finance[r.org_code] = FinancialStatus(
                bool(r.in_deficit), bool(r.deficit_support), r.recorded_by, r.reason, on
            )
        elif r.kind == DECISION and (rules is None or r.rules == rules):
            decisions[r.org_code] = SegmentDecision(
                r.org_code, period, r.recorded_by, r.reason, int(r.segment or 0), recorded_on=on
            )
    return Recordings(
        dict(sorted(finance.items())),
        tuple(reviews[o] for o in sorted(reviews)),
        tuple(decisions[o] for o in sorted(decisions)),
    )


def read(home: Home, period: Period, rules: str | None = None) -> Recordings:
    """`for_quarter` on the home's database; nothing when the home has no database yet (a
    look does not create one)."""
    if home.database_file is not None and not home.database_file.exists():
        return NOTHING
    return for_quarter(home.database(), period, rules)


def reader(home: Home) -> Callable[[Period, str | None], Recordings]:
    """`read` for many quarters from one query of every recording (a judge stage reads every
    quarter of every rule set): the same Recordings, the rows filtered by quarter here."""
    by_quarter: dict[str, list[RecordedJudgement]] = {}
    if home.database_file is None or home.database_file.exists():  # else nothing recorded
        for r in rows(home.database()):
            by_quarter.setdefault(r.period, []).append(r)

    def read_one(period: Period, rules: str | None = None) -> Recordings:
        return _recordings(by_quarter.get(str(period), []), period, rules)

    return read_one
