"""Published ratings feed the escalation triggers: an Inadequate overall rating in a published
assessment proposes a case (`oversight case propose`), a draft's does not."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.judge.assessment import workflow as wf
from oversight.store import database

runner = CliRunner()


@pytest.fixture
def home(database_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Home:
    monkeypatch.setenv("OVERSIGHT_DATABASE_URL", database_url)
    monkeypatch.delenv("OVERSIGHT_TOKEN", raising=False)
    return Home.at(tmp_path / "home", database_url)


def test_inadequate_published_rating_proposes_a_case(home: Home) -> None:
    engine = database.connect(home.database_url)
    nhse = tokens.create("nhse-oversight", None, "nhse", engine=engine)
    anna, ben = tokens.authenticate(tokens.create("anna", None, "cqc", engine=engine), engine), \
        tokens.authenticate(tokens.create("ben", None, "cqc", engine=engine), engine)
    assert anna is not None and ben is not None
    day = dt.date(2025, 3, 1)
    for org, score in (("QOP", 1), ("QHL", 3)):
        a = wf.start(engine, anna, org=org, assessed_on=day, reason="annual")
        wf.score(engine, anna, a.id, {"safeguarding": score, "learning_culture": score},
                 reason="findings")  # fmt: skip
        wf.move(engine, anna, a.id, "moderation", reason="ready")
        wf.move(engine, ben, a.id, "published", reason="moderated")
    draft = wf.start(engine, anna, org="QKK", assessed_on=day, reason="annual")
    wf.score(engine, anna, draft.id, {"safeguarding": 1}, reason="draft only")
    assert wf.published_ratings(engine) == {"QHL": "Good", "QOP": "Inadequate"}
    done = runner.invoke(app, ["case", "propose", "--json", "--home", str(home.root),
                               "--token", nhse])  # fmt: skip
    assert done.exit_code == 0, done.output
    proposed = {p["org"]: p for p in json.loads(done.output)}
    assert set(proposed) == {"QOP"}
    assert proposed["QOP"]["triggers"][0]["kind"] == "cqc_inadequate"
