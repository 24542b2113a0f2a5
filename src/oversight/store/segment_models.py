"""The table of recorded segmentation judgements (oversight.judge.segmentation.recorded).

Capability assessments, financial status (what the financial override reads) and nof-2022
segment decisions are made by people at NHS England, not computed: one row per recording,
never edited. A later row for the same kind, organisation and quarter (and rule set, for a
decision) replaces the earlier one; the history stays. Who recorded it and why is on the row
and in the shared `audit_log`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Boolean, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from oversight.store.models import Base, utcnow


class RecordedJudgement(Base):
    """One recorded judgement about an organisation in a quarter."""

    __tablename__ = "recorded_judgements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(20))  # capability | override | decision
    org_code: Mapped[str] = mapped_column(String(10))
    period: Mapped[str] = mapped_column(String(7))  # a calendar quarter, 2025-Q3
    rules: Mapped[str | None] = mapped_column(String(40), nullable=True)  # decision: rule set
    segment: Mapped[int | None] = mapped_column(Integer, nullable=True)  # decision
    intensive_support: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # capability
    in_deficit: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # override
    deficit_support: Mapped[bool | None] = mapped_column(Boolean, nullable=True)  # override
    reason: Mapped[str] = mapped_column(String(2000))
    recorded_by: Mapped[str] = mapped_column(String(200))
    recorded_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    __table_args__ = (Index("ix_recorded_judgements_period", "period", "org_code"),)
