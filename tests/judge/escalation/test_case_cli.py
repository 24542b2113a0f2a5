"""`oversight case ...` from the outside: roles enforced by token, refusals exit 2 and store
nothing, JSON output, evaluation and trigger proposals; on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.judge.escalation.case_support import audit_count, publish_results
from typer.testing import CliRunner

from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.store import database

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
        "nhse": tokens.create("nhse-oversight", None, "nhse", engine=engine),
        "admin": tokens.create("ops", None, "admin", engine=engine),
        "QOP": tokens.create("gm", "QOP", "submitter", engine=engine),
        "QHL": tokens.create("bsol", "QHL", "submitter", engine=engine),
    }


def run(home: Home, token: str | None, *args: str):
    argv = ["case", *args, "--home", str(home.root)]
    if token is not None:
        argv += ["--token", token]
    return runner.invoke(app, argv)


OPEN = [
    "open",
    "--org",
    "QOP",
    "--owner",
    "NHS England North West",
    "--summary",
    "Urgent care well below the standard.",
    "--reason",
    "segment 5",
    "--trigger",
    "segment",
    "--action",
    "Diagnostic review|NHSE NW|2027-01-31",
    "--exit",
    "ae_4hr>=78x3",
]


def open_case(home: Home, token: str, org: str = "QOP") -> str:
    argv = [a if a != "QOP" else org for a in OPEN]
    done = run(home, token, *argv, "--json")
    assert done.exit_code == 0, done.output
    return str(json.loads(done.stdout)["id"])


def test_an_icb_token_may_not_open_advance_close_or_evaluate(
    home: Home, toks: dict[str, str]
) -> None:
    engine = database.connect(home.database_url)
    case = open_case(home, toks["nhse"])
    before = audit_count(engine)
    for argv in (
        OPEN,
        ["advance", case, "--reason", "we improved"],
        ["close", case, "--reason", "we improved"],
        ["done", case, "1", "--reason", "we did it"],
        ["evaluate"],
        ["propose"],
    ):
        refused = run(home, toks["QOP"], *argv)
        assert refused.exit_code == 2, argv
        assert "only an nhse or admin token" in refused.output
    assert audit_count(engine) == before
    shown = json.loads(run(home, toks["nhse"], "show", case, "--json").stdout)
    assert shown["state"] == "identified"


def test_without_a_valid_token_nothing_happens(home: Home, toks: dict[str, str]) -> None:
    missing = run(home, None, *OPEN)
    assert missing.exit_code == 2 and "a token is needed" in missing.output
    wrong = run(home, toks["nhse"][:-3] + "xyz", *OPEN)
    assert wrong.exit_code == 2 and "not valid" in wrong.output
    assert json.loads(run(home, toks["nhse"], "list", "--json").stdout) == []


def test_nhs_england_runs_a_case_and_the_trail_shows_it(home: Home, toks: dict[str, str]) -> None:
    case = open_case(home, toks["nhse"])
    skip = run(home, toks["nhse"], "advance", case, "--to", "intervention", "--reason", "fast")
    assert skip.exit_code == 2
    assert "from 'identified' it may move only to 'diagnostic' or 'closed'" in skip.output
    for reason in ("diagnostic agreed", "support offered by the region", "into RSP"):
        assert run(home, toks["nhse"], "advance", case, "--reason", reason).exit_code == 0
    early = run(home, toks["admin"], "close", case, "--reason", "done")
    assert early.exit_code == 2 and "may move only to 'exit criteria met'" in early.output
    no_reason = run(home, toks["nhse"], "advance", case, "--reason", " ")
    assert no_reason.exit_code == 2 and "reason is needed" in no_reason.output
    done = run(home, toks["admin"], "done", case, "1", "--reason", "report received")
    assert done.exit_code == 0, done.output
    shown = json.loads(run(home, toks["nhse"], "show", case, "--json").stdout)
    assert shown["state"] == "intervention"
    assert shown["allowed_next"] == ["exit criteria met"]
    assert shown["actions"][0]["done"] is True
    assert shown["exit_criteria"][0] | {"id": 0} == {
        "id": 0,
        "metric": "ae_4hr",
        "comparison": ">=",
        "threshold": 78.0,
        "periods": 3,
        "months_met": None,
        "through": None,
        "met": None,
    }
    assert [(e["action"], e.get("to"), e["reason"], e["actor"]) for e in shown["audit"]] == [
        ("case.open", None, "segment 5", "token:nhse-oversight"),
        ("case.state", "diagnostic", "diagnostic agreed", "token:nhse-oversight"),
        ("case.state", "support offered", "support offered by the region", "token:nhse-oversight"),
        ("case.state", "intervention", "into RSP", "token:nhse-oversight"),
        ("case.action", None, "report received", "token:ops"),
    ]
    text = run(home, toks["nhse"], "show", case)
    assert "intervention" in text.stdout and "into RSP" in text.stdout


def test_an_icb_token_reads_only_its_own_cases(home: Home, toks: dict[str, str]) -> None:
    qop = open_case(home, toks["nhse"])
    qhl = open_case(home, toks["nhse"], org="QHL")
    own = json.loads(run(home, toks["QOP"], "list", "--json").stdout)
    assert [c["id"] for c in own] == [qop]
    assert json.loads(run(home, toks["QOP"], "show", qop, "--json").stdout)["org"] == "QOP"
    other = run(home, toks["QOP"], "show", qhl)
    assert other.exit_code == 2 and "only QOP's cases, not QHL's" in other.output
    everyone = json.loads(run(home, toks["nhse"], "list", "--json").stdout)
    assert {c["id"] for c in everyone} == {qop, qhl}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (("--org", "ZZZ"), "unknown organisation 'ZZZ'"),
        (("--exit", "no_such_metric>=1x2"), "no such metric"),
        (("--exit", "ae_4hr=78"), "must look like"),
        (("--action", "Review|2027-01-31"), "what|owner"),
        (("--trigger", "whim"), "manual"),
    ],
)
def test_bad_input_is_refused_and_stores_nothing(
    home: Home, toks: dict[str, str], change: tuple[str, str], message: str
) -> None:
    argv = list(OPEN)
    flag, value = change
    if flag == "--org":
        argv[argv.index("--org") + 1] = value
    else:
        argv += [flag, value]
    refused = run(home, toks["nhse"], *argv)
    assert refused.exit_code == 2 and message in refused.output
    assert json.loads(run(home, toks["nhse"], "list", "--json").stdout) == []


def test_evaluate_moves_a_case_whose_criteria_hold(home: Home, toks: dict[str, str]) -> None:
    nothing = run(home, toks["nhse"], "evaluate")
    assert nothing.exit_code == 2 and "no results are published" in nothing.output
    case = open_case(home, toks["nhse"])
    for _ in range(3):
        run(home, toks["nhse"], "advance", case, "--reason", "agreed")
    publish_results(home, {("QOP", "ae_4hr"): [70.0, 80.0, 79.0]})
    first = run(home, toks["nhse"], "evaluate")
    assert first.exit_code == 0 and "0/1 criteria met" in first.stdout
    publish_results(home, {("QOP", "ae_4hr"): [70.0, 80.0, 79.0, 78.0]})
    second = run(home, toks["admin"], "evaluate")
    assert "1/1 criteria met -> exit criteria met" in second.stdout
    shown = json.loads(run(home, toks["QOP"], "show", case, "--json").stdout)
    assert shown["state"] == "exit criteria met"
    assert shown["audit"][-1]["actor"] == "system"
    assert run(home, toks["nhse"], "close", case, "--reason", "exit confirmed").exit_code == 0


def test_propose_lists_by_default_and_opens_when_asked(
    home: Home, toks: dict[str, str], tmp_path: Path
) -> None:
    segments = tmp_path / "segments.json"
    segments.write_text(json.dumps([{"org": "QOP", "segment": 5}, {"org": "QHL", "segment": 3}]))
    cqc = tmp_path / "cqc.csv"
    cqc.write_text("org,rating\nQHL,Good\nQMJ,Inadequate\n")
    args = ["propose", "--segments", str(segments), "--cqc", str(cqc), "--json"]
    proposed = json.loads(run(home, toks["nhse"], *args).stdout)
    assert [(p["org"], [t["kind"] for t in p["triggers"]], p["case"]) for p in proposed] == [
        ("QMJ", ["cqc_inadequate"], None),
        ("QOP", ["segment"], None),
    ]
    assert json.loads(run(home, toks["nhse"], "list", "--json").stdout) == []
    opened = json.loads(run(home, toks["nhse"], *args, "--open").stdout)
    assert all(p["case"] for p in opened)
    listed = json.loads(run(home, toks["nhse"], "list", "--json").stdout)
    assert sorted(c["org"] for c in listed) == ["QMJ", "QOP"]
    assert {c["triggers"][0]["kind"] for c in listed} == {"cqc_inadequate", "segment"}
    # an organisation with a case open is not proposed again
    assert json.loads(run(home, toks["nhse"], *args).stdout) == []
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps([{"org": "QOP", "segment": 7}]))
    refused = run(home, toks["nhse"], "propose", "--segments", str(bad))
    assert refused.exit_code == 2 and "segments must be 1 to 5" in refused.output
    bad.write_text(json.dumps([{"org": "NOPE1", "segment": 5}]))
    unknown = run(home, toks["nhse"], "propose", "--segments", str(bad))
    assert unknown.exit_code == 2 and "no organisation NOPE1" in unknown.output


def test_every_recompute_evaluates_the_cases(
    home: Home, toks: dict[str, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """`oversight compute` goes through oversight.pipeline.compute_and_judge, which evaluates
    the cases (computing and judging are stood in for: a tiny results version is published,
    and the judge stage and inequality step are skipped)."""
    from oversight import pipeline
    from oversight.judge import stage
    from oversight.metrics import stage as metrics_stage
    from oversight.metrics.results import current

    case = open_case(home, toks["nhse"])
    for _ in range(3):
        run(home, toks["nhse"], "advance", case, "--reason", "agreed")

    def fake_compute(where: Home, **options: object):
        publish_results(where, {("QOP", "ae_4hr"): [80.0, 80.0, 80.0]})
        return current(where)

    monkeypatch.setattr(metrics_stage, "compute", fake_compute)
    monkeypatch.setattr(stage, "judged", lambda where, version: object())
    monkeypatch.setattr(pipeline, "measure_inequality", lambda *args: None)
    done = runner.invoke(app, ["compute", "--full", "--home", str(home.root)])
    assert done.exit_code == 0, done.output
    assert f"1 evaluated, 1 now meet their exit criteria ({case})" in done.stdout
    shown = json.loads(run(home, toks["nhse"], "show", case, "--json").stdout)
    assert shown["state"] == "exit criteria met"
