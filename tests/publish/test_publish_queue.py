"""The publish path: an accepted submission becomes a published, judged figure and feed entries,
once; bursts coalesce; the server's worker and `oversight submit` both run it."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from tests.publish.publish_support import COLLECTION, METRIC, backend_home, copy_home, submit_ucr
from typer.testing import CliRunner

from oversight.cli import app
from oversight.home import Home
from oversight.judge import stage
from oversight.metrics import published
from oversight.publish import feed, queue
from oversight.store.testing import database_url

__all__ = ["backend_home", "database_url"]


def _value(home: Home, org: str, month: str) -> float:
    rows = published(home).rows(metric=METRIC, org=org, period=month)
    return float(rows["value"].iloc[0])


def _latest(home: Home) -> str:
    return f"{max(published(home).periods):%Y-%m}"


def test_an_accepted_revision_is_published_judged_and_announced_once(
    backend_home: Home,
) -> None:
    home = backend_home
    base = published(home)
    first = queue.publish_pending(home)  # nothing pending: the demo's version is announced
    assert first is not None and first.version is None
    assert [(e["kind"], e["results_version"], e["how"]) for e in first.entries] == [
        ("results", base.id, "full")
    ]
    month = _latest(home)
    rid = submit_ucr(home, "QMJ", month, 200, 150)
    assert [a.id for a in queue.pending(home, base, _catalogue())] == [rid]
    done = queue.publish_pending(home)
    assert done is not None and done.version == published(home).id != base.id
    assert done.revisions == [rid] and done.how == "incremental (1 ICB-months)"
    assert _value(home, "QMJ", month) == pytest.approx(75.0)
    assert stage.judged(home, done.version) is not None
    kinds = [e["kind"] for e in done.entries]
    assert kinds[:2] == ["revision", "results"] and set(kinds) <= {"revision", "results",
                                                                   "judgement"}
    revision, results = done.entries[0], done.entries[1]
    assert (revision["revision_id"], revision["collection"], revision["org"],
            revision["period"]) == (rid, COLLECTION, "QMJ", month)
    assert (results["results_version"], results["revision_id"], results["org"]) == (
        done.version, rid, "QMJ")
    assert METRIC in results["metric_ids"] and "ENG" in results["orgs_recomputed"]
    for entry in done.entries[2:]:
        assert entry["results_version"] == done.version and entry["changed"]
    # exactly once: nothing is pending or announced again, in this process or a new one
    again = queue.publish_pending(home)
    assert again is not None and (again.version, again.entries) == (None, [])
    feed._CACHES.clear()
    assert queue.publish_pending(home) == queue.Outcome()
    keys = [e["cursor"] for e in feed.read(home)[0]]
    assert len(keys) == len(set(keys)) == 1 + len(done.entries)


def _catalogue():
    from oversight.catalogue import load

    return load()


def test_a_burst_coalesces_into_one_version(backend_home: Home) -> None:
    home = backend_home
    month = _latest(home)
    ids = [submit_ucr(home, org, month, 100, n) for org, n in (("QMJ", 10), ("QMF", 20))]
    ids.append(submit_ucr(home, "QMJ", month, 100, 30))  # supersedes QMJ's first
    done = queue.publish_pending(home)
    assert done is not None and done.how == "incremental (2 ICB-months)"
    assert sorted(done.revisions) == sorted(ids[1:])
    assert (_value(home, "QMJ", month), _value(home, "QMF", month)) == (30.0, 20.0)
    results = [e for e in done.entries if e["kind"] == "results"]
    assert {(e["org"], e["revision_id"]) for e in results if e["org"]} == {
        ("QMJ", ids[2]), ("QMF", ids[1])}


def test_the_worker_publishes_without_being_told_and_the_cli_inline(
    demo_home: Home, tmp_path: Path
) -> None:
    home = copy_home(demo_home, tmp_path / "home")
    month = _latest(home)
    worker = queue.Worker(home, poll=0.2)
    worker.start()
    try:
        submit_ucr(home, "QHG", month, 100, 40)  # accepted by another process: no notify
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and (worker.last is None
                                               or worker.last.version is None):
            time.sleep(0.2)
    finally:
        worker.stop()
    assert worker.last is not None and worker.last.version == published(home).id
    assert _value(home, "QHG", month) == 40.0

    csv = tmp_path / "ucr.csv"
    csv.write_text(f"icb_code,period,ucr_referrals,ucr_within_2_hours\nQHG,{month}-01,100,60\n")
    out = CliRunner().invoke(app, ["submit", str(csv), "--collection", COLLECTION, "--org",
                                   "QHG", "--period", month, "--confirm",
                                   "--home", str(home.root)])
    assert out.exit_code == 0, out.output
    assert "Published results" in out.output and _value(home, "QHG", month) == 60.0
    assert [e["org"] for e in feed.read(home)[0] if e["kind"] == "revision"] == ["QHG", "QHG"]
