"""Submissions waiting for confirmation and the files the API holds for them.

A waiting submission's file is kept under `incoming/_pending/<id>/` so it can be confirmed by
id. Waiting is bounded twice: a submission expires after `days` (its status becomes `expired`
and its file is removed), and one organisation's held files may total at most `quota_mb`.
Confirmation claims the waiting row with one conditional UPDATE, so of several concurrent
confirms exactly one proceeds (SQLite and PostgreSQL alike).
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import CursorResult, Engine, Result, Update, select, update

from oversight.collect.formats.bounds import MB, mb
from oversight.store import database
from oversight.store.models import AuditEvent, Submission, utcnow

WAITING = "pending_confirmation"
CONFIRMING = "confirming"
EXPIRED = "expired"


@dataclass(frozen=True)
class WaitingPolicy:
    """How long a submission may wait for confirmation, and how much one organisation may
    have held meanwhile: 14 days and 1024 MB unless the edge says otherwise
    (config.waiting_policy: OVERSIGHT_WAITING_DAYS, OVERSIGHT_WAITING_QUOTA_MB)."""

    days: float = 14
    quota_mb: float = 1024


def held_dir(incoming: Path, submission_id: str) -> Path:
    return incoming / "_pending" / submission_id


def hold(incoming: Path, submission_id: str, path: Path) -> None:
    """Keep a waiting submission's file (under the platform's name for it) until confirmed."""
    folder = held_dir(incoming, submission_id)
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(path, folder / path.name)


def held_file(incoming: Path, submission_id: str) -> Path | None:
    folder = held_dir(incoming, submission_id)
    files = sorted(p for p in folder.iterdir() if p.is_file()) if folder.is_dir() else []
    return files[0] if files else None


def release(incoming: Path, submission_id: str) -> None:
    shutil.rmtree(held_dir(incoming, submission_id), ignore_errors=True)


def held_bytes(engine: Engine, incoming: Path, org: str) -> int:
    """Bytes held for `org`'s submissions still waiting (or being confirmed)."""
    with database.session(engine) as s:
        ids = s.scalars(
            select(Submission.id).where(
                Submission.org_code == org, Submission.status.in_((WAITING, CONFIRMING))
            )
        ).all()
    total = 0
    for sid in ids:
        file = held_file(incoming, sid)
        total += file.stat().st_size if file is not None else 0
    return total


def quota_refusal(
    engine: Engine, incoming: Path, org: str, adding: int, policy: WaitingPolicy
) -> str | None:
    """Why holding `adding` more bytes for `org` would break its quota, or None if it fits."""
    held = held_bytes(engine, incoming, org)
    if held + adding <= policy.quota_mb * MB:
        return None
    return (
        f"organisation {org} already has {mb(held)} of files waiting for confirmation and this "
        f"{mb(adding)} upload would take it over its {policy.quota_mb:g} MB quota for waiting "
        "files; confirm or resubmit with confirm=true, or wait for waiting ones to expire"
    )


def claim(engine: Engine, submission_id: str) -> bool:
    """Mark a waiting submission as being confirmed; False when it is not waiting (any more)."""
    with database.session(engine) as s:
        return _changed(s.execute(_move(submission_id, WAITING, CONFIRMING)))


def _move(submission_id: str, before: str, after: str) -> Update:
    """One conditional UPDATE: the row changes only if it is still `before`."""
    return (
        update(Submission)
        .where(Submission.id == submission_id, Submission.status == before)
        .values(status=after)
    )


def _changed(result: Result[Any]) -> bool:
    assert isinstance(result, CursorResult)
    return result.rowcount == 1


def unclaim(engine: Engine, submission_id: str) -> None:
    """A confirmation that did not store anything: the submission is waiting again."""
    with database.session(engine) as s:
        s.execute(_move(submission_id, CONFIRMING, WAITING))


def confirmed(engine: Engine, incoming: Path, submission_id: str, by: str) -> None:
    """The claimed submission was stored as submission `by`: mark it and drop its file."""
    with database.session(engine) as s:
        waiting = s.get(Submission, submission_id)
        if waiting is not None:
            waiting.status = "confirmed"
            waiting.report = {**waiting.report, "confirmed_by": by}
    release(incoming, submission_id)


def expire(
    engine: Engine,
    incoming: Path,
    policy: WaitingPolicy,
    *,
    actor: str = "system:expiry",
    now: datetime | None = None,
) -> list[str]:
    """Expire submissions waiting longer than the policy allows (status `expired`, audited,
    file removed), and remove held files no waiting submission owns; the expired ids."""
    cutoff = (now or utcnow()) - timedelta(days=policy.days)
    with database.session(engine) as s:
        old = s.execute(
            select(Submission.id, Submission.status).where(
                Submission.status.in_((WAITING, CONFIRMING)), Submission.received_at < cutoff
            )
        ).all()
    # A claim older than the waiting period is a confirm whose process died mid-way: it
    # expires like any waiting submission instead of blocking the organisation for good.
    expired = [sid for sid, was in old if _expire_one(engine, sid, was, actor, policy)]
    for sid in expired:
        release(incoming, sid)
    _remove_orphans(engine, incoming)
    return expired


def _expire_one(
    engine: Engine, submission_id: str, was: str, actor: str, policy: WaitingPolicy
) -> bool:
    with database.session(engine) as s:
        if not _changed(s.execute(_move(submission_id, was, EXPIRED))):
            return False  # confirmed or claimed meanwhile
        s.add(
            AuditEvent(
                actor=actor,
                action="submission.expired",
                subject=submission_id,
                detail={"waited_longer_than_days": policy.days, "was": was},
            )
        )
        return True


def _remove_orphans(engine: Engine, incoming: Path) -> None:
    """Held folders whose submission is not waiting: left by a crash between steps."""
    root = incoming / "_pending"
    folders = [p for p in root.iterdir() if p.is_dir()] if root.is_dir() else []
    if not folders:
        return
    with database.session(engine) as s:
        live = set(
            s.scalars(
                select(Submission.id).where(
                    Submission.id.in_([p.name for p in folders]),
                    Submission.status.in_((WAITING, CONFIRMING)),
                )
            ).all()
        )
    for folder in folders:
        if folder.name not in live:
            shutil.rmtree(folder, ignore_errors=True)
