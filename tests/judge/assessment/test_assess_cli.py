"""`oversight assess ...` from the outside: roles enforced by token, refusals exit 2 and store
nothing, the whole draft -> moderation -> published path; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.store import database
from oversight.store.assessment_models import Assessment

runner = CliRunner()


@pytest.fixture
def home(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    return Home.at(tmp_path / "home", database_url)


@pytest.fixture
def toks(home: Home) -> dict[str, str]:
    engine = database.connect(home.database_url)
    return {
        "anna": tokens.create("anna", None, "cqc", engine=engine),
        "ben": tokens.create("ben", None, "cqc", engine=engine),
        "nhse": tokens.create("nhse-oversight", None, "nhse", engine=engine),
        "QMJ": tokens.create("ncl", "QMJ", "submitter", engine=engine),
    }


def run(home: Home, token: str | None, *args: str):
    argv = ["assess", *args, "--home", str(home.root)]
    if token is not None:
        argv += ["--token", token]
    return runner.invoke(app, argv)


def _count(home: Home) -> int:
    with database.session(database.connect(home.database_url)) as s:
        return int(s.scalar(select(func.count()).select_from(Assessment)) or 0)


def _start(home: Home, token: str) -> str:
    done = run(home, token, "start", "--org", "QMJ", "--date", "2024-06-01", "--reason",
               "annual assessment", "--json")  # fmt: skip
    assert done.exit_code == 0, done.output
    return str(json.loads(done.output)["id"])


def test_the_whole_path_from_the_command_line(home: Home, toks: dict[str, str]) -> None:
    aid = _start(home, toks["anna"])
    scored = run(home, toks["anna"], "score", aid,
                 "--set", "equity_in_access=outcomes:1,processes:2",
                 "--set", "safeguarding=outcomes:4,processes:4", "--reason", "evidence read",
                 "--json")  # fmt: skip
    assert scored.exit_code == 0, scored.output
    assert json.loads(scored.output)["method"] == "evidence_categories"  # before December 2024
    added = run(home, toks["anna"], "evidence", aid, "--statement", "equity_in_access",
                "--category", "people_s_experience", "--source", "survey", "--summary",
                "Longer waits reported in deprived areas.", "--date", "2024-05-01",
                "--ref", "title=GP Patient Survey", "--reason", "survey")  # fmt: skip
    assert added.exit_code == 0, added.output
    assert run(home, toks["anna"], "submit", aid, "--reason", "ready").exit_code == 0
    published = run(home, toks["ben"], "publish", aid, "--reason", "moderated", "--json")
    assert published.exit_code == 0, published.output
    result = json.loads(published.output)["result"]
    # statement scores 1 (37.5% rounds to 38%) and 4: 5 of 8 = 62.5%, rounds to 63%: Good,
    # limited to Requires improvement by the statement scored 1
    assert result["overall"]["aggregated"] == "Good"
    assert result["overall"]["rating"] == "Requires improvement"
    public = run(home, None, "show", aid, "--json")
    assert public.exit_code == 0 and json.loads(public.output)["status"] == "published"
    listed = run(home, None, "list", "--json")
    assert [v["id"] for v in json.loads(listed.output)] == [aid]


@pytest.mark.parametrize("who", ["nhse", "QMJ"])
def test_other_roles_cannot_start_or_change(home: Home, toks: dict[str, str], who: str) -> None:
    refused = run(home, toks[who], "start", "--org", "QMJ", "--reason", "x")
    assert refused.exit_code == 2 and "a cqc or admin token is needed" in refused.output
    assert _count(home) == 0
    aid = _start(home, toks["anna"])
    changed = run(home, toks[who], "score", aid, "--set", "safeguarding=2", "--reason", "x")
    assert changed.exit_code == 2 and "only its assessor (anna)" in changed.output
    hidden = run(home, toks[who], "show", aid)
    assert hidden.exit_code == 2 and "only published assessments are public" in hidden.output


def test_assessors_change_only_their_own_and_never_moderate_them(
    home: Home, toks: dict[str, str]
) -> None:
    aid = _start(home, toks["anna"])
    other = run(home, toks["ben"], "score", aid, "--set", "safeguarding=2", "--reason", "x")
    assert other.exit_code == 2 and "only its assessor (anna)" in other.output
    assert run(home, toks["anna"], "score", aid, "--set", "safeguarding=3",
               "--reason", "x").exit_code == 0  # fmt: skip
    assert run(home, toks["anna"], "submit", aid, "--reason", "ready").exit_code == 0
    own = run(home, toks["anna"], "publish", aid, "--reason", "self")
    assert own.exit_code == 2 and "may not moderate their own" in own.output
    nobody = run(home, None, "publish", aid, "--reason", "x")
    assert nobody.exit_code == 2 and "a token is needed for assessments" in nobody.output


def test_published_is_immutable_from_the_command_line(home: Home, toks: dict[str, str]) -> None:
    aid = _start(home, toks["anna"])
    run(home, toks["anna"], "score", aid, "--set", "safeguarding=3", "--reason", "x")
    run(home, toks["anna"], "submit", aid, "--reason", "ready")
    assert run(home, toks["ben"], "publish", aid, "--reason", "ok").exit_code == 0
    again = run(home, toks["anna"], "score", aid, "--set", "safeguarding=1", "--reason", "x")
    assert again.exit_code == 2 and "cannot be changed: start a new version" in again.output
    revised = run(home, toks["ben"], "revise", aid, "--reason", "new evidence", "--json")
    assert revised.exit_code == 0 and json.loads(revised.output)["supersedes"] == aid
    assert _count(home) == 2


def test_bad_input_exits_2_naming_the_choices(home: Home, toks: dict[str, str]) -> None:
    aid = _start(home, toks["anna"])
    bad = run(home, toks["anna"], "score", aid, "--set", "safeguarding=good", "--reason", "x")
    assert bad.exit_code == 2 and "must look like statement=3" in bad.output
    unknown = run(home, toks["anna"], "override", aid, "--subject", "overall", "--rating",
                  "Excellent", "--reason", "x")  # fmt: skip
    assert unknown.exit_code == 2 and "not a rating (Inadequate, Requires improvement" in (
        unknown.output.replace("\n", " "))
    status = run(home, toks["anna"], "list", "--status", "final")
    assert status.exit_code == 2 and "draft, moderation, published" in status.output
    neither = run(home, None, "show")
    assert neither.exit_code == 2 and "give an assessment id or --org CODE" in neither.output
