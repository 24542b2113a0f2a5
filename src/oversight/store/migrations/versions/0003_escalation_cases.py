"""Intervention and escalation cases, their actions and exit criteria.

Revision ID: 0003_escalation_cases
Revises: 0002_target_register
Create Date: 2026-12-06
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003_escalation_cases"
down_revision = "0002_target_register"
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)


def upgrade() -> None:
    op.create_table(
        "escalation_cases",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("org_code", sa.String(10), nullable=False),
        sa.Column("state", sa.String(30), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("summary", sa.String(2000), nullable=False),
        sa.Column("triggers", sa.JSON(), nullable=False),
        sa.Column("opened_at", _TS, nullable=False),
        sa.Column("opened_by", sa.String(200), nullable=False),
        sa.Column("updated_at", _TS, nullable=False),
    )
    op.create_index("ix_escalation_cases_org", "escalation_cases", ["org_code", "state"])
    op.create_table(
        "case_actions",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("escalation_cases.id"), nullable=False),
        sa.Column("text", sa.String(2000), nullable=False),
        sa.Column("owner", sa.String(200), nullable=False),
        sa.Column("due", sa.Date(), nullable=False),
        sa.Column("done", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_case_actions_case_id", "case_actions", ["case_id"])
    op.create_table(
        "case_exit_criteria",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("case_id", sa.String(32), sa.ForeignKey("escalation_cases.id"), nullable=False),
        sa.Column("metric_id", sa.String(100), nullable=False),
        sa.Column("comparison", sa.String(2), nullable=False),
        sa.Column("threshold", sa.Float(), nullable=False),
        sa.Column("periods", sa.Integer(), nullable=False),
        sa.Column("run", sa.Integer(), nullable=True),
        sa.Column("through", sa.String(7), nullable=True),
        sa.Column("evaluated_at", _TS, nullable=True),
    )
    op.create_index("ix_case_exit_criteria_case_id", "case_exit_criteria", ["case_id"])


def downgrade() -> None:
    op.drop_table("case_exit_criteria")
    op.drop_table("case_actions")
    op.drop_table("escalation_cases")
