"""`oversight case ...` as a person reads it (no --json): what each command prints, people's
words printed as written (brackets included), long lines kept whole, and the defaults of the
options (text unless --json, a manual trigger unless told, --undo, the catalogue's policy)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console
from tests.judge.escalation.case_support import publish_results
from typer.testing import CliRunner

from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.judge.escalation import command
from oversight.store import database

runner = CliRunner()
BRACKETS = "[x] done, see [bold]"  # rich would read both as markup and drop them


@pytest.fixture
def home(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    return Home.at(tmp_path / "home", database_url)


@pytest.fixture
def nhse(home: Home) -> str:
    return tokens.create("nhse-oversight", None, "nhse", engine=database.connect(home.database_url))


def run(home: Home, token: str | None, *args: str) -> list[str]:
    argv = ["case", *args, "--home", str(home.root)]
    if token is not None:
        argv += ["--token", token]
    done = runner.invoke(app, argv)
    assert done.exit_code == 0, done.output
    return done.stdout.splitlines()


def refused(home: Home, token: str, *args: str) -> str:
    done = runner.invoke(app, ["case", *args, "--home", str(home.root), "--token", token])
    assert done.exit_code == 2, done.output
    return done.output


def open_text(home: Home, token: str, *extra: str) -> list[str]:
    return run(
        home, token, "open", "--org", "QOP", "--owner", "NHSE NW", "--summary", "Slow care.",
        "--reason", f"seg 5 {BRACKETS}", *extra,
    )  # fmt: skip


def case_id(lines: list[str]) -> str:
    return lines[0].split()[0]


def test_open_prints_the_case_without_its_trail_and_a_manual_trigger_by_default(
    home: Home, nhse: str
) -> None:
    lines = open_text(home, nhse)
    case = case_id(lines)
    assert lines == [
        f"{case}  QOP  identified  owner: NHSE NW",
        "  summary: Slow care.",
        f"  trigger manual: seg 5 {BRACKETS}",
        "  may move to: diagnostic, closed",
    ]
    [shown] = json.loads("\n".join(run(home, nhse, "list", "--json")))
    assert shown["exit_criteria"] == [] and shown["actions"] == []


def test_people_s_words_are_printed_as_written_and_long_ones_on_one_line(
    home: Home, nhse: str
) -> None:
    summary = f"Urgent care {BRACKETS}: " + "well below the standard for months, " * 3 + "end"
    lines = run(
        home, nhse, "open", "--org", "QOP", "--owner", "NHSE NW", "--summary", summary,
        "--reason", "seg 5", "--trigger", "segment", "--trigger", "cqc_inadequate",
        "--action", f"Review {BRACKETS}|NHSE NW|2027-01-31", "--action", "Plan|ICB|2027-03-31",
        "--exit", "ae_4hr>=78x3",
    )  # fmt: skip
    case = case_id(lines)
    assert lines == [
        f"{case}  QOP  identified  owner: NHSE NW",
        f"  summary: {summary}",
        "  trigger segment: seg 5",
        "  trigger cqc_inadequate: seg 5",
        "  may move to: diagnostic, closed",
        f"  [ ] action 1: Review {BRACKETS} (NHSE NW, due 2027-01-31)",
        "  [ ] action 2: Plan (ICB, due 2027-03-31)",
        "  exit: ae_4hr >= 78 for 3 consecutive month(s), not evaluated",
    ]


def test_each_change_prints_the_case_and_show_adds_the_trail(
    home: Home, nhse: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(command, "out", Console(width=200))  # audit lines unwrapped
    case = case_id(open_text(home, nhse))
    moved = run(home, nhse, "advance", case, "--reason", f"agreed {BRACKETS}")
    assert moved[0] == f"{case}  QOP  diagnostic  owner: NHSE NW"
    assert not [line for line in moved if "agreed" in line]  # no audit trail
    added = run(home, nhse, "action", case, "Review|NHSE NW|2027-01-31", "--reason", "r1")
    assert added[-1] == "  [ ] action 1: Review (NHSE NW, due 2027-01-31)"
    assert not [line for line in added if "r1" in line]
    crit = run(home, nhse, "exit", case, "ae_4hr>=78x3", "--reason", "r2")
    assert crit[-1] == "  exit: ae_4hr >= 78 for 3 consecutive month(s), not evaluated"
    assert not [line for line in crit if "r2" in line]
    done = run(home, nhse, "done", case, "1", "--reason", "r3")
    assert "  [x] action 1: Review (NHSE NW, due 2027-01-31)" in done
    assert not [line for line in done if "r3" in line]
    undone = run(home, nhse, "done", case, "1", "--undo", "--reason", "r4")
    assert "  [ ] action 1: Review (NHSE NW, due 2027-01-31)" in undone
    shown = run(home, nhse, "show", case)
    trail = [line.split("  ", 3)[3] for line in shown if line.startswith("  2")]
    assert trail == [
        f"case.open: seg 5 {BRACKETS}",
        f"case.state identified -> diagnostic: agreed {BRACKETS}",
        "case.action.add: r1",
        "case.exit.add: r2",
        "case.action: r3",
        "case.action: r4",
    ]
    closed = run(home, nhse, "close", case, "--reason", "r5")
    assert closed[0] == f"{case}  QOP  closed  owner: NHSE NW"
    assert "  may move to: none (closed)" in closed
    assert not [line for line in closed if "r5" in line]
    as_json = json.loads("\n".join(run(home, nhse, "show", case, "--json")))
    assert as_json["state"] == "closed" and len(as_json["audit"]) == 7


def test_an_exit_criterion_on_a_metric_the_catalogue_lacks_is_refused(
    home: Home, nhse: str
) -> None:
    case = case_id(open_text(home, nhse))
    out = refused(home, nhse, "exit", case, "no_such_metric>=1x2", "--reason", "r")
    assert "exit criterion on 'no_such_metric': the catalogue has no such metric" in out
    assert "must look like" in refused(home, nhse, "exit", case, "ae_4hr=1", "--reason", "r")


def test_list_prints_one_line_per_case_or_no_cases(home: Home, nhse: str) -> None:
    assert run(home, nhse, "list") == ["no cases"]
    case = case_id(open_text(home, nhse))
    assert run(home, nhse, "list") == [f"{case}  QOP  identified  owner: NHSE NW"]


def test_public_prints_the_public_summary_as_json_without_a_token(home: Home, nhse: str) -> None:
    assert json.loads("\n".join(run(home, None, "public"))) == []
    case = case_id(open_text(home, nhse))
    public = json.loads("\n".join(run(home, None, "public", "--org", "QOP")))
    assert [c["id"] for c in public] == [case]
    assert json.loads("\n".join(run(home, None, "public", "--org", "QHL"))) == []


def test_evaluate_prints_each_open_case_and_the_count_moved(home: Home, nhse: str) -> None:
    case = case_id(open_text(home, nhse, "--exit", "ae_4hr>=78x2"))
    other = case_id(open_text(home, nhse))
    for _ in range(3):
        run(home, nhse, "advance", case, "--reason", "agreed")
    publish_results(home, {("QOP", "ae_4hr"): [70.0, 80.0, 79.0]})
    assert run(home, nhse, "evaluate") == [
        f"{case}  QOP  exit criteria met: 1/1 criteria met -> exit criteria met",
        f"{other}  QOP  identified: 0/0 criteria met",
        "2 open case(s) evaluated, 1 moved",
    ]
    assert run(home, nhse, "evaluate") == [
        f"{case}  QOP  exit criteria met: 1/1 criteria met",
        f"{other}  QOP  identified: 0/0 criteria met",
        "2 open case(s) evaluated, 0 moved",
    ]


def test_propose_prints_each_proposal_on_one_line_and_the_ones_left_out(
    home: Home, nhse: str, tmp_path: Path
) -> None:
    segments = tmp_path / "segments.json"
    segments.write_text(json.dumps([{"org": "QOP", "segment": 5}, {"org": "QHL", "segment": 5}]))
    cqc = tmp_path / "cqc.csv"
    cqc.write_text("org,rating\nQOP,Inadequate\nQHL,Inadequate\n")
    case = case_id(open_text(home, nhse))  # QOP has a case open: left out
    listed = run(home, nhse, "propose", "--segments", str(segments), "--cqc", str(cqc))
    assert listed == [  # longer than 80 columns, on one line
        "QHL  segment: in segment 5, the lowest; cqc_inadequate: rated Inadequate by the CQC",
        "1 proposed (1 with a case already open)",
    ]
    opened = run(home, nhse, "propose", "--segments", str(segments), "--open")
    assert len(opened) == 2, opened  # a long line is not wrapped
    assert opened[0].startswith("QHL  segment: in segment 5, the lowest  opened case-")
    assert opened[1] == "1 proposed (1 with a case already open)"
    new = opened[0].rsplit(" ", 1)[1]
    assert {case, new} == {
        c["id"] for c in json.loads("\n".join(run(home, nhse, "list", "--json")))
    }
    # without --segments or --cqc: no segment trigger and the (no) published CQC ratings
    assert run(home, nhse, "propose") == ["0 proposed (0 with a case already open)"]


def test_propose_takes_the_policy_s_lowest_segment_unless_told(
    home: Home, nhse: str, tmp_path: Path
) -> None:
    segments = tmp_path / "segments.json"
    segments.write_text(json.dumps([{"org": "QOP", "segment": 4}]))
    assert run(home, nhse, "propose", "--segments", str(segments)) == [
        "0 proposed (0 with a case already open)"
    ]
    lower = run(home, nhse, "propose", "--segments", str(segments), "--lowest-segment", "4")
    assert lower == [
        "QOP  segment: in segment 4, the lowest",
        "1 proposed (0 with a case already open)",
    ]
