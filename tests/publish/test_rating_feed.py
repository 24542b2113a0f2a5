"""CQC ratings in the change feed, on SQLite and PostgreSQL: each published assessment is
announced once, with the rating it replaced, and by the server's worker without anyone
running a command."""

from __future__ import annotations

import time
from pathlib import Path

from tests.judge.assessment.assessors import ANNA, BEN, DAY, published

from oversight.home import Home
from oversight.judge.assessment import workflow as wf
from oversight.publish import feed
from oversight.publish.access import Viewer
from oversight.publish.feed_api import may_see
from oversight.publish.queue import Worker
from oversight.publish.rating_feed import announce_ratings
from oversight.store.testing import database_url

__all__ = ["database_url"]



def _publish_first(home: Home) -> wf.AssessmentView:
    return published(home.database())


def _ratings(home: Home) -> list[dict[str, object]]:
    return [e for e in feed.read(home, None, 1000)[0] if "assessment" in e]


def test_each_published_assessment_is_announced_once_with_the_rating_it_replaced(
    tmp_path: Path, database_url: str
) -> None:
    home = Home.at(tmp_path, database_url)
    engine = home.database()
    draft = wf.start(engine, ANNA, org="QKK", assessed_on=DAY, reason="not yet published")
    first = _publish_first(home)
    written = announce_ratings(home)
    assert [(e["org"], e["assessment"], e["changed"]) for e in written] == [
        ("QMJ", first.id, {"rating": {"before": None, "after": "Requires improvement"}})]
    assert written[0]["kind"] == "judgement" and written[0]["assessment_version"] == 1
    assert draft.id not in {e["assessment"] for e in written}  # a draft is nobody's news
    assert announce_ratings(home) == []  # nothing twice

    second = wf.revise(engine, BEN, first.id, reason="new evidence on safeguarding")
    wf.set_override(engine, BEN, second.id, "overall", "Inadequate", reason="serious failure")
    wf.move(engine, BEN, second.id, "moderation", reason="ready")
    wf.move(engine, ANNA, second.id, "published", reason="moderated")
    (entry,) = announce_ratings(home)
    assert (entry["assessment"], entry["assessment_version"], entry["changed"]) == (
        second.id, 2, {"rating": {"before": "Requires improvement", "after": "Inadequate"}})
    assert [e["assessment"] for e in _ratings(home)] == [first.id, second.id]
    public = Viewer(role="public")
    assert all(may_see(public, e) for e in _ratings(home))  # a published rating is public


def test_the_servers_worker_announces_a_published_rating_by_itself(
    tmp_path: Path, database_url: str
) -> None:
    home = Home.at(tmp_path, database_url)
    worker = Worker(home, poll=0.2, mirror=False)
    worker.start()
    try:
        done = _publish_first(home)
        deadline = time.monotonic() + 20
        while not _ratings(home) and time.monotonic() < deadline:
            time.sleep(0.1)
    finally:
        worker.stop()
    assert [e["assessment"] for e in _ratings(home)] == [done.id]
