"""`oversight annotate` and `oversight rebase` from the outside, on SQLite and PostgreSQL:
roles enforced by token, refusals exit 2 naming what is allowed and store nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import Engine
from tests.annotations.annotation_support import Team, audit_count, team
from typer.testing import CliRunner, Result

from oversight.cli import app
from oversight.home import Home
from oversight.store import database

runner = CliRunner()


@pytest.fixture
def home(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    return Home.at(tmp_path / "home", database_url)


@pytest.fixture
def engine(home: Home) -> Engine:
    return database.connect(home.database_url)


@pytest.fixture
def people(engine: Engine) -> Team:
    return team(engine)


def run(home: Home, token: str | None, *args: str) -> Result:
    argv = [*args, "--home", str(home.root)]
    if token is not None:
        argv += ["--token", token]
    return runner.invoke(app, argv)


def propose(home: Home, token: str, org: str = "QMJ") -> Result:
    return run(home, token, "rebase", "propose", "--metric", "ae_4hr", "--org", org,
               "--month", "2024-06", "--reason", "new UTC", "--json")


def test_propose_approve_reverse_and_the_trail(home: Home, people: Team) -> None:
    made = propose(home, people.text["qmj"])
    assert made.exit_code == 0, made.output
    rebase = json.loads(made.output)
    assert (rebase["state"], rebase["starts"], rebase["allowed_next"]) == (
        "proposed", "2024-06", ["approved", "rejected", "withdrawn"])
    done = run(home, people.text["nhse"], "rebase", "approve", rebase["id"], "--reason", "ok")
    assert done.exit_code == 0, done.output
    assert "approved" in done.output and "next `oversight compute`" in done.output
    public = run(home, None, "rebase", "list", "--json")
    assert [r["state"] for r in json.loads(public.output)] == ["approved"]
    back = run(home, people.text["nhse"], "rebase", "reverse", rebase["id"], "--reason", "gone")
    assert back.exit_code == 0, back.output
    shown = run(home, None, "rebase", "show", rebase["id"], "--json")
    trail = json.loads(shown.output)["audit"]
    assert [(e["action"], e["actor"], e["reason"]) for e in trail] == [
        ("rebase.propose", "token:ncl-performance", "new UTC"),
        ("rebase.approve", "token:nhse-oversight", "ok"),
        ("rebase.reverse", "token:nhse-oversight", "gone"),
    ]


def test_refusals_exit_2_and_store_nothing(home: Home, engine: Engine, people: Team) -> None:
    rebase = json.loads(propose(home, people.text["qmj"]).output)
    before = audit_count(engine)
    cases = [
        (None, ["rebase", "approve", rebase["id"], "--reason", "x"], "a token is needed"),
        ("qop", ["rebase", "propose", "--metric", "ae_4hr", "--org", "QMJ", "--month",
                 "2024-06", "--reason", "x"], "speaks for QOP"),
        ("qmj2", ["rebase", "approve", rebase["id"], "--reason", "x"],
         "not on the approver register"),
        ("nhse", ["rebase", "reverse", rebase["id"], "--reason", "x"],
         "may move only to 'approved' or 'rejected' or 'withdrawn'"),
        ("nhse", ["rebase", "propose", "--metric", "ae_4hr", "--org", "QMJ", "--month",
                  "2024-6-x", "--reason", "x"], "is not a date"),
        ("qmj", ["rebase", "approver", "add", "--icb", "QMJ", "--token-id",
                 people.who["qmj2"].token_id, "--reason", "x"], "appointed by NHS England"),
        ("qop", ["annotate", "add", "--metric", "ae_4hr", "--org", "QMJ", "--date",
                 "2024-06-03", "--text", "x"], "may not annotate QMJ's series"),
        ("qmj", ["annotate", "add", "--metric", "ae_4hr", "--org", "QMJ", "--date",
                 "2024-06-03", "--text", "x", "--breakdown", "postcode"], "its breakdowns are"),
    ]
    for who, args, message in cases:
        result = run(home, None if who is None else people.text[who], *args)
        assert result.exit_code == 2, (args, result.output)
        assert message in " ".join(result.output.split()), (message, result.output)
    assert audit_count(engine) == before


def test_the_named_approver_register_through_the_command_line(
    home: Home, people: Team
) -> None:
    added = run(home, people.text["nhse"], "rebase", "approver", "add", "--icb", "QMJ",
                "--token-id", people.who["qmj2"].token_id, "--reason", "ICB director", "--json")
    assert added.exit_code == 0, added.output
    entry = json.loads(added.output)
    listed = json.loads(run(home, None, "rebase", "approver", "list", "--json").output)
    assert [(e["icb"], e["name"]) for e in listed] == [("QMJ", "ncl-director")]
    rebase = json.loads(propose(home, people.text["qmj"]).output)
    ok = run(home, people.text["qmj2"], "rebase", "approve", rebase["id"], "--reason", "board")
    assert ok.exit_code == 0, ok.output
    gone = run(home, people.text["admin"], "rebase", "approver", "remove", entry["id"],
               "--reason", "moved on")
    assert gone.exit_code == 0, gone.output
    refused = run(home, people.text["qmj2"], "rebase", "reverse", rebase["id"], "--reason", "x")
    assert refused.exit_code == 2 and "not on the approver register" in refused.output


def test_annotations_add_list_withdraw(home: Home, people: Team) -> None:
    added = run(home, people.text["qmj"], "annotate", "add", "--metric", "ae_4hr", "--org",
                "qmj", "--date", "2024-06-03", "--text", "New UTC opened", "--json")
    assert added.exit_code == 0, added.output
    note = json.loads(added.output)
    assert (note["org"], note["date"], note["author"]) == ("QMJ", "2024-06-03",
                                                            "token:ncl-performance")
    female = run(home, people.text["nhse"], "annotate", "add", "--metric", "ae_4hr", "--org",
                 "ENG", "--date", "2024-07", "--text", "Heatwave", "--breakdown", "sex",
                 "--group", "female")
    assert female.exit_code == 0, female.output
    listed = run(home, None, "annotate", "list", "--metric", "ae_4hr", "--json")
    assert [n["text"] for n in json.loads(listed.output)] == ["New UTC opened", "Heatwave"]
    gone = run(home, people.text["qmj"], "annotate", "withdraw", note["id"], "--reason", "typo")
    assert gone.exit_code == 0, gone.output
    listed = run(home, None, "annotate", "list", "--json")
    assert [n["text"] for n in json.loads(listed.output)] == ["Heatwave"]
    every = json.loads(run(home, None, "annotate", "list", "--withdrawn", "--json").output)
    assert {n["state"] for n in every} == {"active", "withdrawn"}
