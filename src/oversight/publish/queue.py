"""The publish queue: accepted revisions -> recompute -> statistics -> judge -> published
figures and change-feed entries, without an operator.

The queue is durable because it is derived, not kept: an accepted revision is committed in
the operational store (and made the current lake file) before its HTTP 201 or its command's
exit; it is *pending* while the published results were computed from another revision of its
ICB-month (the results record which revision of every dataset x ICB-month they used, their
presence). So a crash at any moment between acceptance and publication loses nothing: the
next run finds the same pending revisions and publishes them; and a revision already
published is not pending, so it is never published twice. Bursts coalesce: one run takes
every pending revision into one incremental recompute.

Feed entries are appended with keys (oversight.publish.feed), so a run after a crash appends
what the crashed run did not, and nothing twice: `reconcile` announces every published
version back to the last one announced (judging the current one first if the crash came
before its judgements).

One run at a time per home: runs hold an exclusive lock on <home>/publish/lock. The server runs
`Worker` (a thread woken by each accepted submission, and every few seconds in case another
process accepted one); `oversight submit` runs `publish_pending` inline.
"""

from __future__ import annotations

import datetime as dt
import fcntl
import logging
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from oversight.home import Home
from oversight.period import Period
from oversight.publish import feed

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue
    from oversight.metrics.results import ResultsVersion

log = logging.getLogger(__name__)

STATUS_FIELDS = ("national_status", "local_status")
"""Judgement fields whose change is announced in the feed (segments and ratings join when
their artefacts are judged per results version)."""
KEEP = 20
KEEP_SECONDS = 600.0
ANNOUNCE_BACK = 20
"""How many versions back `reconcile` looks for ones published but not announced."""


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


@contextmanager
def _lock(home: Home, wait: bool) -> Iterator[bool]:
    home.publish_dir.mkdir(parents=True, exist_ok=True)
    with (home.publish_dir / "lock").open("a") as fh:
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
    """Publish every pending revision: announce it, recompute its ICB-months (a full compute
    when one is for a month the results do not hold yet), judge, announce the new figures and
    the judgements that changed. None when another run holds the lock (`wait=False`) or
    nothing is published yet (the first compute is an operator's: `oversight compute`).
    `skip`: revision ids not to try again (ones a run already tried and could not place)."""
    from oversight.metrics.results import current

    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
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
        from oversight.pipeline import compute_and_judge

        def announce(published: ResultsVersion) -> None:  # before judging: figures first
            if published.id != version.id:
                outcome.entries.extend(feed.append(home, results_entries(published, catalogue)))

        months = set(version.periods)
        if all(a.period in months for a in found):
            new, _ = compute_and_judge(home, catalogue=catalogue, on_published=announce,
                                       changes=[a.change for a in found])
        else:
            new, _ = compute_and_judge(home, catalogue=catalogue, on_published=announce,
                                       full=True)
        if new.id != version.id:
            outcome.version, outcome.how = new.id, new.how
            outcome.entries += reconcile(home, catalogue)
            _prune(home)
        placed = _presence(str(home.results_dir), new.id)
        outcome.unplaced = [a.id for a in found if placed.get(a.change) != a.id]
        if outcome.unplaced:
            log.warning("accepted revisions the results still do not reflect after a "
                        "recompute (not tried again by this worker): %s", outcome.unplaced)
        return outcome


def _prune(home: Home) -> None:
    """Drop old versions (and their judgements) a publish per submission would pile up: the
    newest KEEP stay, and any younger than KEEP_SECONDS (a reader may hold one)."""
    import shutil

    from oversight.metrics.results import prune

    for gone in prune(home, keep=KEEP, min_age=KEEP_SECONDS):
        shutil.rmtree(home.judgements_dir / gone, ignore_errors=True)


def reconcile(home: Home, catalogue: Catalogue) -> list[dict[str, Any]]:
    """Announce published versions not yet in the feed (oldest first), judge the current one if
    it is not judged yet and announce its changed judgements; returns the entries appended."""
    from oversight.judge import stage
    from oversight.metrics.results import ResultsVersion, current

    version = newest = current(home)
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
    written = feed.append(home, entries) if entries else []
    if newest is None:
        return written
    if stage.judged(home, newest.id) is None:  # a run died between publishing and judging
        stage.assess(home, newest, catalogue=catalogue)
    mark = (str(home.root), newest.id)
    if mark not in _JUDGEMENTS_ANNOUNCED:  # once per version and process; keys dedupe the rest
        written += feed.append(home, judgement_entries(home, newest))
        _JUDGEMENTS_ANNOUNCED.add(mark)
    return written


_JUDGEMENTS_ANNOUNCED: set[tuple[str, str]] = set()
"""(home, results version)s whose judgement entries this process has appended."""


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


def judgement_entries(home: Home, version: ResultsVersion) -> list[dict[str, Any]]:
    """One `judgement` entry per organisation x metric x month whose target status changed
    between the parent's judgements and this version's."""
    import pandas as pd

    from oversight.judge import stage

    ids = list(version.manifest.get("metric_ids", []))
    new = stage.judged(home, version.id)
    old = stage.judged(home, version.parent) if version.parent else None
    if not ids or new is None or old is None:
        return []
    keys = ["metric_id", "org_code", "period"]
    cols = [*keys, *STATUS_FIELDS]

    def read(judged: stage.Judgements) -> pd.DataFrame:
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


def _text(value: Any) -> str | None:
    import pandas as pd

    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else str(value)


class Worker:
    """The server's publisher: a thread that runs `publish_pending` when woken (an accepted
    submission) and every `poll` seconds (a revision accepted by another process)."""

    def __init__(self, home: Home, poll: float = 5.0) -> None:
        self.home, self.poll = home, poll
        self._wake, self._stop = threading.Event(), threading.Event()
        self._thread: threading.Thread | None = None
        self._tried: set[str] = set()
        self.last: Outcome | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, name="publish-worker", daemon=True)
        self._thread.start()

    def notify(self) -> None:
        """Something was accepted: run now."""
        self._wake.set()

    def stop(self, timeout: float = 30.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    def _run(self) -> None:
        from oversight.catalogue import load

        catalogue = load()
        after: dt.datetime | None = None  # the first run looks at every revision
        while not self._stop.is_set():
            self._wake.clear()
            started = dt.datetime.now(dt.UTC)
            try:
                outcome = publish_pending(self.home, catalogue=catalogue, wait=False,
                                          after=after, skip=frozenset(self._tried))
                if outcome is not None:
                    self.last = outcome
                    self._tried.update(outcome.unplaced)
                    # later polls look back a while: a transaction that began before this
                    # run may commit a revision dated before it
                    after = started - dt.timedelta(minutes=10)
            except Exception:  # keep serving; the next wake-up or poll tries again
                log.exception("publishing accepted revisions failed")
            self._wake.wait(self.poll)
