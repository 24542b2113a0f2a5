"""CQC assessments (draft, moderation, published versions) and their evidence items.

Revision ID: 0006_assessments
Revises: 0005_annotations
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006_assessments"
down_revision = "0005_annotations"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("org_code", sa.String(10), nullable=False),
        sa.Column("framework", sa.String(60), nullable=False),
        sa.Column("framework_version", sa.String(30), nullable=False),
        sa.Column("method", sa.String(30), nullable=False),
        sa.Column("assessed_on", sa.Date(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(20), nullable=False),
        sa.Column("assessor", sa.String(200), nullable=False),
        sa.Column("supersedes", sa.String(32), sa.ForeignKey("assessments.id"), nullable=True),
        sa.Column("scores", sa.JSON(), nullable=False),
        sa.Column("overrides", sa.JSON(), nullable=False),
        sa.Column("result", sa.JSON(), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
        sa.Column("published_at", _TS, nullable=True),
    )
    op.create_index("ix_assessments_org", "assessments", ["org_code", "framework", "version"])
    op.create_table(
        "assessment_evidence",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("assessment_id", sa.String(32), sa.ForeignKey("assessments.id"), nullable=False),
        sa.Column("statement_id", sa.String(100), nullable=False),
        sa.Column("category_id", sa.String(100), nullable=False),
        sa.Column("source", sa.String(20), nullable=False),
        sa.Column("reference", sa.JSON(), nullable=False),
        sa.Column("observed_on", sa.Date(), nullable=False),
        sa.Column("assessor", sa.String(200), nullable=False),
        sa.Column("summary", sa.String(4000), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
    )
    op.create_index(
        "ix_assessment_evidence_assessment_id", "assessment_evidence", ["assessment_id"]
    )


def downgrade() -> None:
    op.drop_table("assessment_evidence")
    op.drop_table("assessments")
