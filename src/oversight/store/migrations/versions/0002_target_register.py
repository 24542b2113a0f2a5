"""Target register and custom peer groups.

Revision ID: 0002_target_register
Revises: 0001_collection
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_target_register"
down_revision = "0001_collection"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "register_targets",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("scope", sa.String(10), nullable=False),
        sa.Column("icb_code", sa.String(10), nullable=True),
        sa.Column("metric_id", sa.String(100), nullable=False),
        sa.Column("metric_name", sa.String(200), nullable=True),
        sa.Column("unit", sa.String(30), nullable=False),
        sa.Column("planning_year", sa.String(7), nullable=False),
        sa.Column("value", sa.Float(), nullable=False),
        sa.Column("comparison", sa.String(2), nullable=False),
        sa.Column("trajectory", sa.JSON(), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("accountable_body", sa.String(30), nullable=False),
        sa.Column("accountable_name", sa.String(200), nullable=False),
        sa.Column("rationale", sa.String(2000), nullable=False),
        sa.Column("partners", sa.JSON(), nullable=False),
        sa.Column("date_set", sa.Date(), nullable=False),
        sa.Column("deadline", sa.Date(), nullable=False),
        sa.Column("status", sa.String(12), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column(
            "supersedes", sa.String(120), sa.ForeignKey("register_targets.id"), nullable=True
        ),
        sa.Column("headline", sa.Boolean(), nullable=False),
        sa.Column("objective_id", sa.String(30), nullable=True),
        sa.Column("source", sa.String(2000), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index(
        "ix_register_targets_scope",
        "register_targets",
        ["scope", "icb_code", "metric_id", "planning_year"],
    )
    op.create_index("ix_register_targets_status", "register_targets", ["status"])
    op.create_table(
        "peer_groups",
        sa.Column("id", sa.String(120), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("owner_org", sa.String(10), nullable=True),
        sa.Column("members", sa.JSON(), nullable=False),
        sa.Column("description", sa.String(2000), nullable=False),
        sa.Column("valid_from", sa.Date(), nullable=False),
        sa.Column("valid_to", sa.Date(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("created_by", sa.String(200), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("peer_groups")
    op.drop_table("register_targets")
