"""Helpers for the publish-path tests: a writable copy of the demo home (on SQLite, or with
its operational store copied into PostgreSQL: `backend_home`), and a one-ICB-month submission
accepted the way the API and the command line accept one."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from oversight.home import Home

COLLECTION = "community_ucr_return"
METRIC = "ucr_2hr"


def copy_home(demo_home: Home, where: Path) -> Home:
    shutil.copytree(demo_home.root, where)
    return Home.at(where)


def submit_ucr(home: Home, org: str, month: str, referrals: int, within: int,
               catalogue: Any = None) -> str:
    """Submit one ICB-month of urgent community response; returns the new revision's id."""
    from oversight.catalogue import load
    from oversight.collect.ingest import ingest

    home.incoming_dir.mkdir(parents=True, exist_ok=True)
    path = home.incoming_dir / f"ucr-{org}-{month}-{referrals}-{within}.csv"
    path.write_text(
        "icb_code,period,ucr_referrals,ucr_within_2_hours\n"
        f"{org},{month}-01,{referrals},{within}\n"
    )
    result = ingest(path, collection=COLLECTION, org=org, period=month, submitter="test",
                    catalogue=catalogue or load(), lake=home.lake(), engine=home.database(),
                    confirm=True)
    path.unlink()
    assert result.status == "accepted" and result.revision is not None, result.to_dict()
    return str(result.revision.id)


def on_postgres(home: Home, url: str) -> Home:
    """The same home with its operational store copied, row for row, into the empty
    PostgreSQL schema at `url` (migrated to head first): the demo home on PostgreSQL."""
    from sqlalchemy import MetaData, func, insert, select, text

    from oversight.store import database

    source, target = home.database(), database.connect(url)
    tables = MetaData()
    tables.reflect(bind=target)
    with source.connect() as read, target.begin() as write:
        for table in tables.sorted_tables:
            if table.name == "alembic_version":
                continue
            rows = [dict(r._mapping) for r in read.execute(select(table))]
            for start in range(0, len(rows), 5000):
                write.execute(insert(table), rows[start:start + 5000])
            for column in table.primary_key.columns:  # serial ids continue after the copies
                if column.autoincrement is True or (
                    column.type.python_type is int and column.server_default is not None
                ):
                    top = write.execute(select(func.max(column))).scalar()
                    if top is not None:
                        write.execute(text(
                            f"SELECT setval(pg_get_serial_sequence('{table.name}', "
                            f"'{column.name}'), {int(top)})"))
    return Home.at(home.root, url)


@pytest.fixture
def backend_home(database_url: str, demo_home: Home, tmp_path: Path) -> Iterator[Home]:
    """A writable copy of the demo home on each backend of `database_url`
    (oversight.store.testing): SQLite (the copy's own store) or PostgreSQL (copied into the
    test's schema). Import it with `database_url` into a test module."""
    from oversight.store import database

    home = copy_home(demo_home, tmp_path / "home")
    if database_url.startswith("sqlite"):
        yield home
        database.dispose(home.database_url)
        return
    yield on_postgres(home, database_url)
    database.dispose(home.database_url)
