"""The publish queue: accepted revisions -> recompute -> published figures and `results`
feed entries; then, as a step of its own, judge -> inequality -> escalation cases -> `judgement`
feed entries; without an operator.

The queue is durable because it is derived, not kept: an accepted revision is committed in
the operational store (and made the current lake file) before its HTTP 201 or its command's
exit; it is *pending* while the published results were computed from another revision of its
ICB-month (the results record which revision of every dataset x ICB-month they used, their
presence). So a crash at any moment between acceptance and publication loses nothing: the
next run finds the same pending revisions and publishes them; and a revision already
published is not pending, so it is never published twice. Bursts coalesce: one run takes
every pending revision into one incremental recompute.

The judge step is derived the same way: a published version is *unjudged* from the current
version back to the last one whose judge step finished (<home>/publish/judged names it, written
only after its judgements, inequality measures, feed entries and, for the newest, the case
evaluation). The figures never wait for it: the server runs the two steps in two threads, so a
submission accepted while a version is being judged is published at once, and the judge then
works through the versions in order (each one incremental from its parent's judgements).

Feed entries are appended with keys (oversight.publish.feed), so a run after a crash appends
what the crashed run did not, and nothing twice: `reconcile` announces every published
version back to the last one announced.

One run of each step at a time per home: the figures step holds an exclusive lock on
<home>/publish/lock, the judge step on <home>/publish/judge.lock. The server runs `Worker`
(threads woken by each accepted submission, and every few seconds in case another process
accepted one); `oversight submit` runs `publish_pending` (both steps) inline.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from oversight.home import Home
from oversight.period import Period
from oversight.publish import feed
from oversight.publish.rating_feed import announce_ratings

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue
    from oversight.judge.stage import Judgements
    from oversight.metrics.results import ResultsVersion

log = logging.getLogger(__name__)

STATUS_FIELDS = ("national_status", "local_status")
"""Judgement fields whose change is announced in the feed (and every organisation's segment,
`segment_entries`)."""
KEEP = 20
KEEP_SECONDS = 600.0
ANNOUNCE_BACK = 20
"""How many versions back `reconcile` looks for ones published but not announced, and the
judge step for ones not judged."""
JUDGED_MARK = "judged"
"""<home>/publish/judged: the results version whose judge step finished last."""


@dataclass(frozen=True)
class Accepted:
    """An accepted revision: the newest of its ICB-month, current in the lake."""

    id: str
    collection: str
    dataset: str
    org: str
    period: dt.date
    created_at: dt.datetime

    @property
    def change(self) -> tuple[str, str, dt.date]:
        return (self.dataset, self.org, self.period)


@dataclass
class Outcome:
    """What one run did: the version it published (None: nothing pending) and the entries
    it appended to the feed."""

    version: str | None = None
    revisions: list[str] = field(default_factory=list)
    entries: list[dict[str, Any]] = field(default_factory=list)
    how: str | None = None
    unplaced: list[str] = field(default_factory=list)
    """Revisions still pending after the recompute (their file adds nothing the results
    record, such as an empty one): a worker does not try them again."""
    judged: list[str] = field(default_factory=list)
    """Results versions whose judge step this run finished, oldest first."""


@contextmanager
def _lock(home: Home, wait: bool, name: str = "lock") -> Iterator[bool]:
    home.publish_dir.mkdir(parents=True, exist_ok=True)
    with (home.publish_dir / name).open("a") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            yield False
            return
        try:
            yield True
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def accepted(
    home: Home,
    after: dt.datetime | None = None,
    keep: Callable[[str, str, str, str], bool] | None = None,
) -> list[Accepted]:
    """The newest published revision of every ICB-month (only of revisions created at or after
    `after`, when given: what a polling worker needs), oldest first; `keep(dataset, org,
    'YYYY-MM', id)` picks some before they are made into `Accepted`s."""
    from oversight.collect.revisions import as_utc
    from oversight.store import database
    from oversight.store.models import Revision

    query = select(Revision.id, Revision.collection, Revision.dataset, Revision.org_code,
                   Revision.period, Revision.created_at).where(Revision.published.is_(True))
    if after is not None:
        query = query.where(Revision.created_at >= after)
    with database.session(home.database()) as s:
        rows = s.execute(query).all()
    newest: dict[tuple[str, str, str], Any] = {}
    for row in sorted(rows, key=lambda r: (r.created_at, r.id)):
        newest[(row.dataset, row.org_code, row.period)] = row  # the last one wins
    return [
        Accepted(r.id, r.collection, r.dataset, r.org_code, Period.parse_month(r.period).start,
                 as_utc(r.created_at))
        for r in newest.values()
        if keep is None or keep(r.dataset, r.org_code, r.period, r.id)
    ]


@lru_cache(maxsize=4)
def _presence(root: str, version: str) -> dict[tuple[str, str, dt.date], str]:
    """Which revision every dataset x ICB-month of a (immutable) version was computed from."""
    from pathlib import Path

    from oversight.metrics.results import ResultsVersion

    frame = ResultsVersion(version, Path(root) / version).presence()
    return {(r.dataset, r.icb_code, r.period): r.revision_id
            for r in frame.itertuples(index=False)}


@lru_cache(maxsize=4)
def _presence_by_month(root: str, version: str) -> dict[tuple[str, str, str], str]:
    """`_presence` keyed by 'YYYY-MM' as the store writes months (no parsing per revision)."""
    return {(d, o, f"{p:%Y-%m}"): r for (d, o, p), r in _presence(root, version).items()}


def pending(
    home: Home, version: ResultsVersion, catalogue: Catalogue, after: dt.datetime | None = None
) -> list[Accepted]:
    """Accepted revisions of computed datasets that `version` was not computed from."""
    computed = {i.dataset for m in catalogue.metrics.values()
                for i in (catalogue.data_items[d] for d in m.data_item_ids)}
    known = _presence_by_month(str(home.results_dir), version.id)
    return accepted(home, after, lambda d, o, p, rid: d in computed and known.get((d, o, p)) != rid)


def publish_pending(
    home: Home,
    *,
    catalogue: Catalogue | None = None,
    wait: bool = True,
    after: dt.datetime | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> Outcome | None:
    """Both steps inline (what `oversight submit` and a restart run): `publish_figures`, then
    `judge_published`. None when another run holds the figures lock (`wait=False`) or nothing
    is published yet (the first compute is an operator's: `oversight compute`)."""
    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
    outcome = publish_figures(home, catalogue=catalogue, wait=wait, after=after, skip=skip)
    if outcome is None:
        return None
    judged = judge_published(home, catalogue=catalogue, wait=wait)
    if judged is not None:
        outcome.entries += judged.entries
        outcome.judged = judged.judged
    outcome.entries += announce_ratings(home)
    return outcome


def publish_figures(
    home: Home,
    *,
    catalogue: Catalogue | None = None,
    wait: bool = True,
    after: dt.datetime | None = None,
    skip: set[str] | frozenset[str] = frozenset(),
) -> Outcome | None:
    """Publish every pending revision: announce it, recompute its ICB-months (a full compute
    when one is for a month the results do not hold yet) and announce the new figures; no
    judging (`judge_published` does that after). None when another run holds the lock
    (`wait=False`) or nothing is published yet. `skip`: revision ids not to try again (ones a
    run already tried and could not place)."""
    from oversight.metrics.results import current
    from oversight.metrics.stage import compute

    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
    started, cpu = time.perf_counter(), time.thread_time()
    with _lock(home, wait) as got:
        if not got:
            return None
        version = current(home)
        if version is None:
            return None
        outcome = Outcome(entries=reconcile(home, catalogue))
        found = [a for a in pending(home, version, catalogue, after) if a.id not in skip]
        if not found:
            return outcome
        outcome.revisions = [a.id for a in found]
        outcome.entries += feed.append(home, [_revision_entry(a) for a in found])
        months = set(version.periods)
        began = time.perf_counter()
        if all(a.period in months for a in found):
            new = compute(home, catalogue=catalogue, changes=[a.change for a in found])
        else:
            new = compute(home, catalogue=catalogue, full=True)
        computed = time.perf_counter()
        if new.id != version.id:
            outcome.version, outcome.how = new.id, new.how
            outcome.entries += feed.append(home, results_entries(new, catalogue))
            log.info("published %s (%s) in %.2f s (this thread's CPU: %.2f s): compute %.2f s",
                     new.id, new.how, time.perf_counter() - started, time.thread_time() - cpu,
                     computed - began)
            _prune(home)
        placed = _presence(str(home.results_dir), new.id)
        outcome.unplaced = [a.id for a in found if placed.get(a.change) != a.id]
        if outcome.unplaced:
            log.warning("accepted revisions the results still do not reflect after a "
                        "recompute (not tried again by this worker): %s", outcome.unplaced)
        return outcome


def unjudged(home: Home) -> list[ResultsVersion]:
    """The published versions whose judge step has not finished, oldest first: the current one
    and its parents back to the last one whose step finished (at most ANNOUNCE_BACK)."""
    from oversight.metrics.results import ResultsVersion, current

    mark = home.publish_dir / JUDGED_MARK
    done = mark.read_text().strip() if mark.exists() else None
    chain: list[ResultsVersion] = []
    version = current(home)
    while version is not None and version.id != done and len(chain) < ANNOUNCE_BACK:
        chain.append(version)
        parent = version.parent
        path = home.results_dir / parent if parent else None
        version = ResultsVersion(parent, path) if parent and path and path.is_dir() else None
    return chain[::-1]


def judge_published(
    home: Home, *, catalogue: Catalogue | None = None, wait: bool = True
) -> Outcome | None:
    """The judge step: judge every unjudged version in order (each from its parent's
    judgements), measure its inequality, announce its changed judgements, and for the newest
    re-check the escalation cases; each version is marked done only after all of that, so a
    crash leaves it to the next run. None when another run holds the judge lock."""
    from oversight.pipeline import evaluate_cases, judge_version

    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
    with _lock(home, wait, "judge.lock") as got:
        if not got:
            return None
        outcome = Outcome()
        chain = unjudged(home)
        for n, version in enumerate(chain):
            if not version.path.is_dir():  # pruned while waiting: its children follow
                continue
            began = time.perf_counter()
            judge_version(home, version, catalogue)
            log.info("judged %s in %.2f s", version.id, time.perf_counter() - began)
            outcome.entries += feed.append(home, judgement_entries(home, version, catalogue))
            if n == len(chain) - 1:
                evaluate_cases(home)
            _mark_judged(home, version.id)
            outcome.judged.append(version.id)
        return outcome


def _mark_judged(home: Home, version_id: str) -> None:
    import os

    tmp = home.publish_dir / f".{JUDGED_MARK}.{os.getpid()}"
    tmp.write_text(version_id + "\n")
    os.replace(tmp, home.publish_dir / JUDGED_MARK)


def _prune(home: Home) -> None:
    """Drop old versions (and their judgements) a publish per submission would pile up: the
    newest KEEP stay, and any younger than KEEP_SECONDS (a reader may hold one)."""
    import shutil

    from oversight.metrics.results import prune

    for gone in prune(home, keep=KEEP, min_age=KEEP_SECONDS):
        shutil.rmtree(home.judgements_dir / gone, ignore_errors=True)


def reconcile(home: Home, catalogue: Catalogue) -> list[dict[str, Any]]:
    """Announce published versions not yet in the feed (oldest first): what a run killed after
    publishing but before announcing left; returns the entries appended."""
    from oversight.metrics.results import ResultsVersion, current

    version = current(home)
    unannounced: list[ResultsVersion] = []
    while version is not None and len(unannounced) < ANNOUNCE_BACK:
        if _announced(home, version):
            break
        unannounced.append(version)
        parent = version.parent
        path = home.results_dir / parent if parent else None
        version = ResultsVersion(parent, path) if parent and path and path.is_dir() else None
    entries: list[dict[str, Any]] = []
    for v in reversed(unannounced):
        entries += results_entries(v, catalogue)
    return feed.append(home, entries) if entries else []


def _announced(home: Home, version: ResultsVersion) -> bool:
    keys = [_results_key(version, c) for c in version.changes] or [_results_key(version, None)]
    return feed.has(home, keys[-1])


def _results_key(version: ResultsVersion, change: tuple[str, str, dt.date] | None) -> str:
    if change is None:
        return f"results:{version.id}"
    dataset, org, period = change
    return f"results:{version.id}:{dataset}:{org}:{period:%Y-%m}"


def _revision_entry(a: Accepted) -> dict[str, Any]:
    return {
        "kind": "revision",
        "key": f"revision:{a.id}",
        "collection": a.collection,
        "dataset": a.dataset,
        "org": a.org,
        "period": f"{a.period:%Y-%m}",
        "revision_id": a.id,
        "accepted_at": a.created_at.isoformat(),
    }


def _metric_ids(catalogue: Catalogue, dataset: str) -> list[str]:
    return sorted(m.id for m in catalogue.metrics.values()
                  if any(catalogue.data_items[i].dataset == dataset for i in m.data_item_ids))


def _collection(catalogue: Catalogue, dataset: str) -> str | None:
    found = sorted(c.id for c in catalogue.collections.values() if c.dataset == dataset)
    return found[0] if found else None


def results_entries(version: ResultsVersion, catalogue: Catalogue) -> list[dict[str, Any]]:
    """One `results` entry per ICB-month the version was published for (one for a full
    computation)."""
    base = {"kind": "results", "results_version": version.id, "parent": version.parent,
            "how": version.how}
    if not version.changes:
        return [{**base, "key": _results_key(version, None), "collection": None, "org": None,
                 "period": None, "revision_id": None,
                 "metric_ids": sorted(catalogue.metrics)}]
    known = _presence(str(version.root), version.id)
    return [
        {
            **base,
            "key": _results_key(version, change),
            "collection": _collection(catalogue, change[0]),
            "dataset": change[0],
            "org": change[1],
            "period": f"{change[2]:%Y-%m}",
            "revision_id": known.get(change),
            "metric_ids": _metric_ids(catalogue, change[0]),
            "orgs_recomputed": list(version.manifest.get("orgs", [])),
        }
        for change in version.changes
    ]


def judgement_entries(
    home: Home, version: ResultsVersion, catalogue: Catalogue | None = None
) -> list[dict[str, Any]]:
    """One `judgement` entry per organisation x metric x month whose target status changed
    between the parent's judgements and this version's, then (with `catalogue`) one per
    organisation x rule set x quarter whose segment changed (`segment_entries`)."""
    from oversight.judge import stage

    new = stage.judged(home, version.id)
    old = stage.judged(home, version.parent) if version.parent else None
    if new is None or old is None:
        return []
    entries = status_entries(version, old, new)
    if catalogue is not None:
        entries += segment_entries(version.id, old.path, new.path, catalogue)
    return entries


def status_entries(
    version: ResultsVersion, old: Judgements, new: Judgements
) -> list[dict[str, Any]]:
    """The target statuses that changed, in the metrics this version recomputed."""
    import pandas as pd

    ids = list(version.manifest.get("metric_ids", []))
    if not ids:
        return []
    keys = ["metric_id", "org_code", "period"]
    cols = [*keys, *STATUS_FIELDS]

    def read(judged: Judgements) -> pd.DataFrame:
        files = [judged.file(m) for m in ids if judged.file(m).exists()]
        frames = [pd.read_parquet(f, columns=cols) for f in files]
        return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=cols)

    both = read(old).merge(read(new), on=keys, how="outer", suffixes=("_before", "_after"))
    entries = []
    for row in both.itertuples(index=False):
        rec = row._asdict()
        changed = {
            f: {"before": _text(rec[f"{f}_before"]), "after": _text(rec[f"{f}_after"])}
            for f in STATUS_FIELDS
            if _text(rec[f"{f}_before"]) != _text(rec[f"{f}_after"])
        }
        if not changed:
            continue
        period = f"{pd.Timestamp(rec['period']):%Y-%m}"
        entries.append({
            "kind": "judgement",
            "key": f"judgement:{version.id}:{rec['org_code']}:{rec['metric_id']}:{period}",
            "results_version": version.id,
            "org": rec["org_code"],
            "metric_id": rec["metric_id"],
            "period": period,
            "changed": changed,
        })
    return entries


def segment_entries(
    version_id: str, old: Path, new: Path, catalogue: Catalogue
) -> list[dict[str, Any]]:
    """One `judgement` entry per organisation x rule set x quarter whose segment differs
    between two judgements folders (a quarter's file the judge copied unchanged is skipped
    unread). Each names the quarter's last month as its `period` and the metrics the rule set
    scores as `metric_ids`, which is what the embargo asks about
    (oversight.publish.feed_api.may_see)."""
    import filecmp
    import json

    from oversight.judge.segmentation import artefact as segments

    before_dir, after_dir = segments.folder(old), segments.folder(new)
    if not after_dir.is_dir():
        return []
    entries: list[dict[str, Any]] = []
    for file in sorted(after_dir.glob("*/*.json")):
        rules, quarter = file.parent.name, file.stem
        before = before_dir / rules / file.name
        if before.exists() and filecmp.cmp(before, file, shallow=False):
            continue
        was = ({r["org"]: r for r in json.loads(before.read_text())["results"]}
               if before.exists() else {})
        data = json.loads(file.read_text())
        rule_set = catalogue.rule_sets.get(rules)
        metric_ids = sorted(rule_set.metric_ids) if rule_set is not None else []
        last = Period.parse_quarter(quarter).months()[-1]
        for row in data["results"]:
            prior = was.get(row["org"], {}).get("segment")
            if prior == row.get("segment"):
                continue
            entries.append({
                "kind": "judgement",
                "key": f"judgement:{version_id}:segment:{rules}:{row['org']}:{quarter}",
                "results_version": version_id,
                "org": row["org"],
                "rule_set": rules,
                "quarter": quarter,
                "period": f"{last.start:%Y-%m}",
                "metric_ids": metric_ids,
                "changed": {"segment": {"before": prior, "after": row.get("segment")}},
            })
    return entries


def _text(value: Any) -> str | None:
    import pandas as pd

    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


MIRROR_QUIET = 10.0
"""Seconds without a new publication before the worker writes the open-data mirror: a burst
of submissions is mirrored once, after it."""


CHILD_NICENESS = 10
"""How much lower the judge and mirror child runs than the server (os.nice increment)."""


class Worker:
    """The server's publisher: two threads, woken by an accepted submission and every `poll`
    seconds (a revision accepted by another process). One publishes figures
    (`publish_figures`) and wakes the other, which runs the judge step (`judge_published`)
    and then, once publications pause for MIRROR_QUIET seconds, the open-data mirror
    (`mirror`; a new publication interrupts it), each in a child process (`python -m
    oversight.publish.queue`): a judgement in progress never holds back the next
    submission's figures, nor competes with them (or with the pages served) for this
    process's interpreter lock. Killing a child at any moment is safe (the judge step is
    derived from the store; mirror files are renamed into place whole)."""

    def __init__(self, home: Home, poll: float = 5.0, mirror: bool = True) -> None:
        self.home, self.poll, self.mirror = home, poll, mirror
        self._wake, self._judge, self._stop = (threading.Event(), threading.Event(),
                                               threading.Event())
        self._threads: list[threading.Thread] = []
        self._tried: set[str] = set()
        self._child: subprocess.Popen[bytes] | None = None
        self.last: Outcome | None = None
        """The last figures run (one that found nothing pending included)."""

    def start(self) -> None:
        from oversight.catalogue import load

        catalogue = load()
        self._threads = [
            threading.Thread(target=self._figures, args=(catalogue,), name="publish-figures",
                             daemon=True),
            threading.Thread(target=self._judging, name="publish-judge", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def notify(self) -> None:
        """Something was accepted: run now."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        self._judge.set()
        child = self._child
        if child is not None and child.poll() is None:  # left to the next start
            child.kill()
        for thread in self._threads:
            thread.join(timeout)

    def _figures(self, catalogue: Catalogue) -> None:
        after: dt.datetime | None = None  # the first run looks at every revision
        while not self._stop.is_set():
            self._wake.clear()
            started = dt.datetime.now(dt.UTC)
            try:
                outcome = publish_figures(self.home, catalogue=catalogue, wait=False,
                                          after=after, skip=frozenset(self._tried))
                if outcome is not None:
                    self.last = outcome
                    self._tried.update(outcome.unplaced)
                    # later polls look back a while: a transaction that began before this
                    # run may commit a revision dated before it
                    after = started - dt.timedelta(minutes=10)
                    if outcome.version is not None or outcome.entries:
                        self._judge.set()
            except Exception:  # keep serving; the next wake-up or poll tries again
                log.exception("publishing accepted revisions failed")
            self._wake.wait(self.poll)

    def _judging(self) -> None:
        from oversight.publish import downloads

        while not self._stop.is_set():
            self._judge.clear()
            wait = self.poll
            try:
                announce_ratings(self.home)  # assessments published since the last pass
                if unjudged(self.home):  # a child only when there is work: it costs imports
                    self._run_child(_judge_command(self.home), interruptible=False)
                quiet = _since_published(self.home)
                if self.mirror and quiet < MIRROR_QUIET:
                    wait = min(wait, MIRROR_QUIET - quiet + 0.1)
                elif self.mirror and downloads.mirror_due(self.home):
                    # a new publication interrupts it: judging it comes first
                    self._run_child(_judge_command(self.home, "--mirror"), interruptible=True)
            except Exception:  # keep serving; the next wake-up or poll tries again
                log.exception("judging published results failed")
            self._judge.wait(wait)

    def _run_child(self, command: list[str], *, interruptible: bool) -> None:
        """Run one child process to its end, unless the worker stops (or, `interruptible`,
        something new is published) first: then kill it (what it left is done again)."""
        child = self._child = subprocess.Popen(command, env=_child_env())
        while child.poll() is None:
            if self._stop.is_set() or (interruptible and self._judge.is_set()):
                child.kill()
                child.wait()
                return
            self._stop.wait(0.1)
        if child.returncode != 0 and not self._stop.is_set():
            log.warning("the publish worker's child %s ended with %s", command[-1],
                        child.returncode)


def _judge_command(home: Home, step: str = "--judge") -> list[str]:
    return [sys.executable, "-m", "oversight.publish.queue", str(home.root), home.database_url,
            step]


def _child_env() -> dict[str, str]:
    """This environment, with the folder this `oversight` package is imported from first on
    the child's path (so it runs the same code)."""
    import oversight
    from oversight import config

    return config.child_environment(Path(oversight.__file__).resolve().parent.parent)


def _since_published(home: Home) -> float:
    """Seconds since the published results last changed (their pointer was replaced)."""
    from oversight.metrics import results

    try:
        return time.time() - (home.results_dir / results.POINTER).stat().st_mtime
    except FileNotFoundError:
        return float("inf")


def mirror(home: Home) -> Path | None:
    """The open-data mirror of the published version (oversight.publish.downloads.mirror),
    written when it is missing or older than the version's last release time that has passed
    since; older versions' mirrors are removed once their results are pruned."""
    from oversight.publish import downloads

    return downloads.mirror_current(home)


def main(argv: list[str]) -> int:
    """The worker's child process: `python -m oversight.publish.queue ROOT DATABASE_URL
    --judge` runs the judge step for one home, `--mirror` the open-data mirror."""
    import os

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(message)s")
    # behind the server: the next submission's figures and the pages come first (on two
    # cores a judge at equal priority took half the CPU the figures step needed)
    os.nice(CHILD_NICENESS)
    home = Home.at(argv[0], argv[1])
    if argv[2:] == ["--mirror"]:
        mirror(home)
    else:
        judge_published(home, wait=False)
    return 0


if __name__ == "__main__":  # pragma: no cover - run as the worker's child process
    raise SystemExit(main(sys.argv[1:]))
