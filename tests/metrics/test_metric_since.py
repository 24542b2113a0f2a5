"""`oversight compute --since REVISION`: the revision's ICB-month and every later one, applied
incrementally on top of the published results, give what a full recompute gives."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from oversight.cli import app
from oversight.home import Home
from oversight.metrics.results import load as load_results
from oversight.metrics.since import UnknownRevision, changes_since
from oversight.store import database
from oversight.store.models import Revision

T0 = dt.datetime(2024, 5, 1, 9, tzinfo=dt.UTC)


def _revision(rid: str, dataset: str, org: str, period: str, at: dt.datetime) -> Revision:
    return Revision(
        id=rid,
        collection=f"{dataset}_monthly",
        dataset=dataset,
        org_code=org,
        period=period,
        content_hash=rid,
        source_hash=rid,
        submitter="test",
        created_at=at,
        row_count=1,
        lake_path=f"_revisions/{rid}.parquet",
        published=True,
    )


def test_changes_are_the_revision_and_every_later_one(tmp_path: Path) -> None:
    store = database.make_engine(f"sqlite:///{tmp_path / 'o.db'}")
    database.upgrade(store)
    rows = [
        ("r1", "ae_attendances", "QMJ", "2024-03", T0),
        ("r2", "rtt_pathways", "QMF", "2024-03", T0 + dt.timedelta(hours=1)),
        ("r3", "ae_attendances", "QHG", "2024-04", T0 + dt.timedelta(hours=2)),
        ("r4", "rtt_pathways", "QMF", "2024-03", T0 + dt.timedelta(hours=3)),  # same ICB-month
    ]
    with database.session(store) as s:
        s.add_all([_revision(*r) for r in rows])
    assert changes_since("r2", store) == [
        ("ae_attendances", "QHG", dt.date(2024, 4, 1)),
        ("rtt_pathways", "QMF", dt.date(2024, 3, 1)),
    ]
    assert len(changes_since("r1", store)) == 3
    with pytest.raises(UnknownRevision, match="no revision 'nope'"):
        changes_since("nope", store)
    store.dispose()


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    keys = ["metric_id", "org_type", "org_code", "period", "breakdown", "group"]
    return frame.sort_values(keys).reset_index(drop=True)


def test_compute_since_a_revision_equals_a_full_recompute(demo_home: Home, tmp_path: Path) -> None:
    shutil.copytree(demo_home.root, tmp_path / "home")
    home = Home.at(tmp_path / "home")
    store = home.database()
    with database.session(store) as s:
        last = s.scalars(
            select(Revision)
            .where(Revision.dataset == "ae_attendances", Revision.org_code == "QMJ")
            .order_by(Revision.period.desc())
        ).first()
        assert last is not None
        period = last.period
    # QMJ resubmits its latest A&E month with the first half of the records only
    path = home.lake_dir / "ae_attendances" / period / "QMJ.parquet"
    table = pq.read_table(path)
    table = table.slice(0, table.num_rows // 2)
    new_id = "f" * 32
    column = table.schema.get_field_index("revision_id")
    table = table.set_column(column, "revision_id", pa.array([new_id] * table.num_rows))
    pq.write_table(table, path)
    assert pc.all(pc.equal(pq.read_table(path)["revision_id"], new_id)).as_py()
    with database.session(store) as s:
        later = dt.datetime.now(dt.UTC) + dt.timedelta(days=1)
        s.add(_revision(new_id, "ae_attendances", "QMJ", period, later))
    before = load_results(home).metrics

    runner = CliRunner()
    out = runner.invoke(app, ["compute", "--since", new_id, "--home", str(home.root)])
    assert out.exit_code == 0, out.output
    assert "incremental (1 ICB-months)" in " ".join(out.output.split())
    stepped = load_results(home).metrics
    full = runner.invoke(app, ["compute", "--full", "--home", str(home.root)])
    assert full.exit_code == 0, full.output
    again = load_results(home).metrics
    assert not _sorted(stepped).equals(_sorted(before))
    pd.testing.assert_frame_equal(_sorted(stepped), _sorted(again), check_dtype=False, rtol=1e-12)

    bad = runner.invoke(app, ["compute", "--since", "nope", "--home", str(home.root)])
    assert bad.exit_code == 2
    assert "neither a results version" in " ".join(bad.output.split())
    database.dispose(home.database_url)
