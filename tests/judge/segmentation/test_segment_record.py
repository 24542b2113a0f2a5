"""`oversight segment record ...` from the outside: only NHS England roles record, a reason is
required, every recording is audited and nothing is stored when refused (SQLite and
PostgreSQL); test_segment_record_demo.py shows the recorded judgement deciding the stored
segment."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.judge.segmentation import recorded
from oversight.period import Period
from oversight.store import database
from oversight.store.models import AuditEvent
from oversight.store.segment_models import RecordedJudgement
from oversight.store.testing import database_url

__all__ = ["database_url"]

runner = CliRunner()
Q = "2024-Q1"


@pytest.fixture
def home(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    return Home.at(tmp_path / "home", database_url)


def _tokens(home: Home) -> dict[str, str]:
    engine = database.connect(home.database_url)
    return {
        "nhse": tokens.create("nhse-oversight", None, "nhse", engine=engine),
        "admin": tokens.create("ops", None, "admin", engine=engine),
        "QOP": tokens.create("gm", "QOP", "submitter", engine=engine),
    }


def _run(home: Home, token: str | None, *args: str) -> Any:
    argv = ["segment", "record", *args, "--home", str(home.root)]
    if token is not None:
        argv += ["--token", token]
    return runner.invoke(app, argv)


def _counts(home: Home) -> tuple[int, int]:
    with database.session(database.connect(home.database_url)) as s:
        rows = s.scalar(select(func.count()).select_from(RecordedJudgement))
        audit = s.scalar(
            select(func.count()).select_from(AuditEvent).where(AuditEvent.action.like("segment.%"))
        )
    return int(rows or 0), int(audit or 0)


CAPABILITY = ["capability", "--org", "QOP", "--period", Q, "--intensive-support"]
OVERRIDE = ["override", "--org", "QOP", "--period", Q, "--status", "deficit-support"]
DECISION = ["decision", "--org", "QOP", "--period", Q, "--segment", "4"]


@pytest.mark.parametrize("args", [CAPABILITY, OVERRIDE, DECISION], ids=lambda a: a[0])
def test_nhse_and_admin_record_with_a_reason_and_it_is_audited(home: Home, args: list[str]) -> None:
    toks = _tokens(home)
    done = _run(home, toks["nhse"], *args, "--reason", "diagnostic review found it")
    assert done.exit_code == 0, done.output
    assert "by token:nhse-oversight: diagnostic review found it" in done.output
    done = _run(home, toks["admin"], *args, "--reason", "corrected")
    assert done.exit_code == 0, done.output
    assert _counts(home) == (2, 2)
    with database.session(database.connect(home.database_url)) as s:
        events = list(s.scalars(select(AuditEvent).where(AuditEvent.action.like("segment.%"))))
    assert [e.actor for e in events] == ["token:nhse-oversight", "token:ops"]
    assert {e.action for e in events} == {f"segment.{args[0]}"}
    assert [e.detail["reason"] for e in events] == ["diagnostic review found it", "corrected"]
    assert all(e.subject == f"QOP {Q}" for e in events)
    # the latest recording wins
    got = recorded.for_quarter(database.connect(home.database_url), Period.parse_quarter(Q))
    reasons = [
        *(f.reason for f in got.finance.values()),
        *(r.reason for r in got.reviews),
        *(d.reason for d in got.decisions),
    ]
    assert reasons == ["corrected"]


@pytest.mark.parametrize("args", [CAPABILITY, OVERRIDE, DECISION], ids=lambda a: a[0])
def test_refusals_exit_2_and_store_nothing(home: Home, args: list[str]) -> None:
    toks = _tokens(home)
    cases = [
        (toks["QOP"], [*args, "--reason", "ours"], "only an nhse or admin token"),
        (None, [*args, "--reason", "x"], "a token is needed"),
        ("not-a-token", [*args, "--reason", "x"], "not valid"),
        (toks["nhse"], [*args, "--reason", "  "], "a reason is needed"),
    ]
    for token, argv, message in cases:
        done = _run(home, token, *argv)
        assert done.exit_code == 2, (argv, done.output)
        assert message in done.output, done.output
    assert _counts(home) == (0, 0)


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["decision", "--org", "QOP", "--period", Q, "--segment", "6"], "segment 1 to 5"),
        (
            ["decision", "--org", "QOP", "--period", Q, "--segment", "2", "--rules", "nof-2025"],
            "choose one of nof-2022",
        ),
        (["decision", "--org", "NOSUCH", "--period", Q, "--segment", "2"], "no ICB 'NOSUCH'"),
        (["decision", "--org", "QOP", "--period", "2024-05", "--segment", "2"], "--period"),
        (["override", "--org", "QOP", "--period", Q, "--status", "broke"], "in-deficit"),
    ],
)
def test_bad_input_exits_2_naming_the_choices(home: Home, args: list[str], message: str) -> None:
    toks = _tokens(home)
    done = _run(home, toks["nhse"], *args, "--reason", "r")
    assert done.exit_code == 2 and message in done.output, done.output
    assert _counts(home) == (0, 0)
