"""Ingest one submission: read, validate, hash and store it as an immutable revision, atomically.

Order of work, so that a crash at any instant leaves the whole revision or nothing:
1. stream the file through the validator into a locked temporary file in lake/_revisions/;
2. under the lake's ingest lock: recover leftovers, rename the temporary file to
   _revisions/<id>.parquet, commit the revision row (published = false: the publish intent),
   hard-link the revision to lake/<dataset>/<YYYY-MM>/<ICB>.parquet by rename, mark it
   published. Recovery (collect/recovery.py) finishes or removes whatever a crash interrupted.
A rejected submission is logged as a submission but touches neither the lake nor revisions.
A submission over one of its collection's limits (collect/limits.py) raises LimitExceeded
before or while it is read; it is refused, not logged as a submission.
"""

from __future__ import annotations

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import Future, wait
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow as pa
from sqlalchemy import Engine

from oversight.collect import limits, recovery, revisions
from oversight.collect.content_hash import ContentHasher, hash_bytes
from oversight.collect.formats.bounds import NO_LIMITS, ReadLimits
from oversight.collect.history import submitter_history
from oversight.collect.organisations import check_submission_org
from oversight.collect.outcome import IngestResult, ReportLike, empty_report, format_failure
from oversight.collect.revision_writer import RevisionWriter
from oversight.collect.validation.spec import ARROW_TYPES
from oversight.collect.validator_port import (
    BatchValidator,
    ValidatorFactory,
    default_validator_factory,
)
from oversight.period import Period
from oversight.store import database
from oversight.store.lake import Lake
from oversight.store.models import AuditEvent, Revision, Submission, utcnow

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue, Dataset

Progress = Callable[[int, int | None], None]
PLATFORM_COLUMNS = ("icb_code", "period", "revision_id")
DEFAULT_BATCH_ROWS = 262_144


def not_stored_message(collection: str) -> str:
    """Why a collection with `dataset: none` cannot be submitted (CLI, API and ingest)."""
    return (
        f"collection {collection!r} has no dataset in the lake (it is declared only for the "
        "burden report), so there is no dataset to submit or validate against"
    )


class ConcurrentSubmissionError(RuntimeError):
    """Another revision for the same data landed while this one was being validated."""


@dataclass
class _Context:
    collection: str
    dataset: Dataset
    org: str
    period: str
    submitter: str
    file_name: str
    lake: Lake
    engine: Engine
    bounds: ReadLimits = NO_LIMITS
    extra: dict[str, Any] = field(default_factory=dict)


def ingest(
    path: str | Path,
    *,
    collection: str,
    org: str,
    period: Period | str | date,
    submitter: str,
    file_name: str | None = None,
    dry_run: bool = False,
    confirm: bool = False,
    catalogue: Catalogue | None = None,
    lake: Lake,
    engine: Engine,
    progress: Progress | None = None,
    validator_factory: ValidatorFactory | None = None,
    batch_rows: int = DEFAULT_BATCH_ROWS,
) -> IngestResult:
    """Validate and (unless `dry_run`) store `path` for one collection, organisation, month.

    Raises KeyError for an unknown collection, OrganisationError (a ValueError) for an
    organisation that may not send it for that period (collect/organisations.py) and
    LimitExceeded for a file over one of the collection's limits; every problem with the data
    itself comes back as a rejected result with its report.
    """
    if catalogue is None:
        from oversight.catalogue import load

        catalogue = load()
    coll = catalogue.collections[collection]
    if coll.dataset is None:
        raise KeyError(not_stored_message(collection))
    month = str(Period.month_of(period))
    check_submission_org(catalogue, org, collection, month)
    if Path(path).is_file():
        limits.check_file_size(path, catalogue, collection)
    ctx = _Context(
        collection=collection,
        dataset=catalogue.datasets[coll.dataset],
        org=org,
        period=month,
        submitter=submitter,
        file_name=file_name or Path(path).name,
        lake=lake,
        engine=engine,
        bounds=limits.read_limits(catalogue, collection),
    )
    ctx.lake.path(ctx.dataset.id, ctx.period, org)  # refuses a path outside the lake, now
    previous = revisions.latest(ctx.dataset.id, org, ctx.period, ctx.engine)
    source = SourceHash(path, collection, org, ctx.period, previous.id if previous else None)
    if previous is not None and not dry_run:
        source.wait()  # a resubmission: the very bytes of the current revision need no work
    if previous is not None and not dry_run and source.same_as(previous.id):
        report = empty_report(ctx.file_name, previous.row_count)
        return _record(ctx, "accepted", report, previous)
    validator = _validators(ctx, catalogue, validator_factory)
    with ctx.lake.staged(ctx.lake.revisions_dir()) as (temp, _lock):
        target = None if dry_run else temp
        outcome = _typed_then_text(path, ctx, validator, source, target, progress, batch_rows)
        if isinstance(outcome, dict):  # unreadable file
            return _finish(ctx, "rejected", outcome, dry_run)
        checked, hasher = outcome
        report_dict = checked.to_dict()
        if not checked.ok:
            return _finish(ctx, "rejected", report_dict, dry_run)
        if checked.warnings and not confirm:
            return _finish(ctx, "pending_confirmation", report_dict, dry_run)
        if dry_run:
            return IngestResult(None, "accepted", report_dict, None, False, hasher.rows, True)
        rid, source_hash = source.revision_id.result(), source.digest()
        return _commit(ctx, temp, rid, source_hash, hasher, report_dict, previous)


class SourceHash:
    """The submitted file's SHA-256 (and so the revision id), computed on its own thread."""

    def __init__(
        self, path: str | Path, collection: str, org: str, period: str, previous: str | None
    ) -> None:
        self.revision_id: Future[str] = Future()
        self._result: Future[tuple[str, int, int]] = Future()

        def run() -> None:
            try:
                result = hash_bytes(path)
            except BaseException as exc:
                self._result.set_exception(exc)
                self.revision_id.set_exception(exc)
                return
            self._result.set_result(result)
            rid = revisions.revision_id(collection, org, period, result[0], previous)
            self.revision_id.set_result(rid)

        threading.Thread(target=run, name="hash-source", daemon=True).start()

    def wait(self) -> None:
        wait([self._result])

    def digest(self) -> str:
        return self._result.result()[0]

    def same_as(self, revision: str) -> bool:
        return self.revision_id.exception() is None and self.revision_id.result() == revision

    def row_estimate(self) -> int | None:
        """Lines minus the header, once the hash (which counts them) is done."""
        if not self._result.done() or self._result.exception() is not None:
            return None
        return max(self._result.result()[2] - 1, 1)


def _validators(
    ctx: _Context, catalogue: Catalogue, factory: ValidatorFactory | None
) -> Callable[[], BatchValidator]:
    """Makes a fresh validator (the typed pass and a text re-read each need one). The default
    validator gets the submitter's own history for the outlier rule; a custom factory is
    called as the ValidatorFactory protocol says."""
    if factory is not None:
        custom = factory
        return lambda: custom(
            catalogue, ctx.collection, ctx.org, ctx.period, file_name=ctx.file_name
        )
    own = submitter_history(catalogue, ctx.collection, ctx.org, ctx.period, ctx.engine, ctx.lake)
    return lambda: default_validator_factory(
        catalogue, ctx.collection, ctx.org, ctx.period, file_name=ctx.file_name, history=own
    )


Streamed = tuple[ReportLike, ContentHasher] | dict[str, Any]


def _typed_then_text(
    path: str | Path,
    ctx: _Context,
    new_validator: Callable[[], BatchValidator],
    source: SourceHash,
    temp: Path | None,
    progress: Progress | None,
    batch_rows: int,
) -> Streamed:
    """A CSV is first read with the dataset's column types, so the reader converts each cell
    once and validation has no casts to do; if a cell does not convert, or the file has any
    error, it is read again as text, so the report names every cell exactly as submitted
    (the typed reader accepts only what the text path accepts; docs/collection.md)."""
    validator = new_validator()
    types = _csv_types(path, validator)
    if types:
        outcome = _stream(path, ctx, validator, source, temp, progress, batch_rows, types)
        if outcome is not None and not (isinstance(outcome, tuple) and not outcome[0].ok):
            return outcome
        validator = new_validator()
    outcome = _stream(path, ctx, validator, source, temp, progress, batch_rows, None)
    assert outcome is not None
    return outcome


def _csv_types(path: str | Path, validator: BatchValidator) -> dict[str, pa.DataType] | None:
    """The validator's non-text column types when `path` is a CSV file, else None."""
    from oversight.collect.formats import FormatError, detect_format

    schema = getattr(validator, "schema", None)
    try:
        if schema is None or detect_format(path) != "csv":
            return None
    except FormatError:
        return None
    return {f.name: f.type for f in schema if not pa.types.is_string(f.type)}


def _stream(
    path: str | Path,
    ctx: _Context,
    validator: BatchValidator,
    source: SourceHash,
    temp: Path | None,
    progress: Progress | None,
    batch_rows: int,
    types: dict[str, pa.DataType] | None,
) -> Streamed | None:
    """Read (reader thread) → validate (this thread) → complete, hash, write (writer thread).
    None when a typed read met a cell it could not convert."""
    from oversight.collect.formats import FormatError, TypedReadFailed, read_batches

    def fill(batch: pa.RecordBatch, rid: str) -> pa.RecordBatch:
        return complete(batch, ctx.dataset, ctx.org, ctx.period, rid)

    writer = RevisionWriter(temp, fill, source.revision_id)
    offset = 0
    try:
        for batch in read_batches(path, batch_rows=batch_rows, types=types, limits=ctx.bounds):
            writer.put(validator.check_batch(batch, offset))
            offset += batch.num_rows
            if progress is not None:
                progress(offset, source.row_estimate())
        hasher = writer.close()
    except TypedReadFailed:
        writer.abort()
        return None
    except FormatError as error:
        writer.abort()
        # named as the submitter named it, not by the platform's name for the stored upload
        return format_failure(ctx.file_name, f"{ctx.file_name}: {error.reason}")
    except BaseException:
        writer.abort()
        raise
    hasher.rows = writer.rows
    return validator.finish(), hasher


def complete(
    batch: pa.RecordBatch, dataset: Dataset, org: str, period: str, rid: str
) -> pa.RecordBatch:
    """The batch in the dataset's column order with the platform's columns set: icb_code and
    period when the submission left them out, and always revision_id (lineage)."""
    n = batch.num_rows
    names = batch.schema.names
    arrays: list[pa.Array] = []
    fields: list[pa.Field] = []
    for column in dataset.columns:
        if column.name == "revision_id":
            array: pa.Array = pa.repeat(pa.scalar(rid, pa.string()), n)
        elif column.name in names:
            array = batch.column(names.index(column.name))
        elif column.name == "icb_code":
            array = pa.repeat(pa.scalar(org, pa.string()), n)
        elif column.name == "period":
            first = Period.parse_month(period).start
            array = pa.repeat(pa.scalar(first, pa.date32()), n)
        else:
            array = pa.nulls(n, ARROW_TYPES[column.type])
        arrays.append(array)
        fields.append(pa.field(column.name, array.type))
    return pa.RecordBatch.from_arrays(arrays, schema=pa.schema(fields))


def _commit(
    ctx: _Context,
    temp: Path,
    rid: str,
    source_hash: str,
    hasher: ContentHasher,
    report: dict[str, Any],
    previous: Revision | None,
) -> IngestResult:
    content_hash = hasher.hexdigest()
    lake = ctx.lake
    with lake.ingest_lock():
        recovery.recover_locked(lake, ctx.engine)
        current = revisions.latest(ctx.dataset.id, ctx.org, ctx.period, ctx.engine)
        if (current.id if current else None) != (previous.id if previous else None):
            raise ConcurrentSubmissionError(
                f"another revision of {ctx.dataset.id} for {ctx.org} {ctx.period} was accepted "
                "while this one was being validated; submit again"
            )
        if current is not None and current.content_hash == content_hash:
            return _record(ctx, "accepted", report, current)  # same data, other bytes
        final = lake.revision_path(rid)
        lake.publish(temp, final)
        created = utcnow()
        if current is not None and revisions.as_utc(current.created_at) >= created:
            created = revisions.as_utc(current.created_at) + timedelta(microseconds=1)
        rev = Revision(
            id=rid,
            collection=ctx.collection,
            dataset=ctx.dataset.id,
            org_code=ctx.org,
            period=ctx.period,
            content_hash=content_hash,
            source_hash=source_hash,
            submitter=ctx.submitter,
            created_at=created,
            row_count=hasher.rows,
            supersedes=current.id if current else None,
            lake_path=str(final.relative_to(lake.root)),
            published=False,
        )
        result = _record(ctx, "accepted", report, rev, new_revision=rev)
        recovery.publish_current(lake, ctx.engine, rev)
        return result


def _record(
    ctx: _Context,
    status: str,
    report: dict[str, Any],
    rev: Revision | None,
    new_revision: Revision | None = None,
) -> IngestResult:
    """Log the submission (and the new revision, in the same transaction)."""
    sid = uuid.uuid4().hex
    with database.session(ctx.engine) as s:
        if new_revision is not None:
            database.lock_revisions(s)
            s.add(new_revision)
            s.flush()
        s.add(
            Submission(
                id=sid,
                collection=ctx.collection,
                org_code=ctx.org,
                period=ctx.period,
                submitter=ctx.submitter,
                file_name=ctx.file_name,
                status=status,
                report=report,
                revision_id=rev.id if rev else None,
                created_revision=new_revision is not None,
            )
        )
        s.add(
            AuditEvent(
                actor=ctx.submitter,
                action=f"submission.{status}",
                subject=sid,
                detail={
                    "collection": ctx.collection,
                    "org": ctx.org,
                    "period": ctx.period,
                    "revision_id": rev.id if rev else None,
                    "new_revision": new_revision is not None,
                },
            )
        )
    rows = rev.row_count if rev is not None else 0
    return IngestResult(sid, status, report, rev, new_revision is not None, rows, False)


def _finish(ctx: _Context, status: str, report: dict[str, Any], dry_run: bool) -> IngestResult:
    if dry_run:
        return IngestResult(None, status, report, None, False, 0, True)
    return _record(ctx, status, report, None)
