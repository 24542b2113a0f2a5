"""kill -9 between acceptance and publication: after a restart the figure is published, and
announced exactly once.

A forked child accepts a one-ICB-month submission, says so, and runs the publish path; the
parent SIGKILLs it at a random moment after the acceptance (during the recompute, the judging,
the feed appends, or after), then does what a restarted server does (lake recovery, then a
publish run) and checks: the published figure is the last accepted one, the feed announces
each accepted revision once and each published version's change once, with dense cursors,
and the current version is judged and no version is left unjudged. On SQLite and on
PostgreSQL.
"""

from __future__ import annotations

import os
import random
import signal
import time
from collections import Counter
from pathlib import Path

import pytest
from tests.publish.publish_support import METRIC, backend_home, submit_ucr

from oversight.catalogue import load
from oversight.collect import recovery
from oversight.home import Home
from oversight.judge import stage
from oversight.metrics import published
from oversight.publish import feed, queue
from oversight.store import database
from oversight.store.testing import database_url

__all__ = ["backend_home", "database_url"]

ROUNDS = 6


def _child(home: Home, month: str, within: int, said: Path) -> None:
    for engine in list(database._engines.values()):  # the parent's connections stay its own
        engine.dispose(close=False)
    database._engines.clear()
    catalogue = load()
    submit_ucr(home, "QMJ", month, 100, within, catalogue)
    said.write_text("accepted")
    queue.publish_pending(home, catalogue=catalogue)
    said.write_text("published")


@pytest.mark.slow
def test_kill_minus_nine_between_acceptance_and_publication(
    backend_home: Home, tmp_path: Path
) -> None:
    home = backend_home
    month = f"{max(published(home).periods):%Y-%m}"
    catalogue = load()
    queue.publish_pending(home, catalogue=catalogue)  # the demo's version announced
    rng = random.Random(13)
    outcomes: Counter[str] = Counter()
    for n in range(ROUNDS):
        said = tmp_path / f"said-{n}"
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child dies by SIGKILL or exits here
            try:
                _child(home, month, 10 + n, said)
            finally:
                os._exit(0)
        deadline = time.monotonic() + 120
        while not said.exists() and time.monotonic() < deadline:
            time.sleep(0.005)
        assert said.exists(), f"round {n}: the child never accepted its submission"
        time.sleep(rng.uniform(0.0, 1.2))
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        outcomes[said.read_text()] += 1
        # the restart: lake recovery, then the publish run a starting server makes
        feed._CACHES.clear()
        recovery.recover(home.lake(), home.database())
        queue.publish_pending(home, catalogue=catalogue)
        rows = published(home).rows(metric=METRIC, org="QMJ", period=month)
        assert float(rows["value"].iloc[0]) == pytest.approx(10 + n), f"round {n}"
        assert stage.judged(home, published(home).id) is not None
        assert queue.pending(home, published(home), catalogue) == []
        assert queue.unjudged(home) == []
    entries, _ = feed.read(home)
    assert [e["cursor"] for e in entries] == [feed.cursor_of(home, i)
                                              for i in range(1, len(entries) + 1)]
    revisions = Counter(e["revision_id"] for e in entries if e["kind"] == "revision")
    assert len(revisions) == ROUNDS and set(revisions.values()) == {1}
    announced = Counter((e["results_version"], e["org"]) for e in entries
                        if e["kind"] == "results")
    assert set(announced.values()) == {1}
    last = [e for e in entries if e["kind"] == "results"][-1]
    assert last["results_version"] == published(home).id and last["revision_id"] in revisions
    assert outcomes["accepted"] >= 1, f"no kill fell inside the publish path: {outcomes}"
