"""Tables of chart annotations, SPC rebases and the ICBs' named rebase approvers
(oversight.annotations).

A row holds the current state only; who changed what, when and why lives in the shared
`audit_log` (AuditEvent, subject: the row's id), written in the same transaction.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Date, DateTime, Index, String
from sqlalchemy.orm import Mapped, mapped_column

from oversight.store.models import Base, utcnow


class Annotation(Base):
    """A note on a series (metric x organisation, optionally one breakdown group) at a date."""

    __tablename__ = "annotations"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    metric_id: Mapped[str] = mapped_column(String(100))
    org_type: Mapped[str] = mapped_column(String(10))  # icb | region | england
    org_code: Mapped[str] = mapped_column(String(10))
    breakdown: Mapped[str | None] = mapped_column(String(60), nullable=True)  # None: every one
    group: Mapped[str | None] = mapped_column(String(100), nullable=True)
    on: Mapped[dt.date] = mapped_column(Date)
    text: Mapped[str] = mapped_column(String(2000))
    author: Mapped[str] = mapped_column(String(200))
    state: Mapped[str] = mapped_column(String(12))  # active | withdrawn
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_annotations_series", "metric_id", "org_code"),)


class Rebase(Base):
    """A proposed, approved, rejected, withdrawn or reversed SPC rebase of a metric x
    organisation: new limits from the month `starts` (every breakdown group of it)."""

    __tablename__ = "rebases"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    metric_id: Mapped[str] = mapped_column(String(100))
    org_type: Mapped[str] = mapped_column(String(10))  # icb | region | england
    org_code: Mapped[str] = mapped_column(String(10))
    starts: Mapped[dt.date] = mapped_column(Date)  # first day of the month the new limits start
    reason: Mapped[str] = mapped_column(String(2000))
    state: Mapped[str] = mapped_column(String(12))  # oversight.annotations.lifecycle.STATES
    proposed_by: Mapped[str] = mapped_column(String(200))
    proposer_token: Mapped[str] = mapped_column(String(32))  # its token id: no self-approval
    proposed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decided_by: Mapped[str | None] = mapped_column(String(200), nullable=True)
    decided_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_rebases_series", "metric_id", "org_code"),
        Index("ix_rebases_state", "state"),
    )


class RebaseApprover(Base):
    """An ICB's named rebase approver: one API token (by id) that may approve, reject and
    reverse rebases of that ICB's series. Appointed and removed by NHS England, audited."""

    __tablename__ = "rebase_approvers"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    icb_code: Mapped[str] = mapped_column(String(10))
    token_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))  # the token's name when appointed
    appointed_by: Mapped[str] = mapped_column(String(200))
    appointed_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    removed_at: Mapped[dt.datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    __table_args__ = (Index("ix_rebase_approvers_icb", "icb_code", "token_id"),)
