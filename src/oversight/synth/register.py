"""Register an existing lake (the synthetic demo lake) as accepted revisions and submissions.

The synthetic generator writes lake files directly, so without this their `revision_id`s point at
nothing: lineage cannot be followed into the operational database and the burden report sees no
returns. `register_lake` records every current lake file as the revision its rows name, with a
hard link in lake/_revisions/, and one accepted submission per organisation that sent it, at a
deterministic synthetic time around the collection's deadline (mostly on time, a seeded few
late). The result passes `recovery.check`, and registering again changes nothing.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import os
import shutil
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import Engine, Table, delete, insert, select

from oversight.catalogue import Catalogue, Collection
from oversight.collect.burden import due_date, submitting_providers
from oversight.collect.outcome import empty_report
from oversight.collect.recovery import recover_locked
from oversight.home import Home
from oversight.period import Period
from oversight.store import database
from oversight.store.lake import REVISIONS_DIR, Lake, fsync_dir
from oversight.store.models import AuditEvent, Revision, Submission
from oversight.synth.arrivals import Submitted, synthetic_times
from oversight.synth.lake_inventory import (
    LakeFile,
    RegistrationError,
    inspect_lake,
    lake_files,
    manifest_seed,
    named,
)

SUBMITTER = "synthetic"
"""Who registered revisions are recorded as submitted by (and what marks them as replaceable)."""

# --- what to record -------------------------------------------------------------------------


@functools.cache
def _due(period: dt.date, deadline: int) -> dt.date:
    return due_date(period, deadline)


def collection_for(catalogue: Catalogue, dataset: str) -> Collection:
    """The collection that writes `dataset`: of the dataset's own grain when several do."""
    candidates = [c for c in catalogue.collections.values() if c.dataset == dataset]
    if not candidates:
        raise RegistrationError(f"no collection in the catalogue writes dataset {dataset!r}")
    grain = catalogue.datasets[dataset].grain if dataset in catalogue.datasets else None
    return min(candidates, key=lambda c: (c.grain != grain, c.id))


def senders(catalogue: Catalogue, collection: Collection, icb: str, period: dt.date) -> list[str]:
    """Who sent a file's data: the providers the burden report expects the collection from
    (the synthetic records are spread over exactly these), else the ICB itself."""
    if collection.submitter == "provider":
        return submitting_providers(catalogue, collection, icb, period) or [icb]
    return [icb]


@dataclass
class _Existing:
    key: tuple[str, str, str]
    created_at: dt.datetime
    content_hash: str
    row_count: int
    submitter: str


@dataclass
class _Plan:
    revisions: list[dict[str, Any]]
    submissions: list[dict[str, Any]]
    links: list[LakeFile]  # every registered synthetic file whose revision file must exist
    drop: set[str]  # synthetic revision ids to delete (replaced, or gone from the lake)


def _existing(engine: Engine) -> dict[str, _Existing]:
    query = select(
        Revision.id,
        Revision.dataset,
        Revision.org_code,
        Revision.period,
        Revision.created_at,
        Revision.content_hash,
        Revision.row_count,
        Revision.submitter,
    )
    with database.session(engine) as s:
        rows = s.execute(query).all()
    return {r[0]: _Existing((r[1], r[2], r[3]), _utc(r[4]), r[5], r[6], r[7]) for r in rows}


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _protected(engine: Engine, ids: set[str]) -> set[str]:
    """Of `ids`, those a non-synthetic revision or submission refers to (never deleted)."""
    found: set[str] = set()
    ordered = sorted(ids)
    with database.session(engine) as s:
        for i in range(0, len(ordered), 5000):
            chunk = ordered[i : i + 5000]
            found |= set(
                s.scalars(
                    select(Revision.supersedes).where(
                        Revision.supersedes.in_(chunk), Revision.submitter != SUBMITTER
                    )
                )
            )
            found |= set(
                s.scalars(
                    select(Submission.revision_id).where(
                        Submission.revision_id.in_(chunk), Submission.submitter != SUBMITTER
                    )
                )
            )
    return found


def _classify(files: list[LakeFile], existing: dict[str, _Existing]) -> tuple[set[str], set[str]]:
    """Ids already registered with this very content, and synthetic ids registered with other
    content (to replace). A real revision whose file now differs is an error."""
    same: set[str] = set()
    changed: set[str] = set()
    for f in files:
        rid = f.revision_id or ""
        old = existing.get(rid)
        if old is None:
            continue
        if (old.key, old.content_hash, old.row_count) == (
            (f.dataset, f.org, f.period),
            f.content_hash,
            f.rows,
        ):
            same.add(rid)
        elif old.submitter == SUBMITTER:
            changed.add(rid)
        else:
            raise RegistrationError(
                f"{f.relative}: revision {rid} was submitted with other content; "
                "run recovery before registering"
            )
    return same, changed


def _plan(
    catalogue: Catalogue,
    files: list[LakeFile],
    existing: dict[str, _Existing],
    engine: Engine,
    submitted: Submitted,
) -> _Plan:
    in_lake = {f.revision_id or "" for f in files}
    same, changed = _classify(files, existing)
    gone = {i for i, e in existing.items() if e.submitter == SUBMITTER and i not in in_lake}
    drop = changed | (gone - _protected(engine, gone))
    if changed & _protected(engine, changed):
        raise RegistrationError("a replaced synthetic revision is referenced by a real one")
    newest: dict[tuple[str, str, str], tuple[dt.datetime, str]] = {}
    for rid, e in existing.items():
        if rid not in drop and (e.key not in newest or e.created_at > newest[e.key][0]):
            newest[e.key] = (e.created_at, rid)
    plan = _Plan([], [], [], drop)
    collections = {d: collection_for(catalogue, d) for d in sorted({f.dataset for f in files})}
    orgs: dict[tuple[str, str, str], list[str]] = {}  # (collection, ICB, period) → senders
    for f in files:
        rid = f.revision_id or ""
        if existing.get(rid) is not None and existing[rid].submitter != SUBMITTER:
            continue  # an ingested revision, already registered
        plan.links.append(f)
        if rid in same:
            continue
        collection = collections[f.dataset]
        period = Period.parse_month(f.period).start
        key = (collection.id, f.org, f.period)
        if key not in orgs:
            orgs[key] = senders(catalogue, collection, f.org, period)
        times = {
            o: _utc(submitted(collection.id, o, period, _due(period, collection.deadline)))
            for o in orgs[key]
        }
        _add(plan, collection, f, times, newest.get((f.dataset, f.org, f.period)))
    return plan


def _add(
    plan: _Plan,
    collection: Collection,
    f: LakeFile,
    times: dict[str, dt.datetime],
    before: tuple[dt.datetime, str] | None,
) -> None:
    """One revision row (created when its last sender's return arrived, after any revision it
    supersedes) and one submission row per sender."""
    rid = f.revision_id or ""
    last = max(times, key=lambda o: (times[o], o))
    created = times[last]
    supersedes = before[1] if before is not None and before[1] != rid else None
    if before is not None and supersedes is not None:
        created = max(created, before[0] + dt.timedelta(microseconds=1))
    plan.revisions.append(
        {
            "id": rid,
            "collection": collection.id,
            "dataset": f.dataset,
            "org_code": f.org,
            "period": f.period,
            "content_hash": f.content_hash,
            "source_hash": f.source_hash,
            "submitter": SUBMITTER,
            "created_at": created,
            "row_count": f.rows,
            "supersedes": supersedes,
            "lake_path": f"{REVISIONS_DIR}/{rid}.parquet",
            "published": True,
        }
    )
    report = empty_report(f.relative, f.rows) | {"registered_from_lake": True}
    for org, when in sorted(times.items()):
        plan.submissions.append(
            {
                "id": hashlib.sha256(f"{rid}\n{org}".encode()).hexdigest()[:32],
                "collection": collection.id,
                "org_code": org,
                "period": f.period,
                "submitter": SUBMITTER,
                "file_name": f.relative,
                "received_at": when,
                "status": "accepted",
                "report": report,
                "revision_id": rid,
                "created_revision": org == last,
            }
        )


# --- writing --------------------------------------------------------------------------------


def _link(lake: Lake, f: LakeFile) -> bool:
    """Make lake/_revisions/<id>.parquet the current file (a hard link); True if it changed.
    Plain strings and one link call in the usual case: 20,000 of these must take a second."""
    root = str(lake.root)
    current = f"{root}/{f.relative}"
    target = f"{root}/{REVISIONS_DIR}/{f.revision_id}.parquet"
    try:
        os.link(current, target)
        return True
    except FileExistsError:
        if os.path.samefile(current, target):
            return False
    except OSError:  # no hard links on this file system: copies
        pass
    temp = lake.temp_path(lake.revisions_dir())
    try:
        try:
            os.link(current, temp)
        except OSError:
            shutil.copyfile(current, temp)
        os.replace(temp, target)
    finally:
        temp.unlink(missing_ok=True)
    return True


def _chunks(ids: set[str], size: int = 5000) -> Iterator[list[str]]:
    ordered = sorted(ids)
    for i in range(0, len(ordered), size):
        yield ordered[i : i + size]


def _write(lake: Lake, engine: Engine, plan: _Plan) -> None:
    """Links first, then one transaction: a crash before the commit leaves revision files with
    no row, which recovery deletes; after it, everything is registered."""
    lake.revisions_dir().mkdir(parents=True, exist_ok=True)
    if any([_link(lake, f) for f in plan.links]):
        fsync_dir(lake.revisions_dir())
    if not (plan.revisions or plan.drop):
        return
    with database.session(engine) as s:
        database.lock_revisions(s)
        for chunk in _chunks(plan.drop):
            s.execute(
                delete(Submission).where(
                    Submission.revision_id.in_(chunk), Submission.submitter == SUBMITTER
                )
            )
            s.execute(delete(Revision).where(Revision.id.in_(chunk)))
        if plan.revisions:
            # Core executemany (no ORM unit of work): one prepared statement, all rows.
            s.execute(insert(cast(Table, Revision.__table__)), plan.revisions)
            s.execute(insert(cast(Table, Submission.__table__)), plan.submissions)
        s.add(
            AuditEvent(
                actor=SUBMITTER,
                action="lake.registered",
                subject=str(lake.root),
                detail={
                    "revisions": len(plan.revisions),
                    "submissions": len(plan.submissions),
                    "dropped": len(plan.drop),
                },
            )
        )
    kept = {f.revision_id for f in plan.links}
    for rid in plan.drop - kept:
        lake.revision_path(rid).unlink(missing_ok=True)


def register_lake(
    home: Home,
    *,
    submitted: Submitted | None = None,
    progress: bool = True,
    catalogue: Catalogue | None = None,
    engine: Engine | None = None,
) -> int:
    """Record every current file of `home`'s lake as an accepted revision with its
    submissions; returns how many revisions were added (0 when all were already there).

    Synthetic revisions of earlier registrations that the lake no longer holds, or holds with
    other content, are replaced; revisions from real submissions are never touched.
    """
    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
    lake = home.lake()
    engine = engine or home.database()
    seed = manifest_seed(lake)
    submitted = submitted or synthetic_times(seed if seed is not None else 0)
    unchanged, fresh = _registered(lake, lake_files(lake), seed, _existing(engine))
    files = named(inspect_lake(lake, fresh, progress), seed) + unchanged
    with lake.ingest_lock():
        recover_locked(lake, engine)
        plan = _plan(catalogue, files, _existing(engine), engine, submitted)
        _write(lake, engine, plan)
    return len(plan.revisions)


def _registered(
    lake: Lake,
    keys: list[tuple[str, str, str]],
    seed: int | None,
    existing: dict[str, _Existing],
) -> tuple[list[LakeFile], list[tuple[str, str, str]]]:
    """Split the lake's files into those already registered (the current file is the very
    inode of the registered revision file, which is immutable: no need to read it again) and
    those to inspect. Only a synthetic lake names its ids by convention, without reading."""
    if seed is None:
        return [], keys
    from oversight.synth.writer import revision_id as synthetic_id

    root = str(lake.root)
    known: list[LakeFile] = []
    fresh: list[tuple[str, str, str]] = []
    for dataset, period, org in keys:
        rid = synthetic_id(seed, dataset, period, org)
        old = existing.get(rid)
        current = f"{root}/{dataset}/{period}/{org}.parquet"
        target = f"{root}/{REVISIONS_DIR}/{rid}.parquet"
        if old is not None and old.key == (dataset, org, period) and _same_file(current, target):
            # source_hash is only written for new revisions, never for these
            known.append(LakeFile(dataset, period, org, rid, old.row_count, old.content_hash, ""))
        else:
            fresh.append((dataset, period, org))
    return known, fresh


def _same_file(a: str, b: str) -> bool:
    try:
        return os.path.samefile(a, b)
    except FileNotFoundError:
        return False
