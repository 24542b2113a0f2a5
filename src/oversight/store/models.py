"""Operational tables of the collection service: submissions, revisions, tokens, audit.

Later capabilities (targets, cases, assessments) add their own models on the same `Base` and
their own Alembic revisions; nothing here needs to know about them.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


def utcnow() -> datetime:
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Shared declarative base: every operational table hangs off this metadata."""


class Revision(Base):
    """An accepted submission's data, immutable, stored as lake/_revisions/<id>.parquet."""

    __tablename__ = "revisions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    collection: Mapped[str] = mapped_column(String(100))
    dataset: Mapped[str] = mapped_column(String(100))
    org_code: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(7))  # YYYY-MM
    content_hash: Mapped[str] = mapped_column(String(64))
    source_hash: Mapped[str] = mapped_column(String(64))
    submitter: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    row_count: Mapped[int] = mapped_column(BigInteger)
    supersedes: Mapped[str | None] = mapped_column(ForeignKey("revisions.id"), nullable=True)
    lake_path: Mapped[str] = mapped_column(String(300))
    # False between the commit of this row and the publication of the current lake file:
    # recovery republishes every unpublished revision (the "publish intent").
    published: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (
        Index("ix_revisions_key", "dataset", "org_code", "period", "created_at"),
        Index("ix_revisions_collection", "collection", "org_code", "period", "created_at"),
        Index("ix_revisions_unpublished", "published"),
    )


class Submission(Base):
    """Every submission attempt that was not a dry run: accepted, rejected or awaiting
    confirmation of its warnings. Rejected ones never touch the lake."""

    __tablename__ = "submissions"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    collection: Mapped[str] = mapped_column(String(100))
    org_code: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(7))
    submitter: Mapped[str] = mapped_column(String(200))
    file_name: Mapped[str] = mapped_column(String(300))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    # accepted | rejected | pending_confirmation | confirming (claimed by a confirm in progress)
    # | confirmed (a waiting one, confirmed by id) | expired (waited too long; file removed)
    status: Mapped[str] = mapped_column(String(30))
    report: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    revision_id: Mapped[str | None] = mapped_column(ForeignKey("revisions.id"), nullable=True)
    created_revision: Mapped[bool] = mapped_column(Boolean, default=False)

    __table_args__ = (Index("ix_submissions_key", "collection", "org_code", "period"),)


class Token(Base):
    """An API token, stored only as a salted SHA-256 digest; the secret is shown once."""

    __tablename__ = "tokens"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    org_code: Mapped[str | None] = mapped_column(String(10), nullable=True)  # None = national
    role: Mapped[str] = mapped_column(String(30))  # submitter | nhse | dhsc | cqc | admin
    salt: Mapped[str] = mapped_column(String(64))
    digest: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)


class AuditEvent(Base):
    """Append-only record of who did what: submissions, revisions, token changes."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(200))
    action: Mapped[str] = mapped_column(String(100))
    subject: Mapped[str] = mapped_column(String(200))
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)

    __table_args__ = (Index("ix_audit_log_at", "at"),)


class EscalationCase(Base):
    """An intervention or escalation case on one organisation (oversight.judge.escalation).

    Every change to it, its actions or its exit criteria is an AuditEvent (subject: its id)
    whose detail carries the mandatory reason."""

    __tablename__ = "escalation_cases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_code: Mapped[str] = mapped_column(String(10))
    state: Mapped[str] = mapped_column(String(30))  # oversight.judge.escalation.states.STATES
    owner: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(2000))  # the public summary
    triggers: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [{"kind", "detail"}]
    opened_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    opened_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_escalation_cases_org", "org_code", "state"),)


class CaseAction(Base):
    """An agreed action on a case: what, who, by when, and whether it is done."""

    __tablename__ = "case_actions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("escalation_cases.id"), index=True)
    text: Mapped[str] = mapped_column(String(2000))
    owner: Mapped[str] = mapped_column(String(200))
    due: Mapped[date] = mapped_column(Date)
    done: Mapped[bool] = mapped_column(Boolean, default=False)


class CaseExitCriterion(Base):
    """An exit criterion of a case, with the outcome of its latest evaluation."""

    __tablename__ = "case_exit_criteria"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    case_id: Mapped[str] = mapped_column(ForeignKey("escalation_cases.id"), index=True)
    metric_id: Mapped[str] = mapped_column(String(100))
    comparison: Mapped[str] = mapped_column(String(2))
    threshold: Mapped[float] = mapped_column(Float)
    periods: Mapped[int] = mapped_column(Integer)
    run: Mapped[int | None] = mapped_column(Integer, nullable=True)  # months met, last evaluation
    through: Mapped[str | None] = mapped_column(String(7), nullable=True)  # its last month
    evaluated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
