"""Collection tables: revisions, submissions, tokens, audit log.

Revision ID: 0001_collection
Revises:
Create Date: 2025-01-01
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001_collection"
down_revision = None
branch_labels = None
depends_on = None

_TS = sa.DateTime(timezone=True)
_BIGINT_PK = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "revisions",
        sa.Column("id", sa.String(64), primary_key=True),
        sa.Column("collection", sa.String(100), nullable=False),
        sa.Column("dataset", sa.String(100), nullable=False),
        sa.Column("org_code", sa.String(10), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("content_hash", sa.String(64), nullable=False),
        sa.Column("source_hash", sa.String(64), nullable=False),
        sa.Column("submitter", sa.String(200), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("row_count", sa.BigInteger(), nullable=False),
        sa.Column("supersedes", sa.String(64), sa.ForeignKey("revisions.id"), nullable=True),
        sa.Column("lake_path", sa.String(300), nullable=False),
        sa.Column("published", sa.Boolean(), nullable=False),
    )
    op.create_index(
        "ix_revisions_key", "revisions", ["dataset", "org_code", "period", "created_at"]
    )
    op.create_index(
        "ix_revisions_collection", "revisions", ["collection", "org_code", "period", "created_at"]
    )
    op.create_index("ix_revisions_unpublished", "revisions", ["published"])
    op.create_table(
        "submissions",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("collection", sa.String(100), nullable=False),
        sa.Column("org_code", sa.String(10), nullable=False),
        sa.Column("period", sa.String(7), nullable=False),
        sa.Column("submitter", sa.String(200), nullable=False),
        sa.Column("file_name", sa.String(300), nullable=False),
        sa.Column("received_at", _TS, nullable=False),
        sa.Column("status", sa.String(30), nullable=False),
        sa.Column("report", sa.JSON(), nullable=False),
        sa.Column("revision_id", sa.String(64), sa.ForeignKey("revisions.id"), nullable=True),
        sa.Column("created_revision", sa.Boolean(), nullable=False),
    )
    op.create_index("ix_submissions_key", "submissions", ["collection", "org_code", "period"])
    op.create_table(
        "tokens",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("org_code", sa.String(10), nullable=True),
        sa.Column("role", sa.String(30), nullable=False),
        sa.Column("salt", sa.String(64), nullable=False),
        sa.Column("digest", sa.String(64), nullable=False),
        sa.Column("created_at", _TS, nullable=False),
        sa.Column("revoked_at", _TS, nullable=True),
    )
    op.create_table(
        "audit_log",
        sa.Column("id", _BIGINT_PK, primary_key=True, autoincrement=True),
        sa.Column("at", _TS, nullable=False),
        sa.Column("actor", sa.String(200), nullable=False),
        sa.Column("action", sa.String(100), nullable=False),
        sa.Column("subject", sa.String(200), nullable=False),
        sa.Column("detail", sa.JSON(), nullable=False),
    )
    op.create_index("ix_audit_log_at", "audit_log", ["at"])


def downgrade() -> None:
    op.drop_table("audit_log")
    op.drop_table("tokens")
    op.drop_table("submissions")
    op.drop_table("revisions")
