"""Tables of CQC assessments and their evidence (oversight.judge.assessment.workflow).

An assessment is one version of the assessment of one organisation against one framework:
draft -> moderation -> published. A published version is never edited; a change is a new
version (`supersedes` names the one it replaces), so every published rating stays readable.
Who changed what and why lives in the shared `audit_log` (AuditEvent).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Date, DateTime, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from oversight.store.models import Base, utcnow


class Assessment(Base):
    """One version of an organisation's assessment, with its scores and overrides."""

    __tablename__ = "assessments"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    org_code: Mapped[str] = mapped_column(String(10))
    framework: Mapped[str] = mapped_column(String(60))
    framework_version: Mapped[str] = mapped_column(String(30))
    method: Mapped[str] = mapped_column(String(30))
    assessed_on: Mapped[dt.date] = mapped_column(Date)
    version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(20))  # draft | moderation | published
    assessor: Mapped[str] = mapped_column(String(200))
    supersedes: Mapped[str | None] = mapped_column(ForeignKey("assessments.id"), nullable=True)
    # statement id -> score 1-4, or {evidence category id: score} (method evidence_categories)
    scores: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # theme id or "overall" -> {"rating", "reason", "by"}
    overrides: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # the ratings as published (theme and overall: percentage, rating, limiter, account)
    result: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    published_at: Mapped[dt.datetime | None] = mapped_column(
        DateTime(timezone=True), nullable=True
    )

    __table_args__ = (Index("ix_assessments_org", "org_code", "framework", "version"),)


class EvidenceItem(Base):
    """A piece of evidence for a quality statement and evidence category of an assessment."""

    __tablename__ = "assessment_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessment_id: Mapped[str] = mapped_column(ForeignKey("assessments.id"), index=True)
    statement_id: Mapped[str] = mapped_column(String(100))
    category_id: Mapped[str] = mapped_column(String(100))
    # metric | document | survey | feedback | observation
    source: Mapped[str] = mapped_column(String(20))
    # what the source is: for a metric, its id, organisation, month, window and lineage key
    reference: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    observed_on: Mapped[dt.date] = mapped_column(Date)
    assessor: Mapped[str] = mapped_column(String(200))
    summary: Mapped[str] = mapped_column(String(4000))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
