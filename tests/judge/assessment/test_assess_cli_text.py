"""`oversight assess ...` as a person reads it (no --json): what each command prints, evidence
and people's words printed as written (brackets included), long lines kept whole, drafts
listed only for a token, and the bad dates and unknown organisations refused."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from typer.testing import CliRunner

from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.judge.assessment import command
from oversight.store import database

runner = CliRunner()
WAITS = "Longer waits [x] in deprived areas [bold]"  # rich would drop both as markup
SCORES = ["--set", "equity_in_access=outcomes:1,processes:2",
          "--set", "safeguarding=outcomes:4,processes:4"]  # fmt: skip


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
    }


def run(home: Home, token: str | None, *args: str) -> list[str]:
    argv = ["assess", *args, "--home", str(home.root)]
    if token is not None:
        argv += ["--token", token]
    done = runner.invoke(app, argv)
    assert done.exit_code == 0, done.output
    return done.stdout.splitlines()


def refused(home: Home, token: str | None, *args: str) -> str:
    argv = ["assess", *args, "--home", str(home.root)]
    if token is not None:
        argv += ["--token", token]
    done = runner.invoke(app, argv)
    assert done.exit_code == 2, done.output
    return done.output.replace("\n", " ")


def wide(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(command, "out", Console(width=300))  # the header line unwrapped


def published(home: Home, toks: dict[str, str]) -> str:
    """QMJ scored 1 and 4 with one piece of evidence, rated Good by judgement, published."""
    start = ["start", "--org", "qmj", "--date", "2024-06-01", "--reason", "annual", "--json"]
    aid = str(json.loads("\n".join(run(home, toks["anna"], *start)))["id"])
    run(home, toks["anna"], "score", aid, *SCORES, "--reason", "r")
    run(home, toks["anna"], "evidence", aid, "--statement", "equity_in_access", "--category",
        "people_s_experience", "--source", "survey", "--summary", WAITS, "--date", "2024-05-01",
        "--reason", "survey")  # fmt: skip
    run(home, toks["anna"], "override", aid, "--subject", "overall", "--rating", "Good",
        "--reason", "judgement [y]")  # fmt: skip
    run(home, toks["anna"], "submit", aid, "--reason", "ready")
    run(home, toks["ben"], "publish", aid, "--reason", "ok")
    return aid


def test_a_draft_is_printed_line_by_line(
    home: Home, toks: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wide(monkeypatch)
    started = run(home, toks["anna"], "start", "--org", "qmj", "--date", "2024-06-01",
                  "--reason", "annual")  # fmt: skip
    aid = started[0].split()[0]
    header = f"{aid}  QMJ  v1  draft  cqc_ics 2024.1  method evidence_categories  assessor anna"
    assert started == [header]
    assert run(home, toks["anna"], "score", aid, *SCORES, "--reason", "r") == [
        header,
        "  equity_in_access: {'outcomes': 1, 'processes': 2}",
        "  safeguarding: {'outcomes': 4, 'processes': 4}",
    ]
    added = run(home, toks["anna"], "evidence", aid, "--statement", "equity_in_access",
                "--category", "people_s_experience", "--source", "survey", "--summary", WAITS,
                "--date", "2024-05-01", "--reason", "survey")  # fmt: skip
    assert added[-1] == (
        f"  evidence [survey] equity_in_access/people_s_experience 2024-05-01: {WAITS}"
    )
    assert run(home, toks["anna"], "submit", aid, "--reason", "ready")[0] == header.replace(
        "draft", "moderation"
    )
    assert run(home, toks["ben"], "return", aid, "--reason", "more")[0] == header
    judged = run(home, toks["anna"], "override", aid, "--subject", "overall", "--rating",
                 "Good", "--reason", "judgement")  # fmt: skip
    assert judged[0] == header
    run(home, toks["anna"], "submit", aid, "--reason", "ready")
    done = run(home, toks["ben"], "publish", aid, "--reason", "ok")
    assert done[0] == header.replace("draft", "published")
    assert "  overall: Good" in done


def test_a_published_assessment_shows_its_ratings_and_account(
    home: Home, toks: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    aid = published(home, toks)
    lines = run(home, None, "show", aid)  # 80 columns: the account's lines are not wrapped
    assert lines[lines.index("  safeguarding: {'outcomes': 4, 'processes': 4}") + 1 :] == [
        "  theme quality_and_safety: Requires improvement (63%)",
        "  overall: Good",
        "    Theme ratings: Quality and safety Requires improvement. The overall rating pools "
        "every rated statement (pooled_statements, recalled: to be verified).",
        "    Safeguarding 4, Equity in access 1: 5 of a possible 8 is 62.5%, which rounds to "
        "63%, in the 63-87% band: Good.",
        "    The percentage is in the Good band but Equity in access (1) scored 1, so the rating "
        "is limited to Requires improvement (limiter good_capped_by_score_1, recalled: to be "
        "verified against CQC's wording).",
        "    Professional judgement: rated Good instead of Requires improvement by anna, "
        "because judgement [y]",
        f"  evidence [survey] equity_in_access/people_s_experience 2024-05-01: {WAITS}",
    ]
    wide(monkeypatch)
    revised = run(home, toks["ben"], "revise", aid, "--reason", "new")
    new = revised[0].split()[0]
    assert revised[:2] == [
        f"{new}  QMJ  v2  draft  cqc_ics 2024.1  method evidence_categories  assessor ben",
        f"  supersedes {aid}",
    ]
    assert not [line for line in revised if "theme" in line or "overall" in line]


def test_list_shows_drafts_only_to_a_token(home: Home, toks: dict[str, str]) -> None:
    aid = published(home, toks)
    new = json.loads("\n".join(run(home, toks["ben"], "revise", aid, "--reason", "n", "--json")))
    public = f"{aid}  QMJ  v1  published  Good  anna"
    assert run(home, None, "list") == [public]
    assert run(home, toks["anna"], "list") == [public, f"{new['id']}  QMJ  v2  draft  -  ben"]
    assert run(home, None, "list", "--org", "qhl") == []
    assert run(home, None, "list", "--org", "qmj", "--status", "published") == [public]


def test_show_org_prints_the_latest_readable_assessment_and_the_automatic_evidence(
    home: Home, toks: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    wide(monkeypatch)
    assert run(home, None, "show", "--org", "qmj") == [
        "QMJ: no assessment you may read",
        "Automatic Equity in access evidence (0 items):",
    ]
    aid = published(home, toks)
    run(home, toks["ben"], "revise", aid, "--reason", "new")
    shown = run(home, None, "show", "--org", "QMJ")  # the draft v2 is not public
    assert shown[0].startswith(f"{aid}  QMJ  v1  published")
    assert shown[-1] == "Automatic Equity in access evidence (0 items):"
    got = json.loads("\n".join(run(home, toks["anna"], "show", "--org", "qmj", "--json")))
    assert got["org"] == "QMJ" and got["automatic_evidence"] == []
    assert got["assessment"]["version"] == 2 and got["assessment"]["audit"]
    assert "unknown organisation 'ZZZ'" in refused(home, None, "show", "--org", "zzz")
    both = refused(home, None, "show", aid, "--org", "QMJ")
    assert "give an assessment id or --org CODE (one of them)" in both


def test_bad_dates_and_missing_results_are_refused(home: Home, toks: dict[str, str]) -> None:
    bad = refused(home, toks["anna"], "start", "--org", "QMJ", "--date", "2024-13-01",
                  "--reason", "x")  # fmt: skip
    assert "--date '2024-13-01' is not a date (YYYY-MM-DD)" in bad
    started = run(home, toks["anna"], "start", "--org", "QMJ", "--reason", "x", "--json")
    aid = json.loads("\n".join(started))["id"]
    evidence = refused(home, toks["anna"], "evidence", aid, "--statement", "equity_in_access",
                       "--category", "people_s_experience", "--source", "survey",
                       "--summary", "s", "--date", "May 2024", "--reason", "x")  # fmt: skip
    assert "--date 'May 2024' is not a date (YYYY-MM-DD)" in evidence
    auto = refused(home, toks["anna"], "evidence", aid, "--auto", "--reason", "x")
    assert "no computed results" in auto
    assert "no computed results" in refused(home, None, "equity")


def test_json_is_printed_indented_by_two(home: Home, toks: dict[str, str]) -> None:
    aid = published(home, toks)
    shown = "\n".join(run(home, None, "show", aid, "--json"))
    assert shown.startswith('{\n  "id": ') and json.loads(shown)["id"] == aid
    listed = "\n".join(run(home, None, "list", "--json"))
    assert listed.startswith('[\n  {\n    "id": ')
    latest = "\n".join(run(home, None, "show", "--org", "QMJ", "--json"))
    assert latest.startswith('{\n  "org": "QMJ",\n  "assessment": {\n    "id": ')
