"""CQC ratings in the change feed: one `judgement` entry per published assessment.

An assessment is published by a person (oversight.judge.assessment.workflow), not by the
publish queue, so its entry is derived from the store, like the queue itself: whatever is
published and not yet in the feed is announced on the worker's next pass (or the next inline
publish). A crash between publication and announcement therefore loses nothing, and the
entry's key (the assessment's id) keeps it from being announced twice. A published
assessment is public, so the entry carries no metric or period for the embargo to hold back.
"""

from __future__ import annotations

from typing import Any

from oversight.home import Home


def rating_entries(home: Home) -> list[dict[str, Any]]:
    """An entry for every published assessment version, oldest first per organisation, with
    its overall rating and the rating of the version it superseded (None for the first)."""
    from sqlalchemy import select

    from oversight.store import database
    from oversight.store.assessment_models import Assessment

    with database.session(home.database()) as s:
        rows = s.scalars(
            select(Assessment)
            .where(Assessment.status == "published")
            .order_by(Assessment.framework, Assessment.org_code, Assessment.version)
        ).all()
        published = [
            (r.id, r.framework, r.org_code, r.version, r.assessed_on, r.published_at,
             ((r.result or {}).get("overall") or {}).get("rating"))
            for r in rows
        ]
    entries: list[dict[str, Any]] = []
    before: dict[tuple[str, str], str | None] = {}
    for id_, framework, org, version, assessed_on, published_at, rating in published:
        prior = before.get((framework, org))
        before[(framework, org)] = rating
        entries.append({
            "kind": "judgement",
            "key": f"judgement:rating:{id_}",
            "org": org,
            "framework": framework,
            "assessment": id_,
            "assessment_version": version,
            "assessed_on": f"{assessed_on:%Y-%m-%d}",
            "published_at": published_at.isoformat() if published_at else None,
            "changed": {"rating": {"before": prior, "after": rating}},
        })
    return entries


def announce_ratings(home: Home) -> list[dict[str, Any]]:
    """Append the published assessments the feed does not hold yet (append skips the keys it
    has); the entries written."""
    from oversight.publish import feed

    return feed.append(home, rating_entries(home))
