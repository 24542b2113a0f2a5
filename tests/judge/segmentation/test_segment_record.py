"""`oversight segment record ...` from the outside: only NHS England roles record, a reason is
required, every recording is audited and nothing is stored when refused (SQLite and
PostgreSQL); the recorded judgement then decides the stored segment and is shown as such."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.judge.segmentation import recorded
from oversight.judge.segmentation.published import segment_published
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
def test_nhse_and_admin_record_with_a_reason_and_it_is_audited(
    home: Home, args: list[str]
) -> None:
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
        (["decision", "--org", "QOP", "--period", Q, "--segment", "2", "--rules", "nof-2025"],
         "choose one of nof-2022"),
        (["decision", "--org", "NOSUCH", "--period", Q, "--segment", "2"], "no ICB 'NOSUCH'"),
        (["decision", "--org", "QOP", "--period", "2024-05", "--segment", "2"], "--period"),
        (["override", "--org", "QOP", "--period", Q, "--status", "broke"], "in-deficit"),
    ],
)
def test_bad_input_exits_2_naming_the_choices(
    home: Home, args: list[str], message: str
) -> None:
    toks = _tokens(home)
    done = _run(home, toks["nhse"], *args, "--reason", "r")
    assert done.exit_code == 2 and message in done.output, done.output
    assert _counts(home) == (0, 0)


def test_recorded_judgements_decide_the_stored_segment_and_say_so(
    demo_home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """On a copy of the demo: a decision, a capability assessment and a financial override,
    each shown as recorded by whom, on what day and why, in the stored result."""
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    monkeypatch.delenv("OVERSIGHT_DATABASE_URL", raising=False)
    mine = Home.at(tmp_path / "copy")
    for part in ("results", "judgements"):
        shutil.copytree(demo_home.root / part, mine.root / part)
    toks = _tokens(mine)
    today = dt.datetime.now(dt.UTC).date().isoformat()
    (before,) = segment_published(mine, org="QOP")
    decided = 4 if before.segment != 4 else 2
    done = _run(mine, toks["nhse"], "decision", "--org", "QOP", "--period", Q, "--segment",
                str(decided), "--reason", "agreed at the regional review")
    assert done.exit_code == 0, done.output
    (after,) = segment_published(mine, org="QOP")
    assert after.segment == decided and after.proposed_segment == before.proposed_segment
    assert after.decision is not None and after.decision.decided_by == "token:nhse-oversight"
    assert (
        f"Segment {decided} for {Q} under nof-2022 v1, decided by token:nhse-oversight on "
        f"{today}: agreed at the regional review."
    ) in after.reasons
    # nof-2025: a segment 4 ICB with a capability assessment goes to 5, and the override says
    # who recorded it; a financial override caps a better one at 3.
    scored = {r.org: r for r in segment_published(mine, rules="nof-2025")}
    four = next(o for o, r in sorted(scored.items()) if r.segment == 4)
    one = next(o for o, r in sorted(scored.items()) if r.segment == 1)
    for args in (
        ["capability", "--org", four, "--period", Q, "--intensive-support"],
        ["override", "--org", one, "--period", Q, "--status", "in-deficit"],
    ):
        done = _run(mine, toks["nhse"], *args, "--reason", "board minutes")
        assert done.exit_code == 0, done.output
    out = runner.invoke(
        app, ["segment", "--home", str(mine.root), "--rules", "nof-2025", "--json"]
    )
    assert out.exit_code == 0, out.output
    got = {r["org"]: r for r in json.loads(out.stdout)}
    assert got[four]["segment"] == 5 and got[four]["raw_segment"] == 4
    (review,) = got[four]["overrides"]
    assert review["kind"] == "capability_review" and review["recorded_on"] == today
    assert any(
        f"recorded by token:nhse-oversight on {today}" in s for s in got[four]["reasons"]
    )
    assert got[one]["segment"] == 3 and got[one]["raw_segment"] == 1
    (cap,) = got[one]["overrides"]
    assert cap["kind"] == "financial"
    assert cap["recorded"] == f"recorded by token:nhse-oversight on {today}, reason: board minutes"
