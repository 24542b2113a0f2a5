"""The operational database migrates itself and behaves the same on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa
from alembic.script import ScriptDirectory
from sqlalchemy.exc import IntegrityError

from oversight.store import database
from oversight.store.models import AuditEvent, Revision, Submission


def _revision(rid: str, supersedes: str | None = None) -> Revision:
    return Revision(
        id=rid,
        collection="ae_monthly",
        dataset="ae_attendances",
        org_code="QMJ",
        period="2024-06",
        content_hash="c" * 64,
        source_hash="s" * 64,
        submitter="tester",
        row_count=10,
        supersedes=supersedes,
        lake_path=f"_revisions/{rid}.parquet",
        published=False,
    )


def test_connect_creates_every_table_at_head(database_url: str) -> None:
    engine = database.connect(database_url)
    tables = set(sa.inspect(engine).get_table_names())
    assert {"revisions", "submissions", "tokens", "audit_log", "alembic_version"} <= tables
    assert {"register_targets", "peer_groups"} <= tables
    assert {"escalation_cases", "case_actions", "case_exit_criteria"} <= tables
    with engine.connect() as conn:
        version = conn.execute(sa.text("SELECT version_num FROM alembic_version")).scalar_one()
    # the one head of a linear chain (get_current_head refuses a branched one)
    head = ScriptDirectory.from_config(database.alembic_config(engine)).get_current_head()
    assert version == head


def test_connect_is_idempotent_and_cached(database_url: str) -> None:
    first = database.connect(database_url)
    assert database.connect(database_url) is first
    database.dispose(database_url)
    again = database.connect(database_url)  # upgrading an up-to-date schema is a no-op
    assert again is not first


def test_rows_round_trip_with_json_and_timezones(database_url: str) -> None:
    engine = database.connect(database_url)
    with database.session(engine) as s:
        s.add(_revision("r1"))
        s.add(_revision("r2", supersedes="r1"))
        s.add(
            Submission(
                id="sub1",
                collection="ae_monthly",
                org_code="QMJ",
                period="2024-06",
                submitter="tester",
                file_name="a.csv",
                status="rejected",
                report={"errors": [{"row": 3, "column": "sex", "rule": "allowed_values"}]},
            )
        )
        s.add(AuditEvent(actor="tester", action="submit", subject="sub1", detail={"n": 1}))
    with database.session(engine) as s:
        r2 = s.get(Revision, "r2")
        sub = s.get(Submission, "sub1")
        event = s.scalars(sa.select(AuditEvent)).one()
    assert r2 is not None and r2.supersedes == "r1"
    assert r2.created_at.astimezone(UTC) <= datetime.now(UTC)
    assert sub is not None and sub.report["errors"][0]["column"] == "sex"
    assert event.id >= 1 and event.detail == {"n": 1}


def test_a_revision_cannot_supersede_an_unknown_one(database_url: str) -> None:
    engine = database.connect(database_url)
    with pytest.raises(IntegrityError), database.session(engine) as s:
        s.add(_revision("r9", supersedes="missing"))


def test_failed_transaction_leaves_nothing(database_url: str) -> None:
    engine = database.connect(database_url)
    with pytest.raises(RuntimeError), database.session(engine) as s:
        s.add(_revision("r1"))
        s.flush()
        raise RuntimeError("crash in the middle")
    with database.session(engine) as s:
        assert s.scalars(sa.select(Revision)).all() == []
