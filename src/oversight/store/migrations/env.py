"""Alembic environment: runs against the engine handed over by oversight.store.database."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from oversight.store import (  # noqa: F401  (their tables join Base.metadata)
    annotation_models,
    assessment_models,
    register_models,
    segment_models,
)
from oversight.store.models import Base

target_metadata = Base.metadata


def run_migrations_online() -> None:
    cfg = context.config
    engine = cfg.attributes.get("engine")
    if engine is None:  # the plain `alembic` command line with sqlalchemy.url set
        engine = create_engine(cfg.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as connection:
        context.configure(connection=connection, target_metadata=target_metadata)
        context.run_migrations()


run_migrations_online()
