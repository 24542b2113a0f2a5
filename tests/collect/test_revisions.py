"""Revisions: immutability, idempotent resubmission, supersession, as-of history, lineage.
Runs on SQLite and on PostgreSQL."""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
from tests.collect.ingest_support import SchemaValidator, gp_rows, write_csv

from oversight.catalogue import load
from oversight.collect import recovery, revisions
from oversight.collect.content_hash import hash_parquet
from oversight.collect.ingest import ingest
from oversight.store import database
from oversight.store.lake import Lake
from oversight.store.testing import database_url

__all__ = ["database_url"]

COLLECTION = "gp_appointments_return"


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load()


@pytest.fixture
def store(tmp_path: Path, database_url: str, catalogue: Any) -> dict[str, Any]:
    return {
        "collection": COLLECTION,
        "submitter": "qmj-bi-team",
        "catalogue": catalogue,
        "lake": Lake(tmp_path / "lake"),
        "engine": database.connect(database_url),
        "validator_factory": SchemaValidator,
    }


def _submit(store: dict[str, Any], path: Path, org: str = "QMJ", period: str = "2024-06"):
    return ingest(path, org=org, period=period, **store)


def test_accepted_submission_becomes_an_immutable_revision(store, tmp_path) -> None:
    result = _submit(store, write_csv(gp_rows(appointments=1234), tmp_path / "a.csv"))
    assert result.accepted and result.created_revision
    rev = result.revision
    assert (rev.collection, rev.dataset, rev.org_code, rev.period) == (
        COLLECTION,
        "gp_appointments",
        "QMJ",
        "2024-06",
    )
    assert rev.row_count == 1 and rev.submitter == "qmj-bi-team" and rev.supersedes is None
    stored = pq.read_table(store["lake"].revision_path(rev.id))
    assert stored.column("appointments").to_pylist() == [1234]
    assert stored.column("revision_id").to_pylist() == [rev.id]
    assert hash_parquet(store["lake"].revision_path(rev.id)) == rev.content_hash
    current = store["lake"].path("gp_appointments", "2024-06", "QMJ")
    assert pq.read_table(current).equals(stored)
    assert recovery.check(store["lake"], store["engine"]) == []


def test_identical_resubmission_creates_no_new_revision(store, tmp_path) -> None:
    first = _submit(store, write_csv(gp_rows(), tmp_path / "a.csv"))
    again = _submit(store, write_csv(gp_rows(), tmp_path / "copy.csv"))
    assert again.accepted and not again.created_revision
    assert again.revision.id == first.revision.id
    assert again.submission_id != first.submission_id  # the attempt itself is logged
    assert len(revisions.history(COLLECTION, "QMJ", "2024-06", store["engine"])) == 1
    assert len(list(store["lake"].revisions_dir().glob("*.parquet"))) == 1


def test_same_rows_in_another_format_are_the_same_content(store, tmp_path) -> None:
    first = _submit(store, write_csv(gp_rows(), tmp_path / "a.csv"))
    json_file = tmp_path / "a.json"
    json_file.write_text(
        '[{"icb_code": "QMJ", "period": "2024-06-01", "appointments": "1000",'
        ' "appointments_within_2_weeks": "800"}]'
    )
    again = _submit(store, json_file)
    assert again.accepted and not again.created_revision
    assert again.revision.id == first.revision.id


def test_later_revision_supersedes_and_history_stays_queryable(store, tmp_path) -> None:
    a = _submit(store, write_csv(gp_rows(appointments=100), tmp_path / "a.csv")).revision
    time.sleep(0.01)
    between = dt.datetime.now(dt.UTC)
    time.sleep(0.01)
    b = _submit(store, write_csv(gp_rows(appointments=200), tmp_path / "b.csv")).revision
    c = _submit(store, write_csv(gp_rows(appointments=100), tmp_path / "a2.csv")).revision
    assert b.supersedes == a.id and c.supersedes == b.id
    assert c.id != a.id and c.content_hash == a.content_hash  # A, B, A again: three revisions
    engine = store["engine"]
    assert [r.id for r in revisions.history(COLLECTION, "QMJ", "2024-06", engine)] == [
        a.id,
        b.id,
        c.id,
    ]
    then = revisions.as_of(COLLECTION, "QMJ", "2024-06", between, engine)
    assert then is not None and then.id == a.id
    before = a.created_at - dt.timedelta(seconds=1)
    assert revisions.as_of(COLLECTION, "QMJ", "2024-06", before, engine) is None
    now = revisions.latest("gp_appointments", "QMJ", "2024-06", engine)
    assert now is not None and now.id == c.id
    # computation reads the newest; the old revision files are still there
    current = pq.read_table(store["lake"].path("gp_appointments", "2024-06", "QMJ"))
    assert current.column("revision_id").to_pylist() == [c.id]
    assert pq.read_table(store["lake"].revision_path(b.id)).column("appointments")[0].as_py() == 200
    assert recovery.check(store["lake"], engine) == []


def test_lineage_names_the_revisions_in_effect(store, tmp_path) -> None:
    q1 = _submit(store, write_csv(gp_rows(appointments=1), tmp_path / "1.csv")).revision
    f1 = _submit(store, write_csv(gp_rows("QMF", appointments=2), tmp_path / "2.csv"), "QMF")
    q2 = _submit(store, write_csv(gp_rows(appointments=3), tmp_path / "3.csv")).revision
    may = _submit(
        store, write_csv(gp_rows(period="2024-05"), tmp_path / "4.csv"), period="2024-05"
    ).revision
    engine = store["engine"]
    every = revisions.revisions_for("gp_appointments", engine=engine)
    assert {r.id for r in every} == {q2.id, f1.revision.id, may.id}
    assert [
        r.id for r in revisions.revisions_for("gp_appointments", "QMJ", "2024-06", engine=engine)
    ] == [q2.id]
    assert {
        r.id for r in revisions.revisions_for("gp_appointments", period="2024-06", engine=engine)
    } == {
        q2.id,
        f1.revision.id,
    }
    at_q1 = revisions.revisions_for("gp_appointments", "QMJ", when=q1.created_at, engine=engine)
    assert [r.id for r in at_q1] == [q1.id]
    assert revisions.revisions_for("beds", engine=engine) == []
    # the current files carry the same lineage in their revision_id column
    table = store["lake"].table("gp_appointments").to_pyarrow()
    assert set(table.column("revision_id").to_pylist()) == {r.id for r in every}
