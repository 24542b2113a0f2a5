"""kill -9 at random moments of ingests leaves each revision whole or absent, in both stores.

A forked child ingests in a loop (new content each time, so revisions keep being created) and
is SIGKILLed after a random delay; the parent then checks what a reader would see, runs
recovery as start-up would, and checks every invariant between the database and the lake.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import sqlalchemy as sa
from tests.collect.ingest_support import SchemaValidator, ae_rows, write_csv

from oversight.catalogue import load
from oversight.collect import recovery
from oversight.collect.ingest import ingest
from oversight.store import database
from oversight.store.lake import Lake
from oversight.store.models import Revision
from oversight.store.testing import database_url

__all__ = ["database_url"]

KILLS = 50
JOBS = [("QMJ", "2024-06"), ("QMF", "2024-06"), ("QMJ", "2024-07")]


def _child(url: str, lake_root: Path, files: list[tuple[Path, str, str]], catalogue: Any) -> None:
    """Ingest forever; never returns (the parent kills it)."""
    engine = database.make_engine(url)  # nothing shared with the parent's connections
    lake = Lake(lake_root)
    i = random.Random(os.getpid()).randrange(len(files))
    while True:
        path, org, period = files[i % len(files)]
        ingest(
            path,
            collection="ecds",
            org=org,
            period=period,
            submitter="chaos",
            catalogue=catalogue,
            lake=lake,
            engine=engine,
            validator_factory=SchemaValidator,
            batch_rows=4096,
        )
        i += 1


def _visible_state_is_whole(lake: Lake, engine: sa.Engine) -> list[str]:
    """Before recovery: every file a reader can see is complete, and every committed
    revision's file is there and complete."""
    problems = []
    for p in lake.root.rglob("*.parquet"):
        try:
            pq.read_metadata(p)
        except Exception as error:
            problems.append(f"{p}: unreadable ({error})")
    with database.session(engine) as s:
        for rev in s.scalars(sa.select(Revision)):
            path = lake.root / rev.lake_path
            if not path.exists() or pq.read_metadata(path).num_rows != rev.row_count:
                problems.append(f"committed revision {rev.id} has no complete file")
    return problems


@pytest.mark.slow
def test_kill_minus_nine_leaves_whole_revisions_or_nothing(
    tmp_path: Path, database_url: str
) -> None:
    catalogue = load()
    lake = Lake(tmp_path / "lake")
    engine = database.connect(database_url)
    files: list[tuple[Path, str, str]] = []
    for variant in range(2):
        for org, period in JOBS:
            table = ae_rows(org, period, 3000, seed=variant * 10 + len(files))
            files.append(
                (write_csv(table, tmp_path / f"{org}-{period}-{variant}.csv"), org, period)
            )
    rng = random.Random(20240601)
    for kill in range(KILLS):
        pid = os.fork()
        if pid == 0:  # pragma: no cover - the child only ever dies by SIGKILL
            try:
                _child(database_url, lake.root, files, catalogue)
            finally:
                os._exit(1)
        time.sleep(rng.uniform(0.02, 1.1))
        os.kill(pid, signal.SIGKILL)
        _, status = os.waitpid(pid, 0)
        assert os.WIFSIGNALED(status), f"kill {kill}: the ingesting child died on its own"
        assert _visible_state_is_whole(lake, engine) == [], f"after kill {kill}"
        recovery.recover(lake, engine)
        assert recovery.check(lake, engine) == [], f"after kill {kill} and recovery"
    with database.session(engine) as s:
        created = s.scalar(sa.select(sa.func.count()).select_from(Revision)) or 0
    assert created >= 5, "the children should have committed revisions between kills"
