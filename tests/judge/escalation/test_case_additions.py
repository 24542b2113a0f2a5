"""Actions and exit criteria added after a case is opened, the public case summary (function,
command and HTTP route); test_case_additions_demo.py has the evaluation every compute path runs
(oversight.pipeline), on the demo."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from tests.judge.escalation.case_support import NHSE, audit_count, open_qop
from typer.testing import CliRunner

from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.judge.escalation import cases
from oversight.judge.escalation.criteria import ExitCriterion
from oversight.judge.escalation.public import public_cases
from oversight.publish.web.app import create_app
from oversight.store import database

runner = CliRunner()


@pytest.fixture
def home(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    return Home.at(tmp_path / "home", database_url)


def _toks(home: Home) -> dict[str, str]:
    engine = database.connect(home.database_url)
    return {
        "nhse": tokens.create("nhse-oversight", None, "nhse", engine=engine),
        "QOP": tokens.create("gm", "QOP", "submitter", engine=engine),
    }


def _case(home: Home, token: str | None, *args: str) -> Any:
    argv = ["case", *args, "--home", str(home.root)]
    if token is not None:
        argv += ["--token", token]
    return runner.invoke(app, argv)


def test_actions_and_exit_criteria_are_added_after_opening(home: Home) -> None:
    toks = _toks(home)
    engine = database.connect(home.database_url)
    case = open_qop(engine).id
    added = _case(home, toks["nhse"], "action", case, "Recovery plan|ICB CEO|2027-03-31",
                  "--reason", "agreed at the review", "--json")
    assert added.exit_code == 0, added.output
    shown = json.loads(added.stdout)
    assert [a["text"] for a in shown["actions"]] == ["Diagnostic review", "Recovery plan"]
    new = shown["actions"][1]
    assert new == {"id": new["id"], "text": "Recovery plan", "owner": "ICB CEO",
                   "due": "2027-03-31", "done": False}
    exit_added = _case(home, toks["nhse"], "exit", case, "rtt_18wk>=65x2", "--reason", "RTT too")
    assert exit_added.exit_code == 0, exit_added.output
    done = _case(home, toks["nhse"], "done", case, str(new["id"]), "--reason", "plan received")
    assert done.exit_code == 0, done.output
    full = json.loads(_case(home, toks["nhse"], "show", case, "--json").stdout)
    assert [c["metric"] for c in full["exit_criteria"]] == ["ae_4hr", "bed_occupancy", "rtt_18wk"]
    assert full["actions"][1]["done"] is True
    assert [(e["action"], e["reason"]) for e in full["audit"][1:]] == [
        ("case.action.add", "agreed at the review"),
        ("case.exit.add", "RTT too"),
        ("case.action", "plan received"),
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["action", "{case}", "Plan|Owner|2027-03-31", "--reason", "x"], "only an nhse"),
        (["exit", "{case}", "ae_4hr>=78x3", "--reason", "x"], "only an nhse"),
    ],
)
def test_an_icb_token_may_not_add(home: Home, args: list[str], message: str) -> None:
    toks = _toks(home)
    engine = database.connect(home.database_url)
    case = open_qop(engine).id
    before = audit_count(engine)
    done = _case(home, toks["QOP"], *[a.format(case=case) for a in args])
    assert done.exit_code == 2 and message in done.output
    assert audit_count(engine) == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["action", "{case}", "Plan|Owner|2027-13-31", "--reason", "x"], "must look like"),
        (["action", "{case}", "Plan|Owner|2027-03-31", "--reason", " "], "reason is needed"),
        (["exit", "{case}", "nosuch>=1x1", "--reason", "x"], "no such metric"),
        (["exit", "{case}", "ae_4hr=>78", "--reason", "x"], "ae_4hr"),
        (["action", "case-nosuch", "Plan|Owner|2027-03-31", "--reason", "x"], "no case"),
    ],
)
def test_bad_additions_exit_2_and_store_nothing(
    home: Home, args: list[str], message: str
) -> None:
    toks = _toks(home)
    engine = database.connect(home.database_url)
    case = open_qop(engine).id
    before = audit_count(engine)
    done = _case(home, toks["nhse"], *[a.format(case=case) for a in args])
    assert done.exit_code == 2 and message in done.output, done.output
    assert audit_count(engine) == before


def test_nothing_is_added_to_a_closed_case(home: Home) -> None:
    engine = database.connect(home.database_url)
    case = open_qop(engine).id
    cases.close(engine, NHSE, case, reason="no case to answer")
    with pytest.raises(cases.CaseError, match="closed"):
        cases.add_action(
            engine, NHSE, case, cases.Action.parse("x|y|2027-01-01"), reason="late"
        )
    with pytest.raises(cases.CaseError, match="closed"):
        cases.add_criterion(engine, NHSE, case, ExitCriterion("ae_4hr", ">=", 1, 1), reason="l")


def test_the_public_summary_shows_the_case_but_not_the_trail(home: Home) -> None:
    engine = database.connect(home.database_url)
    case = open_qop(engine).id
    open_qop(engine, org="QHL")
    (one,) = public_cases(engine, "QOP")
    assert one["id"] == case and one["state"] == "identified" and one["open"] is True
    assert one["summary"].startswith("Urgent care performance")
    assert one["triggers"] == ["segment"]
    assert one["actions"] == [
        {"text": "Diagnostic review", "owner": "NHSE NW", "due": "2027-01-31", "done": False}
    ]
    assert [c["metric"] for c in one["exit_criteria"]] == ["ae_4hr", "bed_occupancy"]
    assert not {"audit", "opened_by"} & set(one)
    assert len(public_cases(engine)) == 2
    # the command needs no token
    shown = _case(home, None, "public", "--org", "QOP")
    assert shown.exit_code == 0 and json.loads(shown.stdout) == [one]
    # and the portal's route
    client = TestClient(create_app(home))
    body = client.get("/api/v1/organisations/qop/cases").json()
    assert body == {"org": "QOP", "cases": [one]}
    assert client.get("/api/v1/organisations/NOSUCH/cases").status_code == 404
