"""The publish path's two steps: the figures are published and announced without waiting for
the judge, and the judge step, derived from the store like the queue, catches up with every
published version after (a restart included), once."""

from __future__ import annotations

import threading
from pathlib import Path

from tests.publish.publish_support import backend_home, copy_home, submit_ucr

from oversight.catalogue import load
from oversight.home import Home
from oversight.judge import stage
from oversight.metrics import published
from oversight.publish import feed, queue
from oversight.store.testing import database_url

__all__ = ["backend_home", "database_url"]


def _latest(home: Home) -> str:
    return f"{max(published(home).periods):%Y-%m}"


def test_figures_are_published_while_the_judge_step_is_busy(backend_home: Home) -> None:
    home = backend_home
    catalogue = load()
    assert queue.publish_pending(home, catalogue=catalogue) is not None  # announce the demo's
    base = published(home)
    assert queue.unjudged(home) == []
    first = submit_ucr(home, "QMJ", _latest(home), 100, 11, catalogue)
    held, release = threading.Event(), threading.Event()

    def busy_judge() -> None:  # another run of the judge step, holding its lock
        with queue._lock(home, True, "judge.lock"):
            held.set()
            release.wait(60)

    thread = threading.Thread(target=busy_judge)
    thread.start()
    try:
        assert held.wait(30)
        done = queue.publish_figures(home, catalogue=catalogue)
        assert queue.judge_published(home, catalogue=catalogue, wait=False) is None
    finally:
        release.set()
        thread.join()
    assert done is not None and done.version == published(home).id != base.id
    assert [e["kind"] for e in done.entries] == ["revision", "results"]
    assert done.entries[1]["revision_id"] == first
    assert stage.judged(home, done.version) is None  # the figures did not wait for it
    # a second submission is published before the first version is judged
    second = submit_ucr(home, "QMJ", _latest(home), 100, 12, catalogue)
    again = queue.publish_figures(home, catalogue=catalogue)
    assert again is not None and again.version is not None
    assert [v.id for v in queue.unjudged(home)] == [done.version, again.version]
    assert queue.pending(home, published(home), catalogue) == []

    # the judge step (a fresh process's: nothing cached) judges both, in order, once
    feed._CACHES.clear()
    judged = queue.judge_published(home, catalogue=catalogue)
    assert judged is not None and judged.judged == [done.version, again.version]
    assert all(stage.judged(home, v) is not None for v in judged.judged)
    assert all(e["kind"] == "judgement" and e["results_version"] in judged.judged
               for e in judged.entries)
    assert queue.unjudged(home) == []
    assert queue.judge_published(home, catalogue=catalogue) == queue.Outcome()
    revisions = [e["revision_id"] for e in feed.read(home)[0] if e["kind"] == "revision"]
    assert revisions == [first, second]


def test_a_version_judged_but_not_marked_is_finished_after_a_crash(
    demo_home: Home, tmp_path: Path
) -> None:
    """A run killed after judging a version but before its entries and its mark: the next run
    redoes what is left (the judgements are reused) and appends each entry once."""
    home = copy_home(demo_home, tmp_path / "home")
    catalogue = load()
    queue.publish_pending(home, catalogue=catalogue)
    submit_ucr(home, "QMF", _latest(home), 100, 3, catalogue)
    done = queue.publish_figures(home, catalogue=catalogue)
    assert done is not None and done.version is not None
    from oversight.pipeline import judge_version

    version = published(home)
    judge_version(home, version, catalogue)  # ... and the run dies here
    made = stage.judged(home, version.id)
    assert made is not None and [v.id for v in queue.unjudged(home)] == [version.id]
    created = made.manifest["created"]
    first = queue.judge_published(home, catalogue=catalogue)
    assert first is not None and first.judged == [version.id]
    again = stage.judged(home, version.id)
    assert again is not None and again.manifest["created"] == created  # not judged again
    keys = [e["cursor"] for e in feed.read(home)[0]]
    queue.judge_published(home, catalogue=catalogue)
    assert [e["cursor"] for e in feed.read(home)[0]] == keys
