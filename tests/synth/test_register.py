"""Registering a synthetic lake: every file becomes an accepted revision with its submissions,
the stores agree, registering again changes nothing, lineage of computed figures resolves to
registered revisions, and the burden report has timeliness to show. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import shutil
from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from sqlalchemy import func, select
from tests.collect.ingest_support import gp_rows, write_csv
from typer.testing import CliRunner

from oversight.catalogue import load
from oversight.collect import recovery, revisions
from oversight.collect.burden import LONDON, burden, due_date
from oversight.collect.burden_command import returns_from_store
from oversight.collect.ingest import ingest
from oversight.home import Home
from oversight.period import Period
from oversight.store import database
from oversight.store.lake import Lake
from oversight.store.models import Revision, Submission
from oversight.store.testing import database_url
from oversight.synth.arrivals import shift_working_days, synthetic_times
from oversight.synth.lake_inventory import RegistrationError, lake_files
from oversight.synth.register import SUBMITTER, collection_for, register_lake

__all__ = ["database_url"]

SEED = 3


@pytest.fixture(scope="module")
def catalogue() -> Any:
    return load()


@pytest.fixture(scope="module")
def synthetic_lake(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny synthetic lake, generated once; each test registers its own copy."""
    from oversight.synth import generate

    lake = tmp_path_factory.mktemp("synthetic") / "lake"
    generate(lake, scale=0.001, months=2, start="2024-01", seed=SEED, progress=False)
    return lake


@pytest.fixture
def home(tmp_path: Path, database_url: str, synthetic_lake: Path) -> Home:
    shutil.copytree(synthetic_lake, tmp_path / "lake")
    return Home.at(tmp_path, database_url)


def _count(home: Home, model: Any) -> int:
    with database.session(home.database()) as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def _file_revision(lake: Path, dataset: str, period: str, org: str) -> str:
    table = pq.read_table(lake / dataset / period / f"{org}.parquet", columns=["revision_id"])
    return table.column(0)[0].as_py()


def test_every_lake_file_becomes_an_accepted_revision(home: Home, catalogue: Any) -> None:
    lake = home.lake_dir
    files = lake_files(Lake(lake))
    assert register_lake(home, progress=False) == len(files) > 1000
    assert _count(home, Revision) == len(files)
    for dataset, period, org in files[:: max(1, len(files) // 60)]:  # a spread of files
        rid = _file_revision(lake, dataset, period, org)
        assert rid == f"synth-{SEED}-{dataset}-{period}-{org}"
        [rev] = revisions.revisions_for(dataset, org, period, engine=home.database())
        assert rev.id == rid
        assert rev.collection == collection_for(catalogue, dataset).id
        assert (
            rev.row_count == pq.read_metadata(lake / dataset / period / f"{org}.parquet").num_rows
        )
        assert rev.submitter == SUBMITTER and rev.lake_path == f"_revisions/{rid}.parquet"
        assert (lake / rev.lake_path).samefile(lake / dataset / period / f"{org}.parquet")


def test_each_revision_has_accepted_submissions_from_its_senders(
    home: Home, catalogue: Any
) -> None:
    register_lake(home, progress=False)
    with database.session(home.database()) as s:
        subs = list(s.scalars(select(Submission)))
        revs = {r.id: r for r in s.scalars(select(Revision))}
    assert {s.status for s in subs} == {"accepted"}
    by_revision: dict[str, list[Submission]] = {}
    for sub in subs:
        by_revision.setdefault(sub.revision_id or "", []).append(sub)
    assert set(by_revision) == set(revs)
    for rid, rev in revs.items():
        own = by_revision[rid]
        assert sum(s.created_revision for s in own) == 1  # the last arrival completed it
        assert revisions.as_utc(max(s.received_at for s in own)) == revisions.as_utc(rev.created_at)
    ecds = [s for s in subs if s.collection == "ecds" and s.period == "2024-01"]
    qmj_acute = {p.code for p in catalogue.providers_of("QMJ") if p.kind == "acute"}
    assert qmj_acute and qmj_acute <= {s.org_code for s in ecds}  # providers send ECDS
    assert {s.org_code for s in subs if s.collection == "dm01"} <= set(catalogue.icbs)


def test_registered_lake_passes_the_consistency_check(home: Home) -> None:
    register_lake(home, progress=False)
    assert recovery.check(Lake(home.lake_dir), home.database()) == []


def test_registering_again_adds_nothing(home: Home) -> None:
    first = register_lake(home, progress=False)
    counts = (_count(home, Revision), _count(home, Submission))
    assert register_lake(home, progress=False) == 0
    # As a rebuilt demo does: the revision links are gone, the files are read again.
    shutil.rmtree(home.lake_dir / "_revisions")
    assert register_lake(home, progress=False) == 0
    assert (_count(home, Revision), _count(home, Submission)) == counts == (first, counts[1])
    assert recovery.check(Lake(home.lake_dir), home.database()) == []


def test_files_gone_from_the_lake_lose_their_synthetic_revisions(home: Home) -> None:
    register_lake(home, progress=False)
    before = _count(home, Revision)
    gone = list((home.lake_dir).glob("*/2024-02"))
    removed = sum(len(list(d.glob("*.parquet"))) for d in gone)
    for directory in gone:
        shutil.rmtree(directory)
    assert register_lake(home, progress=False) == 0
    assert _count(home, Revision) == before - removed
    assert revisions.revisions_for("beds", "QMJ", "2024-02", engine=home.database()) == []
    assert recovery.check(Lake(home.lake_dir), home.database()) == []


def test_a_file_naming_another_revision_is_refused_and_nothing_changes(home: Home) -> None:
    path = home.lake_dir / "beds" / "2024-01" / "QMJ.parquet"
    table = pq.read_table(path)
    column = table.schema.get_field_index("revision_id")
    wrong = pa.array(["synth-3-beds-2024-01-QMK"], pa.string())
    pq.write_table(table.set_column(column, "revision_id", wrong), path)
    with pytest.raises(RegistrationError, match=r"QMJ\.parquet: revision id"):
        register_lake(home, progress=False)
    assert _count(home, Revision) == 0 and not (home.lake_dir / "_revisions").exists()


def test_a_real_submission_on_top_survives_registering_again(
    home: Home, catalogue: Any, tmp_path: Path
) -> None:
    register_lake(home, progress=False)
    result = ingest(
        write_csv(gp_rows("QMJ", "2024-02", appointments=4321), tmp_path / "gp.csv"),
        collection="gp_appointments_return",
        org="QMJ",
        period="2024-02",
        submitter="qmj-bi-team",
        catalogue=catalogue,
        lake=home.lake(),
        engine=home.database(),
    )
    assert result.accepted and result.created_revision and result.revision is not None
    assert result.revision.supersedes == f"synth-{SEED}-gp_appointments-2024-02-QMJ"
    assert register_lake(home, progress=False) == 0
    engine = home.database()
    [current] = revisions.revisions_for("gp_appointments", "QMJ", "2024-02", engine=engine)
    assert current.id == result.revision.id
    assert len(revisions.history("gp_appointments_return", "QMJ", "2024-02", engine)) == 2
    assert recovery.check(Lake(home.lake_dir), home.database()) == []


def test_lineage_of_a_computed_figure_resolves_to_registered_revisions(home: Home) -> None:
    from oversight.metrics import compute

    register_lake(home, progress=False)
    version = compute(home, full=True)
    row = version.rows(metric="ae_4hr", org="QMJ", period="2024-02").iloc[0]
    ids = version.revisions_behind(row["revisions"])
    engine = home.database()
    expected = revisions.revisions_for("ae_attendances", "QMJ", "2024-02", engine=engine)
    assert ids == [r.id for r in expected]
    england = version.rows(metric="ae_4hr", org="ENG", period="2024-02").iloc[0]
    national = version.revisions_behind(england["revisions"])
    registered = revisions.revisions_for("ae_attendances", period="2024-02", engine=engine)
    assert set(national) == {r.id for r in registered} and len(national) == 42


def test_burden_report_shows_duplication_and_timeliness(home: Home, catalogue: Any) -> None:
    register_lake(home, progress=False)
    received = returns_from_store(home.database())
    report = burden(catalogue, received)
    assert [r.period for r in report.rows[:1]] == [dt.date(2024, 1, 1)]
    qmj = [r for r in report.rows if r.icb_code == "QMJ"]
    assert len(qmj) == 2
    stored_nowhere = {c.id for c in catalogue.collections.values() if c.dataset is None}
    for row in qmj:
        assert row.duplicated_items and row.derivable_items
        assert row.missing == len(stored_nowhere & set(row.collections)) > 0
        assert row.items_completeness == 1.0
        assert row.returns_completeness is not None and 0 < row.returns_completeness < 1
    missing = {(s.collection, s.status) for s in report.returns if s.status == "missing"}
    assert {c for c, _ in missing} == stored_nowhere  # every stored collection was received
    totals = Counter(s.status for s in report.returns)
    assert totals["on_time"] > totals["late"] > 0 and totals["pending"] == 0


def test_burden_command_on_the_registered_home(
    home: Home, monkeypatch: pytest.MonkeyPatch
) -> None:
    import json

    from oversight import config
    from oversight.cli import app

    register_lake(home, progress=False)
    # the command line finds a PostgreSQL store through the environment, as in production
    if home.database_file is None:
        monkeypatch.setenv(config.DATABASE_URL_ENV, home.database_url)
    else:
        monkeypatch.delenv(config.DATABASE_URL_ENV, raising=False)
    out = CliRunner().invoke(app, ["burden", "--org", "QMJ", "--json", "--home", str(home.root)])
    assert out.exit_code == 0, out.output
    rows = json.loads(out.output)["rows"]
    assert [r["period"] for r in rows] == ["2024-01-01", "2024-02-01"]
    assert all(r["on_time"] > 0 and r["missing"] > 0 for r in rows)


def test_synthetic_times_are_deterministic_and_around_the_deadline() -> None:
    times, again = synthetic_times(7), synthetic_times(7)
    late = on_time = 0
    for org in ("QMJ", "QKK", "QE1", "RJ1", "RRV"):
        for month in range(1, 13):
            period = dt.date(2024, month, 1)
            due = due_date(period, 10)
            when = times("dm01", org, period, due)
            assert when == again("dm01", org, period, due) and when.tzinfo is not None
            day = when.astimezone(LONDON).date()
            assert Period.of(period).end < day <= shift_working_days(due, 10)
            late += day > due
            on_time += day <= due
    assert on_time > late > 0
    january = dt.date(2024, 1, 1)
    due = due_date(january, 10)
    assert synthetic_times(8)("dm01", "QMJ", january, due) != times("dm01", "QMJ", january, due)


def test_shift_working_days_skips_weekends_and_bank_holidays() -> None:
    friday = dt.date(2024, 5, 3)  # Monday 6 May 2024 is the early May bank holiday
    assert shift_working_days(friday, 1) == dt.date(2024, 5, 7)
    assert shift_working_days(dt.date(2024, 5, 7), -1) == friday
    assert shift_working_days(friday, 0) == friday
