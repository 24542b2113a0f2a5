"""`oversight compute --since REVISION`: the ICB-months that revision and every later one touched.

Revisions come from the operational store (collect → store → compute): each names its dataset,
ICB and month, and when it was created. Everything created at or after the given revision is a
change to recompute incrementally on top of the published results; recomputing an ICB-month the
results already reflect gives the same rows, so over-including is safe and under-including is
not.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Engine, select

from oversight.period import Period
from oversight.store import database
from oversight.store.models import Revision

Change = tuple[str, str, dt.date]


class UnknownRevision(LookupError):
    """The --since argument names no revision in the store."""


def changes_since(revision_id: str, engine: Engine) -> list[Change]:
    """(dataset, ICB, month) of the revision and of every revision created at or after it."""
    with database.session(engine) as s:
        start = s.get(Revision, revision_id)
        if start is None:
            raise UnknownRevision(f"no revision {revision_id!r} in the store")
        rows = s.execute(
            select(Revision.dataset, Revision.org_code, Revision.period).where(
                Revision.created_at >= start.created_at
            )
        ).all()
    return sorted({(ds, org, Period.parse_month(period).start) for ds, org, period in rows})
