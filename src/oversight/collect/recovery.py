"""Recovery and consistency of the two stores after a crash.

The database is the source of truth: a revision exists when its row is committed. Recovery
(run under the lake's ingest lock, before every commit and at start-up) removes what no
committed row accounts for and finishes what a committed row promised:
- temporary files whose writer is dead are deleted;
- files in lake/_revisions/ without a revision row are deleted (the crash came before commit);
- revisions not yet marked published get their current lake file (re)published.
`check` verifies the invariants the kill -9 test asserts.
"""

from __future__ import annotations

from pathlib import Path

import pyarrow.parquet as pq
from sqlalchemy import Engine, select, update

from oversight.collect.content_hash import hash_parquet
from oversight.store import database
from oversight.store.lake import TEMP_PREFIX, Lake
from oversight.store.models import Revision


def recover(lake: Lake, engine: Engine) -> list[str]:
    """Take the ingest lock and reconcile the lake with the database; returns what it did."""
    with lake.ingest_lock():
        return recover_locked(lake, engine)


def recover_locked(lake: Lake, engine: Engine) -> list[str]:
    """Reconcile; the caller holds lake.ingest_lock()."""
    with database.session(engine) as s:
        database.lock_revisions(s)  # wait for a dead client's commit still in flight
    actions = [f"removed temporary {p}" for p in lake.remove_orphan_temps()]
    directory = lake.revisions_dir()
    if directory.exists():
        on_disk = {p.stem: p for p in directory.glob("*.parquet")}
        if on_disk:
            with database.session(engine) as s:
                known = set(s.scalars(select(Revision.id).where(Revision.id.in_(list(on_disk)))))
            for rid in sorted(set(on_disk) - known):
                on_disk[rid].unlink()
                actions.append(f"removed uncommitted revision file {rid}")
    with database.session(engine) as s:
        pending = list(s.scalars(select(Revision).where(Revision.published.is_(False))))
    for rev in pending:
        publish_current(lake, engine, rev)
        actions.append(f"published revision {rev.id}")
    return actions


def publish_current(lake: Lake, engine: Engine, rev: Revision) -> None:
    """Make `rev` the current lake file if it is the newest for its key, then mark it
    published. Idempotent: recovery calls it again after a crash."""
    from oversight.collect.revisions import latest

    newest = latest(rev.dataset, rev.org_code, rev.period, engine)
    if newest is not None and newest.id == rev.id:
        lake.publish_copy(
            lake.root / rev.lake_path, lake.path(rev.dataset, rev.period, rev.org_code)
        )
    with database.session(engine) as s:
        s.execute(update(Revision).where(Revision.id == rev.id).values(published=True))


def check(lake: Lake, engine: Engine, *, verify_hashes: bool = True) -> list[str]:
    """Every broken invariant between the lake and the database (empty when consistent):
    each revision row has its file, complete and with the recorded content hash and row count;
    each current file is the newest revision of its key; no temporary file is left over."""
    problems: list[str] = []
    with database.session(engine) as s:
        every = list(s.scalars(select(Revision).order_by(Revision.created_at)))
    newest: dict[tuple[str, str, str], Revision] = {}
    for rev in every:
        newest[(rev.dataset, rev.org_code, rev.period)] = rev
        path = lake.root / rev.lake_path
        if not path.exists():
            problems.append(f"revision {rev.id}: file {rev.lake_path} is missing")
            continue
        rows = _rows(path)
        if rows != rev.row_count:
            problems.append(f"revision {rev.id}: file has {rows} rows, database {rev.row_count}")
        elif verify_hashes and hash_parquet(path) != rev.content_hash:
            problems.append(f"revision {rev.id}: content hash differs from the database")
        if not rev.published:
            problems.append(f"revision {rev.id}: not published")
    for (dataset, org, period), rev in newest.items():
        current = lake.path(dataset, period, org)
        revision_file = lake.root / rev.lake_path
        if not current.exists():
            problems.append(f"{current}: missing (newest revision {rev.id})")
        elif revision_file.exists() and not _same(current, revision_file):
            problems.append(f"{current}: is not the newest revision {rev.id}")
    if lake.revisions_dir().exists():
        known = {rev.id for rev in every}
        for p in lake.revisions_dir().glob("*.parquet"):
            if p.stem not in known:
                problems.append(f"{p}: revision file without a database row")
    problems.extend(f"{p}: temporary file left over" for p in lake.temp_files())
    return problems


def _rows(path: Path) -> int | None:
    try:
        return pq.read_metadata(path).num_rows
    except Exception:  # a truncated file is exactly what this looks for
        return None


def _same(a: Path, b: Path) -> bool:
    if a.samefile(b):
        return True
    return a.read_bytes() == b.read_bytes()


__all__ = ["TEMP_PREFIX", "check", "publish_current", "recover", "recover_locked"]
