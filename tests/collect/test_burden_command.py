"""`oversight burden` reads accepted submissions from the operational database."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from oversight.catalogue import load
from oversight.cli import app
from oversight.collect.burden_command import returns_from_store
from oversight.home import Home
from oversight.store import database
from oversight.store.models import Submission


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Home]:
    monkeypatch.delenv("OVERSIGHT_DATABASE_URL", raising=False)
    yield Home.at(tmp_path)
    database.dispose()


def _submit(
    home: Home, n: int, collection: str, org: str, period: str, at: dt.datetime, status: str
) -> None:
    with database.session(home.database()) as s:
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


def test_accepted_submissions_become_returns_and_drive_timeliness(home: Home) -> None:
    icb = "QMJ"
    assert icb in load().icbs
    # May 2024 ends on a Friday; the sitrep's deadline counts working days from there.
    june_3, july_1 = (dt.datetime(2024, m, d, 9, tzinfo=dt.UTC) for m, d in ((6, 3), (7, 1)))
    _submit(home, 1, "ae_sitrep", icb, "2024-05", june_3, "accepted")
    _submit(home, 2, "bed_sitrep", icb, "2024-05", july_1, "accepted")
    _submit(home, 3, "dm01", icb, "2024-05", june_3, "rejected")
    got = returns_from_store(home.database())
    assert {(r.collection, r.period) for r in got} == {
        ("ae_sitrep", dt.date(2024, 5, 1)),
        ("bed_sitrep", dt.date(2024, 5, 1)),
    }
    result = CliRunner().invoke(app, ["burden", "--org", icb, "--json", "--home", str(home.root)])
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


def test_table_output_and_unknown_org(home: Home) -> None:
    runner = CliRunner()
    where = ["--home", str(home.root)]
    table = runner.invoke(
        app, ["burden", "--org", "QMJ", "--from", "2024-05", "--to", "2024-06", *where]
    )
    assert table.exit_code == 0, table.output
    assert "QMJ" in table.output and "2024-06" in table.output
    bad = runner.invoke(app, ["burden", "--org", "NOPE", *where])
    assert bad.exit_code == 2 and "not an ICB code" in bad.output


def test_segments_give_segment_1_icbs_the_lighter_schedule(home: Home, tmp_path: Path) -> None:
    segments = tmp_path / "segments.json"
    segments.write_text(json.dumps([{"org": "QMJ", "segment": 1}, {"org": "QOP", "segment": 2}]))
    runner = CliRunner()
    where = ["--home", str(home.root), "--from", "2024-05", "--to", "2024-06", "--json"]

    def rows(org: str, *extra: str) -> list[dict[str, Any]]:
        done = runner.invoke(app, ["burden", "--org", org, *where, *extra])
        assert done.exit_code == 0, done.output
        return list(json.loads(done.output)["rows"])

    may, june = rows("QMJ", "--segments", str(segments))
    assert may["earned_autonomy"] and may["relaxed"] == [
        "ae_sitrep",
        "rtt_monthly",
        "regional_assurance_pack",
    ]
    assert june["relaxed"] == []  # the quarter's last month: due as before
    plain_may, _ = rows("QMJ")
    assert not plain_may["earned_autonomy"]
    assert may["expected_returns"] == plain_may["expected_returns"] - 3
    (qop_may, _) = rows("QOP", "--segments", str(segments))
    assert not qop_may["earned_autonomy"] and qop_may["relaxed"] == []
    table = runner.invoke(app, ["burden", "--org", "QMJ", "--segments", str(segments), *where[:-1]])
    assert table.exit_code == 0 and "relaxed" in table.output
    bad = tmp_path / "bad.json"
    bad.write_text("{not json")
    refused = runner.invoke(app, ["burden", "--segments", str(bad), *where])
    assert refused.exit_code == 2 and "org and segment" in refused.output
