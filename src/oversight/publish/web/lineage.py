"""Where a published figure comes from, summarised for people: "computed from 36
submissions, latest 14 March 2026", not 36 revision ids (those stay behind a disclosure and
in the JSON API)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import lru_cache

from sqlalchemy import select

from oversight.home import Home


@dataclass(frozen=True)
class LineageSummary:
    revisions: tuple[str, ...]
    latest: dt.datetime | None
    """When the newest of those revisions was accepted (None when not recorded)."""
    organisations: int
    datasets: tuple[str, ...]

    @property
    def count(self) -> int:
        return len(self.revisions)

    @property
    def sentence(self) -> str:
        noun = "submission" if self.count == 1 else "submissions"
        text = f"Computed from {self.count} {noun}"
        if self.latest is not None:
            text += f", latest accepted {self.latest.day} {self.latest:%B %Y}"
        return text + "."


Revisions = dict[str, tuple[dt.datetime | None, str, str]]
"""Revision id → (accepted at, organisation, dataset)."""


@lru_cache(maxsize=2)
def _keys(home: Home, results_id: str) -> dict[str, tuple[str, ...]]:
    """Every lineage key of a results version with its revision ids (read once per version)."""
    from oversight.metrics import published

    frame = published(home, results_id).lineage()
    return {str(k): tuple(sorted(str(i) for i in ids))
            for k, ids in zip(frame["lineage_key"], frame["revision_ids"], strict=True)}


@lru_cache(maxsize=2)
def _revisions(home: Home, results_id: str) -> Revisions:
    """Every revision's acceptance time, organisation and dataset, read once per results
    version (a revision is immutable; a new one comes with a new version)."""
    from oversight.store import database
    from oversight.store.models import Revision

    query = select(Revision.id, Revision.created_at, Revision.org_code, Revision.dataset)
    with database.session(home.database()) as s:
        return {rid: (at, org, dataset) for rid, at, org, dataset in s.execute(query)}


@lru_cache(maxsize=4096)
def _summary(home: Home, results_id: str, key: str) -> LineageSummary | None:
    ids = _keys(home, results_id).get(key)
    if ids is None:
        return None
    known = _revisions(home, results_id)
    found = [known[i] for i in ids if i in known]
    times = [at for at, _, _ in found if at is not None]
    return LineageSummary(ids, max(times) if times else None,
                          len({org for _, org, _ in found}),
                          tuple(sorted({dataset for _, _, dataset in found})))


def summary(home: Home, results_id: str | None, key: str | None) -> LineageSummary | None:
    """The revisions behind a figure's lineage key, summarised (None without lineage)."""
    if not key or results_id is None:
        return None
    return _summary(home, results_id, key)
