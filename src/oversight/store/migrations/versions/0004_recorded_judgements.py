"""Recorded segmentation judgements: capability assessments, financial overrides, decisions.

Revision ID: 0004_recorded_judgements
Revises: 0003_escalation_cases
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_recorded_judgements"
down_revision = "0003_escalation_cases"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "recorded_judgements",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("kind", sa.String(20), nullable=False),
        sa.Column("org_code", sa.String(10), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("rules", sa.String(40), nullable=True),
        sa.Column("segment", sa.Integer(), nullable=True),
        sa.Column("intensive_support", sa.Boolean(), nullable=True),
        sa.Column("in_deficit", sa.Boolean(), nullable=True),
        sa.Column("deficit_support", sa.Boolean(), nullable=True),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("recorded_by", sa.String(200), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index(
        "ix_recorded_judgements_period", "recorded_judgements", ["period", "org_code"]
    )


def downgrade() -> None:
    op.drop_index("ix_recorded_judgements_period", table_name="recorded_judgements")
    op.drop_table("recorded_judgements")
