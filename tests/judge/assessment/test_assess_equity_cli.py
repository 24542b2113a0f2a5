"""`oversight assess equity`, `show --org` and `evidence --auto` on a small hand-made results
version (no demo): three ICBs and England, 13 months of deprivation and ethnicity breakdowns of
ae_4hr, so two 12-month windows (to March and to April 2025). The measures are stored with the
judgements on first use; a published assessment's scores and ratings join the national view."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
from rich.console import Console
from tests.judge.assessment.assessors import published
from tests.judge.assessment.inequality_rows import rows
from typer.testing import CliRunner

from oversight.catalogue import load
from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.judge.assessment import command, inequality_store, sources
from oversight.store import database

runner = CliRunner()
CAT: Any = load()
KEYS = ["metric_id", "org_type", "org_code", "period", "breakdown", "group"]
QMJ_SII = "19.5 (17.7 to 21.0)"  # what the seeded rows give (England's: 10.1, 9.5 to 10.7)


@pytest.fixture(scope="module")
def results(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The home's folder: one results version with its inequality measures stored."""
    root = tmp_path_factory.mktemp("equity") / "home"
    icbs = rows(CAT.metrics, orgs=("QMJ", "QMF", "QRV"), months=13, slope=0.02, size=300)
    england = rows(CAT.metrics, orgs=("ENG",), months=13, slope=0.01, size=3000, seed=2)
    england["org_type"] = "england"
    frame = pd.concat([icbs, england], ignore_index=True)
    frame["missing_reason"] = None
    frame["revisions"] = [[f"rev-{i % 3}"] for i in range(len(frame))]
    folder = root / "results" / "v1"
    folder.mkdir(parents=True)
    stats = ["ci_lower", "ci_upper"]
    frame.drop(columns=stats).to_parquet(folder / "metrics.parquet", index=False)
    frame[[*KEYS, *stats]].to_parquet(folder / "statistics.parquet", index=False)
    months = sorted({str(p) for p in frame["period"]})
    (folder / "manifest.json").write_text(json.dumps({"version": "v1", "periods": months}))
    (root / "results" / "CURRENT").write_text("v1\n")
    sources.measures(Home.at(root), CAT)  # measured and stored now, for every test
    return root


@pytest.fixture
def home(results: Path, database_url: str, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    return Home.at(results, database_url)


def run(home: Home, *args: str) -> Any:
    done = runner.invoke(app, ["assess", *args, "--home", str(home.root)])
    assert done.exit_code == 0, done.output
    return done


def _json(home: Home, *args: str) -> Any:
    return json.loads(run(home, *args, "--json").stdout)


def test_the_measures_are_stored_with_the_judgements(home: Home) -> None:
    assert inequality_store.stored(home, "v1")
    frame, version = sources.measures(home, CAT)
    assert version == "v1"
    assert sources.periods(frame) == [pd.Timestamp("2025-03-01").date(),
                                      pd.Timestamp("2025-04-01").date()]  # fmt: skip
    assert sources.latest_period(frame) == pd.Timestamp("2025-04-01").date()


def test_the_national_view_as_json_joins_the_published_ratings(home: Home) -> None:
    before = {r["org"]: r for r in _json(home, "equity")}
    assert before["QMJ"]["statement_score"] is None and before["QMJ"]["overall_rating"] is None
    published(home.database())  # QMJ: equity in access scored 1, overall Requires improvement
    view = {r["org"]: r for r in _json(home, "equity")}
    qmj = view["QMJ"]
    assert qmj["period"] == "2025-04-01" and qmj["window"] == "12 months"
    assert qmj["name"] == "NHS North Central London Integrated Care Board"
    assert qmj["statement_score"] == 1
    assert qmj["overall_rating"] == "Requires improvement"
    assert qmj["assessment_id"] is not None
    (ae,) = [m for m in qmj["metrics"] if m["metric_id"] == "ae_4hr"]
    assert (round(ae["sii"], 1), round(ae["sii_lower"], 1), round(ae["sii_upper"], 1)) == (
        19.5, 17.7, 21.0)  # fmt: skip
    assert ae["sii_vs_england"] == "above England"
    assert view["ENG"]["metrics"][0]["sii_vs_england"] == "England"
    assert view["QMF"]["statement_score"] is None  # no published assessment
    assert run(home, "equity", "--json").stdout.startswith('[\n  {\n    "org": ')
    march = {r["org"]: r for r in _json(home, "equity", "--period", "2025-03")}
    assert march["QMJ"]["period"] == "2025-03-01"


def test_the_national_view_as_a_table_and_a_csv(
    home: Home, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(command, "out", Console(width=250))
    path = tmp_path / "equity.csv"
    lines = run(home, "equity", "--csv", str(path)).stdout.splitlines()
    assert "Equity in access, 12 months to April 2025" in lines[0]
    (qmj,) = [line for line in lines if "QMJ" in line and "ae_4hr " in line]
    cells = [c.strip() for c in qmj.strip("│ ").split("│")]
    assert cells == ["QMJ", "ae_4hr", QMJ_SII, "above England", "-14.8", "2.1 (Other-Mixed)",
                     "-", "-"]  # fmt: skip
    (none,) = [line for line in lines if "QMJ" in line and "rtt_18wk " in line]
    cells = [c.strip() for c in none.strip("│ ").split("│")]
    assert cells == ["QMJ", "rtt_18wk", "-", "not available", "-", "-", "-", "-"]
    with path.open(newline="") as handle:
        table = list(csv.DictReader(handle))
    assert next(iter(table[0])) == "org_code"  # no index column
    assert {r["org_code"] for r in table} >= {"QMJ", "QMF", "QRV", "ENG"}
    (row,) = [r for r in table if r["org_code"] == "QMJ" and r["metric_id"] == "ae_4hr"]
    assert round(float(row["sii"]), 1) == 19.5


def test_a_month_without_12_month_measures_is_refused_naming_the_months(home: Home) -> None:
    done = runner.invoke(app, ["assess", "equity", "--period", "2024-06", "--home",
                               str(home.root)])  # fmt: skip
    assert done.exit_code == 2
    assert "--period 2024-06 has no 12-month measures (choose one of 2025-03, 2025-04)" in (
        done.output.replace("\n", " "))  # fmt: skip


def test_show_org_lists_the_automatic_evidence_on_one_line_each(home: Home) -> None:
    lines = run(home, "show", "--org", "qmj").stdout.splitlines()
    assert lines[:2] == [
        "QMJ: no assessment you may read",
        "Automatic Equity in access evidence (1 items):",
    ]
    (item,) = lines[2:]  # 80 columns, not wrapped
    assert item.startswith("  - A&E: seen within 4 hours, 12 months to April 2025: NHS North ")
    assert "is 19.5 points (95% CI 17.7 to 21.0)" in item
    shown = _json(home, "show", "--org", "QMJ")
    (auto,) = shown["automatic_evidence"]
    assert (auto["statement"], auto["source"], auto["date"]) == (
        "equity_in_access", "metric", "2025-04-01")  # fmt: skip
    assert auto["summary"] == item.removeprefix("  - ")
    assert auto["reference"]["results_version"] == "v1"
    assert shown["assessment"] is None


def test_evidence_auto_adds_the_measures_to_a_draft(home: Home) -> None:
    anna = tokens.create("anna", None, "cqc", engine=database.connect(home.database_url))
    qmj = _json(home, "start", "--org", "QMJ", "--reason", "annual", "--token", anna)["id"]
    added = _json(home, "evidence", qmj, "--auto", "--period", "2025-03", "--reason", "auto",
                  "--token", anna)  # fmt: skip
    (item,) = added["evidence"]
    assert item["statement"] == "equity_in_access" and item["date"] == "2025-03-01"
    assert "12 months to March 2025" in item["summary"]
    qhl = _json(home, "start", "--org", "QHL", "--reason", "annual", "--token", anna)["id"]
    none = runner.invoke(app, ["assess", "evidence", qhl, "--auto", "--reason", "auto",
                               "--token", anna, "--home", str(home.root)])  # fmt: skip
    assert none.exit_code == 2
    assert "no automatic evidence for QHL: no inequality measures for it" in none.output
