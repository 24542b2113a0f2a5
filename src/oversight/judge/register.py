"""The target register: national and local targets in the operational database.

Python API: `add` (a draft), `publish`, `retire`, `revise` (a new draft version; the old one is
kept), `listing`, `get`, `history`, `accountability`, `metric_coverage`, `seed` (the catalogue's
YAML, idempotent) and `standing_targets`, which the judge stage calls to get the published
targets in the form judge.standing reads. Every change is checked (target_input), allowed for
the actor (authority) and written with its AuditEvent in one transaction, so a refused change
stores nothing and a stored one is always audited.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select
from sqlalchemy.orm import Session

from oversight.catalogue.models.targets import TrajectoryPoint
from oversight.judge.authority import Actor, target_refusal
from oversight.judge.target_input import CheckedTarget, TargetInputError, TargetSpec, check
from oversight.judge.target_lifecycle import next_status
from oversight.period import Kind, Period
from oversight.store import database
from oversight.store.models import AuditEvent, utcnow
from oversight.store.register_models import RegisterTarget

SEED_ACTOR = "catalogue"
REVISABLE = (
    "value",
    "comparison",
    "trajectory",
    "deadline",
    "date_set",
    "owner",
    "rationale",
    "accountable_body",
    "accountable_name",
    "partners",
)
"""Fields a revision may change; scope, ICB, metric and planning year make another target."""


class RegisterError(ValueError):
    """A register change refused: not allowed, unknown target, or no reason given."""


@dataclass(frozen=True)
class TargetRecord:
    """One stored version of a target. Quacks like the catalogue's Target where the judge
    reads one (id, scope, metric_id, icb_code, value, comparison, trajectory of
    TrajectoryPoint, date_set, deadline, planning_year, status, version)."""

    id: str
    scope: str
    icb_code: str | None
    metric_id: str
    metric_name: str | None
    unit: str
    planning_year: str
    value: float
    comparison: str
    trajectory: tuple[TrajectoryPoint, ...]
    owner: str
    accountable_body: str
    accountable_name: str
    rationale: str
    partners: tuple[str, ...]
    date_set: dt.date
    deadline: dt.date
    status: str
    version: int
    supersedes: str | None
    headline: bool
    objective_id: str | None
    source: str
    created_by: str

    def to_dict(self) -> dict[str, Any]:
        # the fields as asdict gives them, without its deep copy of every trajectory point
        # (the judge digests every target on each run); the containers are replaced below
        out = {f.name: getattr(self, f.name) for f in dataclasses.fields(self)}
        out["trajectory"] = [[f"{p.period:%Y-%m}", p.value] for p in self.trajectory]
        out["partners"] = list(self.partners)
        out["date_set"] = self.date_set.isoformat()
        out["deadline"] = self.deadline.isoformat()
        return out


@dataclass(frozen=True)
class HistoryEntry:
    """One audited change: who, when, what, why."""

    at: dt.datetime
    actor: str
    action: str
    target_id: str
    reason: str | None
    detail: dict[str, Any]


def _record(row: RegisterTarget) -> TargetRecord:
    points = tuple(
        TrajectoryPoint(Period.parse_month(m).start, float(v)) for m, v in row.trajectory
    )
    return TargetRecord(
        id=row.id,
        scope=row.scope,
        icb_code=row.icb_code,
        metric_id=row.metric_id,
        metric_name=row.metric_name,
        unit=row.unit,
        planning_year=row.planning_year,
        value=row.value,
        comparison=row.comparison,
        trajectory=points,
        owner=row.owner,
        accountable_body=row.accountable_body,
        accountable_name=row.accountable_name,
        rationale=row.rationale,
        partners=tuple(row.partners),
        date_set=row.date_set,
        deadline=row.deadline,
        status=row.status,
        version=row.version,
        supersedes=row.supersedes,
        headline=row.headline,
        objective_id=row.objective_id,
        source=row.source,
        created_by=row.created_by,
    )


def actor_name(actor: Any) -> str:
    """How the audit log names an actor: its token name, or a system name given as text."""
    return actor if isinstance(actor, str) else f"token:{actor.name}"


def _who(actor: Any) -> dict[str, Any]:
    if isinstance(actor, str):
        return {"role": "system"}
    return {"role": actor.role, "org": actor.org_code, "token_id": actor.token_id}


def _audit(s: Session, actor: Any, action: str, target_id: str, **detail: Any) -> None:
    s.add(
        AuditEvent(
            actor=actor_name(actor),
            action=action,
            subject=target_id,
            detail={**_who(actor), **detail},
        )
    )


def _allowed(actor: Actor, scope: str, icb_code: str | None) -> None:
    refusal = target_refusal(actor, scope, icb_code)
    if refusal is not None:
        raise RegisterError(refusal)


def _reason(reason: str | None, step: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise RegisterError(f"a reason is required to {step} a target")
    return text


def default_id(target: CheckedTarget, version: int = 1) -> str:
    """`2025-26-ae_4hr-v1` for a national target, `QMJ-ae_4hr-2025-26-v1` for a local one."""
    year = target.planning_year.replace("/", "-")
    if target.scope == "national":
        return f"{year}-{target.metric_id}-v{version}"
    return f"{target.icb_code}-{target.metric_id}-{year}-v{version}"


def _row(target: CheckedTarget, target_id: str, created_by: str, **extra: Any) -> RegisterTarget:
    fields = dataclasses.asdict(target)
    fields["trajectory"] = [list(p) for p in target.trajectory]
    fields["partners"] = list(target.partners)
    return RegisterTarget(id=target_id, created_by=created_by, **fields, **extra)


def add(
    engine: Engine,
    spec: TargetSpec,
    actor: Actor,
    catalogue: Any,
    *,
    target_id: str | None = None,
) -> TargetRecord:
    """Store a new target as a draft (version 1). TargetInputError for bad input, RegisterError
    when the actor may not set it or the id is taken; nothing is stored then."""
    _allowed(actor, spec.scope, spec.icb_code)  # who may, before what is wrong with it
    checked = check(spec, catalogue)
    new_id = target_id or default_id(checked)
    with database.session(engine) as s:
        live = _live_twin(s, checked)
        if live is not None:
            whose = (
                "there is already a national target"
                if checked.scope == "national"
                else (f"{checked.icb_code} already has a target")
            )
            raise RegisterError(
                f"{whose} on {checked.metric_id} for {checked.planning_year}: {live.id} "
                f"({live.status}); revise or retire it instead"
            )
        if s.get(RegisterTarget, new_id) is not None:
            raise RegisterError(
                f"target {new_id} already exists; change it with `oversight target revise`"
            )
        row = _row(checked, new_id, actor_name(actor), status="draft", version=1)
        s.add(row)
        s.flush()
        record = _record(row)
        _audit(s, actor, "target.add", new_id, target=record.to_dict())
    return record


def _live_twin(s: Session, target: CheckedTarget) -> RegisterTarget | None:
    """A draft or published target on the same metric, year and ICB: two would contend to
    stand, so a second one is a revision of the first, not a new target."""
    query = select(RegisterTarget).where(
        RegisterTarget.scope == target.scope,
        RegisterTarget.metric_id == target.metric_id,
        RegisterTarget.planning_year == target.planning_year,
        RegisterTarget.status != "retired",
    )
    if target.icb_code is not None:
        query = query.where(RegisterTarget.icb_code == target.icb_code)
    return s.scalars(query.order_by(RegisterTarget.version.desc())).first()


def _locked(s: Session, target_id: str) -> RegisterTarget:
    row = s.scalars(
        select(RegisterTarget).where(RegisterTarget.id == target_id).with_for_update()
    ).one_or_none()
    if row is None:
        raise RegisterError(
            f"no target {target_id!r} in the register (see `oversight target list`)"
        )
    return row


def _step(
    engine: Engine, target_id: str, step: str, actor: Actor, reason: str | None
) -> TargetRecord:
    why = _reason(reason, step)
    with database.session(engine) as s:
        row = _locked(s, target_id)
        _allowed(actor, row.scope, row.icb_code)
        before = row.status
        try:
            row.status = next_status(target_id, before, step)
        except ValueError as error:
            raise RegisterError(str(error)) from None
        row.updated_at = utcnow()
        _audit(s, actor, f"target.{step}", target_id, reason=why, before=before, after=row.status)
        s.flush()
        return _record(row)


def publish(engine: Engine, target_id: str, actor: Actor, reason: str | None) -> TargetRecord:
    """Draft → published, with the reason audited."""
    return _step(engine, target_id, "publish", actor, reason)


def retire(engine: Engine, target_id: str, actor: Actor, reason: str | None) -> TargetRecord:
    """Published → retired, with the reason audited."""
    return _step(engine, target_id, "retire", actor, reason)


def revise(
    engine: Engine,
    target_id: str,
    actor: Actor,
    catalogue: Any,
    reason: str | None,
    **changes: Any,
) -> TargetRecord:
    """A new draft version of a target with `changes` (fields in REVISABLE); the version it
    supersedes is kept unchanged and still stands for the months before the new one's."""
    why = _reason(reason, "change")
    unknown = sorted(set(changes) - set(REVISABLE))
    if unknown:
        raise RegisterError(
            f"cannot change {', '.join(unknown)}; a revision may change {', '.join(REVISABLE)}"
        )
    if not changes:
        raise RegisterError("nothing to change: give at least one new value")
    with database.session(engine) as s:
        old = _locked(s, target_id)
        _allowed(actor, old.scope, old.icb_code)
        if old.status == "retired":
            raise RegisterError(f"target {target_id} is retired; a retired target cannot change")
        newer = s.scalars(select(RegisterTarget.id).where(RegisterTarget.supersedes == target_id))
        later = newer.first()
        if later is not None:
            raise RegisterError(f"target {target_id} was revised as {later}; change that one")
        base = _record(old)
        spec = _spec_of(base, _carried_trajectory(base, changes))
        checked = check(spec, catalogue)
        version = old.version + 1
        new_id = _next_id(target_id, old.version, version)
        if s.get(RegisterTarget, new_id) is not None:
            raise RegisterError(f"target {new_id} already exists")
        row = _row(
            checked,
            new_id,
            actor_name(actor),
            status="draft",
            version=version,
            supersedes=target_id,
        )
        s.add(row)
        s.flush()
        record = _record(row)
        diff = {
            k: [_plain(getattr(base, k)), _plain(getattr(record, k))]
            for k in REVISABLE
            if getattr(base, k) != getattr(record, k)
        }
        _audit(s, actor, "target.revise", new_id, reason=why, supersedes=target_id, changes=diff)
    return record


def _carried_trajectory(base: TargetRecord, changes: dict[str, Any]) -> dict[str, Any]:
    """A revision agreed later than its predecessor plans from its own month: without a new
    trajectory it keeps the old plan's points from that month on."""
    if "trajectory" in changes or "date_set" not in changes:
        return changes
    first = changes["date_set"].replace(day=1)
    kept = [(p.period, p.value) for p in base.trajectory if p.period >= first]
    return {**changes, "trajectory": kept}


def _plain(value: Any) -> Any:
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, TrajectoryPoint):
        return [f"{value.period:%Y-%m}", value.value]
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    return value


def _next_id(target_id: str, old: int, new: int) -> str:
    suffix = f"-v{old}"
    stem = target_id[: -len(suffix)] if target_id.endswith(suffix) else target_id
    return f"{stem}-v{new}"


def _spec_of(record: TargetRecord, changes: dict[str, Any]) -> TargetSpec:
    fields: dict[str, Any] = {
        "scope": record.scope,
        "metric_id": record.metric_id,
        "planning_year": record.planning_year,
        "value": record.value,
        "comparison": record.comparison,
        "deadline": record.deadline,
        "date_set": record.date_set,
        "owner": record.owner,
        "rationale": record.rationale,
        "icb_code": record.icb_code,
        "accountable_body": record.accountable_body,
        "accountable_name": record.accountable_name,
        "trajectory": [(p.period, p.value) for p in record.trajectory],
        "partners": record.partners,
        "metric_name": record.metric_name,
        "unit": record.unit,
        "headline": record.headline,
        "objective_id": record.objective_id,
        "source": record.source,
    }
    fields.update(changes)
    return TargetSpec(**fields)


def get(engine: Engine, target_id: str) -> TargetRecord:
    """One target version; RegisterError if there is none."""
    with database.session(engine) as s:
        row = s.get(RegisterTarget, target_id)
        if row is None:
            raise RegisterError(f"no target {target_id!r} in the register")
        return _record(row)


def listing(
    engine: Engine,
    *,
    scope: str | None = None,
    icb_code: str | None = None,
    status: str | None = None,
    planning_year: str | None = None,
) -> list[TargetRecord]:
    """Stored targets, filtered, ordered by scope, ICB, metric, year and version."""
    query = select(RegisterTarget)
    for column, wanted in (
        (RegisterTarget.scope, scope),
        (RegisterTarget.icb_code, icb_code),
        (RegisterTarget.status, status),
        (RegisterTarget.planning_year, planning_year),
    ):
        if wanted is not None:
            query = query.where(column == wanted)
    with database.session(engine) as s:
        rows = s.scalars(query).all()
        records = [_record(r) for r in rows]
    return sorted(
        records, key=lambda t: (t.scope, t.icb_code or "", t.metric_id, t.planning_year, t.version)
    )


def history(engine: Engine, target_id: str) -> list[HistoryEntry]:
    """Every audited change of a target and of the versions it revised, oldest first."""
    chain: list[str] = []
    with database.session(engine) as s:
        current: str | None = target_id
        while current is not None and current not in chain:
            row = s.get(RegisterTarget, current)
            if row is None:
                break
            chain.append(current)
            current = row.supersedes
        if not chain:
            raise RegisterError(f"no target {target_id!r} in the register")
        events = s.scalars(
            select(AuditEvent)
            .where(AuditEvent.subject.in_(chain), AuditEvent.action.like("target.%"))
            .order_by(AuditEvent.id)
        ).all()
        return [
            HistoryEntry(e.at, e.actor, e.action, e.subject, e.detail.get("reason"), e.detail)
            for e in events
        ]


def standing_targets(engine: Engine, period: Period | None = None) -> list[TargetRecord]:
    """The published national and local targets, for the judge stage: hand the list to
    judge.standing.national_target / local_target (or assess(..., targets=)). With a month,
    only those that can stand in it: national ones of its planning year or earlier (a national
    target stands until replaced), local ones whose months (date set to deadline) cover it."""
    published = listing(engine, status="published")
    if period is None:
        return published
    month = Period.month_of(period)
    year = str(Period.of(month.start, Kind.PLANNING_YEAR))
    return [
        t
        for t in published
        if (t.scope == "national" and t.planning_year <= year)
        or (t.scope == "local" and t.date_set.replace(day=1) <= month.start <= t.deadline)
    ]


@dataclass(frozen=True)
class Accountability:
    """Who answers for one target."""

    target_id: str
    scope: str
    icb_code: str | None
    metric_id: str
    planning_year: str
    status: str
    accountable_body: str
    accountable_name: str
    owner: str


def accountability(engine: Engine, *, include_retired: bool = False) -> list[Accountability]:
    """For every target (drafts and published; retired ones on request): accountable body and
    named owner."""
    return [
        Accountability(
            t.id,
            t.scope,
            t.icb_code,
            t.metric_id,
            t.planning_year,
            t.status,
            t.accountable_body,
            t.accountable_name,
            t.owner,
        )
        for t in listing(engine)
        if include_retired or t.status != "retired"
    ]


@dataclass(frozen=True)
class MetricCoverage:
    """Whether a metric has published national and/or local targets, and which ICSs chose it."""

    metric_id: str
    national: bool
    local_icbs: tuple[str, ...]

    @property
    def kind(self) -> str:
        if self.national and self.local_icbs:
            return "both"
        return "national" if self.national else "local"


def metric_coverage(engine: Engine, planning_year: str | None = None) -> list[MetricCoverage]:
    """For each metric with a published target (in `planning_year`, or any): national, local or
    both, and the ICSs that set it a local target."""
    return coverage_of(listing(engine, status="published", planning_year=planning_year))


def coverage_of(targets: Iterable[TargetRecord]) -> list[MetricCoverage]:
    """Pure part of metric_coverage."""
    national: set[str] = set()
    local: dict[str, set[str]] = {}
    for t in targets:
        if t.scope == "national":
            national.add(t.metric_id)
        elif t.icb_code is not None:
            local.setdefault(t.metric_id, set()).add(t.icb_code)
    metrics = sorted(national | set(local))
    return [MetricCoverage(m, m in national, tuple(sorted(local.get(m, ())))) for m in metrics]


def seed(engine: Engine, catalogue: Any, actor: str = SEED_ACTOR) -> list[str]:
    """Copy the catalogue's targets into the register, keeping their ids, versions and status;
    targets already in the register are left alone (so seeding twice adds nothing and never
    undoes a change made since). Returns the ids added, each audited as target.seed."""
    added: list[str] = []
    entries = sorted(catalogue.targets.values(), key=lambda t: t.version)
    with database.session(engine) as s:
        present = set(s.scalars(select(RegisterTarget.id)))
        for t in entries:
            if t.id in present:
                continue
            checked = check(_catalogue_spec(t), catalogue)
            s.add(
                _row(
                    checked,
                    t.id,
                    actor,
                    status=t.status,
                    version=t.version,
                    supersedes=t.supersedes,
                )
            )
            s.flush()
            _audit(s, actor, "target.seed", t.id, source="catalogue", status=t.status)
            added.append(t.id)
    return added


def _catalogue_spec(t: Any) -> TargetSpec:
    return TargetSpec(
        scope=t.scope,
        metric_id=t.metric_id,
        planning_year=t.planning_year,
        value=t.value,
        comparison=t.comparison,
        deadline=t.deadline,
        date_set=t.date_set,
        owner=t.owner,
        rationale=t.rationale,
        icb_code=t.icb_code,
        trajectory=[(p.period, p.value) for p in t.trajectory],
        headline=t.headline,
        objective_id=t.objective_id,
        source=t.source,
    )


__all__ = [
    "Accountability",
    "HistoryEntry",
    "MetricCoverage",
    "RegisterError",
    "TargetInputError",
    "TargetRecord",
    "TargetSpec",
    "accountability",
    "add",
    "coverage_of",
    "get",
    "history",
    "listing",
    "metric_coverage",
    "publish",
    "retire",
    "revise",
    "seed",
    "standing_targets",
]
