"""Revisions and lineage: which immutable revision holds a collection's data for one
organisation and month, now or as it stood at any moment, and which revisions a figure used.

A revision supersedes the one before it for the same dataset, ICB and month; nothing is ever
deleted, so "as published on date X" is a query, not a backup.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import Engine, Select, exists, select
from sqlalchemy.orm import aliased

from oversight.period import MonthLike, Period
from oversight.store import database
from oversight.store.models import Revision

__all__ = [
    "Revision",
    "as_of",
    "get",
    "history",
    "latest",
    "latest_by_period",
    "revision_id",
    "revisions_for",
]


def revision_id(
    collection: str, org: str, period: str, source_hash: str, supersedes: str | None
) -> str:
    """A revision's id: a hash of what was submitted, for whom, and what it replaces.

    The same content submitted again on top of itself gives the same id (so it is recognised
    and stored once), while A, then B, then A again gives three revisions, the third
    superseding B.
    """
    key = "\n".join([collection, org, str(Period.month_of(period)), source_hash, supersedes or ""])
    return hashlib.sha256(key.encode()).hexdigest()[:32]


def as_utc(moment: datetime) -> datetime:
    """Aware UTC (SQLite hands back naive datetimes; everything stored is UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)


def _normalise(rev: Revision) -> Revision:
    rev.created_at = as_utc(rev.created_at)
    return rev


def get(revision: str, engine: Engine) -> Revision | None:
    """One revision by id."""
    with database.session(engine) as s:
        rev = s.get(Revision, revision)
        return _normalise(rev) if rev else None


def _key_query(
    dataset: str | None, collection: str | None, org: str | None, period: MonthLike | None
) -> Select[Revision]:
    query = select(Revision)
    if dataset is not None:
        query = query.where(Revision.dataset == dataset)
    if collection is not None:
        query = query.where(Revision.collection == collection)
    if org is not None:
        query = query.where(Revision.org_code == org)
    if period is not None:
        query = query.where(Revision.period == str(Period.month_of(period)))
    return query


def latest(dataset: str, org: str, period: str, engine: Engine) -> Revision | None:
    """The revision in effect now for a dataset, ICB and month (the newest)."""
    query = _key_query(dataset, None, org, period).order_by(Revision.created_at.desc()).limit(1)
    with database.session(engine) as s:
        rev = s.scalars(query).first()
        return _normalise(rev) if rev else None


def history(collection: str, org: str, period: str, engine: Engine) -> list[Revision]:
    """Every revision of a collection for one organisation and month, oldest first."""
    query = _key_query(None, collection, org, period).order_by(Revision.created_at)
    with database.session(engine) as s:
        return [_normalise(r) for r in s.scalars(query)]


def latest_by_period(
    collection: str, org: str, periods: Sequence[str], engine: Engine
) -> list[Revision]:
    """The newest revision of a collection for one organisation in each of `periods` that has
    one, in period order (one query)."""
    wanted = [str(Period.month_of(p)) for p in periods]
    query = (
        _key_query(None, collection, org, None)
        .where(Revision.period.in_(wanted))
        .order_by(Revision.period, Revision.created_at)
    )
    newest: dict[str, Revision] = {}
    with database.session(engine) as s:
        for rev in s.scalars(query):
            newest[rev.period] = _normalise(rev)
    return [newest[p] for p in sorted(newest)]


def as_of(
    collection: str, org: str, period: str, when: datetime, engine: Engine
) -> Revision | None:
    """The revision that was in effect at `when` (None if nothing had been accepted yet)."""
    moment = as_utc(when)
    query = (
        _key_query(None, collection, org, period)
        .where(Revision.created_at <= _db_time(moment, engine))
        .order_by(Revision.created_at.desc())
        .limit(1)
    )
    with database.session(engine) as s:
        rev = s.scalars(query).first()
        return _normalise(rev) if rev else None


def revisions_for(
    dataset: str,
    icb: str | None = None,
    period: str | None = None,
    *,
    when: datetime | None = None,
    engine: Engine,
) -> list[Revision]:
    """Lineage: the revisions in effect (now, or at `when`) for a dataset, narrowed to one ICB
    and/or month; a figure computed from those rows used exactly these revisions."""
    eng = engine
    later = aliased(Revision)
    query = _key_query(dataset, None, icb, period)
    newer = (
        select(later.id)
        .where(later.dataset == Revision.dataset)
        .where(later.org_code == Revision.org_code)
        .where(later.period == Revision.period)
        .where(later.created_at > Revision.created_at)
    )
    if when is not None:
        moment = _db_time(as_utc(when), eng)
        query = query.where(Revision.created_at <= moment)
        newer = newer.where(later.created_at <= moment)
    query = query.where(~exists(newer)).order_by(Revision.org_code, Revision.period)
    with database.session(eng) as s:
        return [_normalise(r) for r in s.scalars(query)]


def _db_time(moment: datetime, engine: Engine) -> datetime:
    """SQLite compares the stored naive UTC text, so compare with naive UTC there."""
    return moment.replace(tzinfo=None) if engine.dialect.name == "sqlite" else moment


def describe(rev: Revision) -> dict[str, object]:
    """A revision as JSON-ready data (API responses, CLI output, lineage records)."""
    return {
        "id": rev.id,
        "collection": rev.collection,
        "dataset": rev.dataset,
        "org": rev.org_code,
        "period": rev.period,
        "content_hash": rev.content_hash,
        "submitter": rev.submitter,
        "created_at": as_utc(rev.created_at).isoformat(),
        "row_count": rev.row_count,
        "supersedes": rev.supersedes,
        "lake_path": rev.lake_path,
    }


def ids(revisions: Sequence[Revision]) -> list[str]:
    return [r.id for r in revisions]
