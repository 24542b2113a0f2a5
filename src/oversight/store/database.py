"""The operational database: one SQLAlchemy engine per URL, migrated to head on first use.

A home's SQLite file by default, PostgreSQL (postgresql+psycopg://...) when its URL says so
(`Home.database_url`). Migrations are Alembic scripts shipped inside the package, run
programmatically so a fresh home needs no set-up step.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

MIGRATIONS_DIR = Path(__file__).parent / "migrations"

_engines: dict[str, Engine] = {}
_lock = threading.Lock()


def alembic_config(engine: Engine) -> Config:
    """An Alembic config pointing at the packaged scripts, bound to `engine`."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the schema up to `revision` (idempotent)."""
    command.upgrade(alembic_config(engine), revision)


def _sqlite_pragmas(dbapi_connection: object, _record: object) -> None:
    cursor = dbapi_connection.cursor()  # type: ignore[attr-defined]
    # WAL lets readers (the portal) work while an ingest commits; FULL sync so a commit that
    # returned survives a crash, which the ingest's atomicity relies on.
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def make_engine(url: str) -> Engine:
    """A new engine for `url`, with SQLite tuned for concurrent readers and crash safety."""
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": 30})
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    return create_engine(url, pool_pre_ping=True)


def connect(url: str) -> Engine:
    """The engine for `url`, upgraded to head once."""
    with _lock:
        engine = _engines.get(url)
        if engine is None:
            engine = make_engine(url)
            upgrade(engine)
            _engines[url] = engine
        return engine


def dispose(url: str | None = None) -> None:
    """Forget cached engines (all, or the one for `url`); tests use this between homes."""
    with _lock:
        urls = [url] if url else list(_engines)
        for key in urls:
            engine = _engines.pop(key, None)
            if engine is not None:
                engine.dispose()


REVISION_LOCK_KEY = 4_242_001
"""PostgreSQL advisory lock held by every transaction that commits a revision."""


def lock_revisions(s: Session) -> None:
    """Hold the revision lock until this transaction ends.

    A client killed right after sending COMMIT leaves the server finishing that transaction
    on its own; recovery takes the same lock first, so it never judges the lake against a
    database that is still changing. SQLite needs nothing: a dead process commits nothing.
    """
    if s.get_bind().dialect.name == "postgresql":
        s.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": REVISION_LOCK_KEY})


@contextmanager
def session(engine: Engine) -> Iterator[Session]:
    """A session that commits on success and rolls back on error."""
    factory = sessionmaker(bind=engine, expire_on_commit=False)
    with factory() as s, s.begin():
        yield s
