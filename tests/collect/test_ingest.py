"""Ingest outcomes: rejected and unreadable files change nothing; warnings wait for
confirmation; dry runs store nothing. Runs on SQLite and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from tests.collect.ingest_support import SchemaValidator, gp_rows, write_csv

from oversight.catalogue import load
from oversight.collect import recovery
from oversight.collect.ingest import ingest
from oversight.store import database
from oversight.store.lake import Lake
from oversight.store.models import AuditEvent, Revision, Submission
from oversight.store.testing import database_url

__all__ = ["database_url"]


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load()


@pytest.fixture
def store(tmp_path: Path, database_url: str, catalogue: Any) -> dict[str, Any]:
    return {
        "collection": "gp_appointments_return",
        "org": "QMJ",
        "period": "2024-06",
        "submitter": "qmj-bi-team",
        "catalogue": catalogue,
        "lake": Lake(tmp_path / "lake"),
        "engine": database.connect(database_url),
        "validator_factory": SchemaValidator,
    }


def _lake_files(lake: Lake) -> list[Path]:
    return sorted(p for p in lake.root.rglob("*") if p.is_file() and p.name != ".ingest.lock")


def _count(engine: sa.Engine, model: type) -> int:
    with database.session(engine) as s:
        return s.scalar(sa.select(sa.func.count()).select_from(model)) or 0


def test_rejected_file_changes_nothing_but_is_logged_with_its_report(store, tmp_path) -> None:
    bad = write_csv(gp_rows(appointments="many"), tmp_path / "bad.csv")
    result = ingest(bad, **store)
    assert result.status == "rejected" and result.revision is None
    issue = result.report["issues"][0]
    assert (issue["file"], issue["row"], issue["column"], issue["rule"], issue["value"]) == (
        "bad.csv",
        1,
        "appointments",
        "type",
        "many",
    )
    assert _lake_files(store["lake"]) == []
    assert _count(store["engine"], Revision) == 0
    with database.session(store["engine"]) as s:
        sub = s.get(Submission, result.submission_id)
        assert sub is not None and sub.status == "rejected" and sub.report == result.report


def test_unreadable_file_is_rejected_with_a_format_issue(store, tmp_path) -> None:
    empty = tmp_path / "empty.csv"
    empty.write_text("")
    result = ingest(empty, **store)
    assert result.status == "rejected" and "empty" in result.report["issues"][0]["message"]
    garbage = tmp_path / "garbage.parquet"
    garbage.write_bytes(b"PAR1 but not really parquet")
    result = ingest(garbage, **store)
    assert result.status == "rejected"
    assert result.report["issues"][0]["rule"] == "format"
    assert _lake_files(store["lake"]) == []


def test_warnings_wait_for_confirmation(store, tmp_path) -> None:
    odd = write_csv(gp_rows(appointments=-5, within=0), tmp_path / "odd.csv")
    pending = ingest(odd, **store)
    assert pending.status == "pending_confirmation" and pending.revision is None
    assert _lake_files(store["lake"]) == []
    confirmed = ingest(odd, **store, confirm=True)
    assert confirmed.accepted and confirmed.created_revision
    assert recovery.check(store["lake"], store["engine"]) == []


def test_dry_run_validates_and_stores_nothing(store, tmp_path) -> None:
    good = write_csv(gp_rows(), tmp_path / "good.csv")
    result = ingest(good, **store, dry_run=True)
    assert result.status == "accepted" and result.dry_run and result.submission_id is None
    assert result.rows == 1
    assert _lake_files(store["lake"]) == []
    assert _count(store["engine"], Submission) == 0
    bad = ingest(write_csv(gp_rows(appointments="x"), tmp_path / "b.csv"), **store, dry_run=True)
    assert bad.status == "rejected" and _count(store["engine"], Submission) == 0


def test_every_stored_submission_is_audited(store, tmp_path) -> None:
    ingest(write_csv(gp_rows(), tmp_path / "a.csv"), **store)
    ingest(write_csv(gp_rows(appointments="x"), tmp_path / "b.csv"), **store)
    with database.session(store["engine"]) as s:
        actions = sorted(e.action for e in s.scalars(sa.select(AuditEvent)))
    assert actions == ["submission.accepted", "submission.rejected"]


def test_recovery_finishes_an_unpublished_revision(store, tmp_path) -> None:
    result = ingest(write_csv(gp_rows(), tmp_path / "a.csv"), **store)
    assert result.revision is not None
    lake, engine = store["lake"], store["engine"]
    current = lake.path("gp_appointments", "2024-06", "QMJ")
    current.unlink()  # as if the crash came after the commit, before publishing
    with database.session(engine) as s:
        s.execute(sa.update(Revision).values(published=False))
    stray = lake.revisions_dir() / "0123456789abcdef0123456789abcdef.parquet"
    stray.write_bytes(lake.revision_path(result.revision.id).read_bytes())
    assert recovery.check(lake, engine) != []
    actions = recovery.recover(lake, engine)
    assert any("published" in a for a in actions) and any("uncommitted" in a for a in actions)
    assert current.exists() and not stray.exists()
    assert recovery.check(lake, engine) == []
