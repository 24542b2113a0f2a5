"""Tables of the target register and custom peer groups (oversight.judge.register, .peer_groups).

One row per target version: a change never edits a published version, it adds the next one
(`supersedes` names the one it replaces), so the history of values and trajectories is kept.
Who changed what and why lives in the shared `audit_log` (AuditEvent).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, Float, ForeignKey, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from oversight.store.models import Base, utcnow


class RegisterTarget(Base):
    """One version of a national or local target, with its lifecycle status."""

    __tablename__ = "register_targets"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    scope: Mapped[str] = mapped_column(String(10))  # national | local
    icb_code: Mapped[str | None] = mapped_column(String(10), nullable=True)
    metric_id: Mapped[str] = mapped_column(String(100))
    metric_name: Mapped[str | None] = mapped_column(String(200), nullable=True)  # local metric
    unit: Mapped[str] = mapped_column(String(30))
    planning_year: Mapped[str] = mapped_column(String(7))  # 2025/26
    value: Mapped[float] = mapped_column(Float)
    comparison: Mapped[str] = mapped_column(String(2))
    trajectory: Mapped[list[Any]] = mapped_column(JSON, default=list)  # [["2025-04", 72.0], …]
    owner: Mapped[str] = mapped_column(String(200))
    accountable_body: Mapped[str] = mapped_column(String(30))
    accountable_name: Mapped[str] = mapped_column(String(200))
    rationale: Mapped[str] = mapped_column(String(2000))
    partners: Mapped[list[Any]] = mapped_column(JSON, default=list)
    date_set: Mapped[dt.date] = mapped_column(Date)
    deadline: Mapped[dt.date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12))  # draft | published | retired
    version: Mapped[int] = mapped_column(Integer)
    supersedes: Mapped[str | None] = mapped_column(ForeignKey("register_targets.id"), nullable=True)
    headline: Mapped[bool] = mapped_column(Boolean, default=False)
    objective_id: Mapped[str | None] = mapped_column(String(30), nullable=True)
    source: Mapped[str] = mapped_column(String(2000))
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (
        Index("ix_register_targets_scope", "scope", "icb_code", "metric_id", "planning_year"),
        Index("ix_register_targets_status", "status"),
    )


class CustomPeerGroup(Base):
    """A named group of ICBs an ICB (or NHS England) compares itself with, valid for dates."""

    __tablename__ = "peer_groups"

    id: Mapped[str] = mapped_column(String(120), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    owner_org: Mapped[str | None] = mapped_column(String(10), nullable=True)  # None: NHS England
    members: Mapped[list[Any]] = mapped_column(JSON, default=list)
    description: Mapped[str] = mapped_column(String(2000))
    valid_from: Mapped[dt.date] = mapped_column(Date)
    valid_to: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    retired_on: Mapped[dt.date | None] = mapped_column(Date, nullable=True)
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    created_by: Mapped[str] = mapped_column(String(200))
