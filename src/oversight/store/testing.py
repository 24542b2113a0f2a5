"""Pytest fixtures for tests that need the operational database, on SQLite and PostgreSQL.

Import `database_url` into a conftest.py or test module. PostgreSQL runs when
OVERSIGHT_TEST_POSTGRES_URL is set (CI sets it); each test gets its own schema, dropped after.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote

import pytest
from sqlalchemy import create_engine, text

from oversight import config
from oversight.store import database

POSTGRES_ENV = config.TEST_POSTGRES_ENV


def schema_url(base: str, schema: str) -> str:
    """`base` with the PostgreSQL search_path set to `schema` for every connection."""
    sep = "&" if "?" in base else "?"
    return f"{base}{sep}options={quote(f'-csearch_path={schema}')}"


@contextmanager
def postgres_schema(base: str) -> Iterator[str]:
    """A fresh, empty schema on the server at `base`; yields a URL using it, drops it after."""
    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_engine(base)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    url = schema_url(base, schema)
    try:
        yield url
    finally:
        database.dispose(url)
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database URL with an empty database: SQLite in tmp_path, or a PostgreSQL schema.

    Only the PostgreSQL parameter carries the `postgres` marker, so a full run that forbids
    skipped service tests fails on it alone when no server is configured."""
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'oversight.db'}"
        yield url
        database.dispose(url)
        return
    base = config.test_postgres_url()
    if not base:
        pytest.skip(f"{POSTGRES_ENV} is not set: no PostgreSQL server to test against")
    with postgres_schema(base) as url:
        yield url
