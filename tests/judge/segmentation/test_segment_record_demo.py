"""`oversight segment record ...` on a copy of the small demo: the recorded judgement then
decides the stored segment and is shown as such (the refusals and the audit trail are in
test_segment_record.py, which needs no demo)."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from oversight.cli import app
from oversight.collect import tokens
from oversight.home import Home
from oversight.judge.segmentation.published import segment_published
from oversight.store import database

runner = CliRunner()
Q = "2024-Q1"


def _run(home: Home, token: str, *args: str) -> Any:
    return runner.invoke(
        app, ["segment", "record", *args, "--home", str(home.root), "--token", token]
    )


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
    nhse = tokens.create("nhse-oversight", None, "nhse", engine=database.connect(mine.database_url))
    today = dt.datetime.now(dt.UTC).date().isoformat()
    (before,) = segment_published(mine, org="QOP")
    decided = 4 if before.segment != 4 else 2
    done = _run(
        mine,
        nhse,
        "decision",
        "--org",
        "QOP",
        "--period",
        Q,
        "--segment",
        str(decided),
        "--reason",
        "agreed at the regional review",
    )
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
        done = _run(mine, nhse, *args, "--reason", "board minutes")
        assert done.exit_code == 0, done.output
    out = runner.invoke(app, ["segment", "--home", str(mine.root), "--rules", "nof-2025", "--json"])
    assert out.exit_code == 0, out.output
    got = {r["org"]: r for r in json.loads(out.stdout)}
    assert got[four]["segment"] == 5 and got[four]["raw_segment"] == 4
    (review,) = got[four]["overrides"]
    assert review["kind"] == "capability_review" and review["recorded_on"] == today
    assert any(f"recorded by token:nhse-oversight on {today}" in s for s in got[four]["reasons"])
    assert got[one]["segment"] == 3 and got[one]["raw_segment"] == 1
    (cap,) = got[one]["overrides"]
    assert cap["kind"] == "financial"
    assert cap["recorded"] == f"recorded by token:nhse-oversight on {today}, reason: board minutes"
