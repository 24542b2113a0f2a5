"""The migrations build exactly the tables the models declare, on SQLite and PostgreSQL: a model
changed without its Alembic revision (or the reverse) fails here."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from oversight.store import database, register_models, segment_models
from oversight.store.models import Base


def test_migrations_match_the_models(database_url: str) -> None:
    table = register_models.RegisterTarget.__tablename__
    assert Base.metadata.tables[table] is register_models.RegisterTarget.__table__
    recorded = segment_models.RecordedJudgement
    assert Base.metadata.tables[recorded.__tablename__] is recorded.__table__
    engine = database.connect(database_url)
    with engine.connect() as conn:
        assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
