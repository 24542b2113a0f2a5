"""Chart annotations, SPC rebases and the ICBs' named rebase approvers.

Revision ID: 0005_annotations
Revises: 0004_recorded_judgements
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_annotations"
down_revision = "0004_recorded_judgements"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "annotations",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("metric_id", sa.String(100), nullable=False),
        sa.Column("org_type", sa.String(10), nullable=False),
        sa.Column("org_code", sa.String(10), nullable=False),
        sa.Column("breakdown", sa.String(60), nullable=True),
        sa.Column("group", sa.String(100), nullable=True),
        sa.Column("on", sa.Date(), nullable=False),
        sa.Column("text", sa.String(2000), nullable=False),
        sa.Column("author", sa.String(200), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_annotations_series", "annotations", ["metric_id", "org_code"])
    op.create_table(
        "rebases",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("metric_id", sa.String(100), nullable=False),
        sa.Column("org_type", sa.String(10), nullable=False),
        sa.Column("org_code", sa.String(10), nullable=False),
        sa.Column("starts", sa.Date(), nullable=False),
        sa.Column("reason", sa.String(2000), nullable=False),
        sa.Column("state", sa.String(12), nullable=False),
        sa.Column("proposed_by", sa.String(200), nullable=False),
        sa.Column("proposer_token", sa.String(32), nullable=False),
        sa.Column("proposed_at", _TS, nullable=False),
        sa.Column("decided_by", sa.String(200), nullable=True),
        sa.Column("decided_at", _TS, nullable=True),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_rebases_series", "rebases", ["metric_id", "org_code"])
    op.create_index("ix_rebases_state", "rebases", ["state"])
    op.create_table(
        "rebase_approvers",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("icb_code", sa.String(10), nullable=False),
        sa.Column("token_id", sa.String(32), nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("appointed_by", sa.String(200), nullable=False),
        sa.Column("appointed_at", _TS, nullable=False),
        sa.Column("removed_at", _TS, nullable=True),
    )
    op.create_index("ix_rebase_approvers_icb", "rebase_approvers", ["icb_code", "token_id"])


def downgrade() -> None:
    op.drop_table("rebase_approvers")
    op.drop_table("rebases")
    op.drop_table("annotations")
