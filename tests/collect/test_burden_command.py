"""`oversight burden` reads accepted submissions from the operational database."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oversight.catalogue import load
from oversight.cli import app
from oversight.collect.burden_command import returns_from_store
from oversight.store import database
from oversight.store.models import Submission


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    monkeypatch.setenv("OVERSIGHT_HOME", str(tmp_path))
    monkeypatch.delenv("OVERSIGHT_DATABASE_URL", raising=False)
    yield tmp_path
    database.dispose()


def _submit(n: int, collection: str, org: str, period: str, at: dt.datetime, status: str) -> None:
    with database.session() as s:
        s.add(
            Submission(
                id=f"s{n}",
                collection=collection,
                org_code=org,
                period=period,
                submitter="test",
                file_name="f.csv",
                received_at=at,
                status=status,
                report={},
            )
        )


def test_accepted_submissions_become_returns_and_drive_timeliness(home: Path) -> None:
    icb = "QMJ"
    assert icb in load().icbs
    # May 2024 ends on a Friday; the sitrep's deadline counts working days from there.
    _submit(1, "ae_sitrep", icb, "2024-05", dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC), "accepted")
    _submit(2, "bed_sitrep", icb, "2024-05", dt.datetime(2024, 7, 1, 9, tzinfo=dt.UTC), "accepted")
    _submit(3, "dm01", icb, "2024-05", dt.datetime(2024, 6, 3, 9, tzinfo=dt.UTC), "rejected")
    got = returns_from_store()
    assert {(r.collection, r.period) for r in got} == {
        ("ae_sitrep", dt.date(2024, 5, 1)),
        ("bed_sitrep", dt.date(2024, 5, 1)),
    }
    result = CliRunner().invoke(app, ["burden", "--org", icb, "--json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.output)
    (row,) = doc["rows"]
    assert (row["icb_code"], row["period"]) == (icb, "2024-05-01")
    status = {r["collection"]: r["status"] for r in doc["returns"] if r["org"] == icb}
    assert status["ae_sitrep"] == "on_time"
    assert status["bed_sitrep"] == "late"
    assert status["dm01"] == "missing"  # rejected is not received
    assert row["on_time"] == 1 and row["late"] == 1
    assert row["returns_completeness"] == pytest.approx(2 / row["expected_returns"])


def test_table_output_and_unknown_org(home: Path) -> None:
    runner = CliRunner()
    table = runner.invoke(app, ["burden", "--org", "QMJ", "--from", "2024-05", "--to", "2024-06"])
    assert table.exit_code == 0, table.output
    assert "QMJ" in table.output and "2024-06" in table.output
    bad = runner.invoke(app, ["burden", "--org", "NOPE"])
    assert bad.exit_code == 2 and "not an ICB code" in bad.output
