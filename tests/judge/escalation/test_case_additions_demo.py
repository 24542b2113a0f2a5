"""The evaluation every compute path runs (oversight.pipeline), on a copy of the small demo."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from tests.judge.escalation.case_support import NHSE, open_qop

from oversight.home import Home
from oversight.judge.escalation import cases, states
from oversight.judge.escalation.criteria import ExitCriterion
from oversight.pipeline import compute_and_judge
from oversight.store import database


def test_every_compute_evaluates_the_cases(demo_home: Home, tmp_path: Path) -> None:
    """compute_and_judge (what the command line, the demo and the portal call) evaluates the
    open cases: one in intervention whose criterion held long enough moves on."""
    mine = Home.at(tmp_path / "copy")
    shutil.copytree(demo_home.root, mine.root)
    database.dispose()
    engine = mine.database()
    met = open_qop(engine, criteria=[ExitCriterion("ae_4hr", ">=", 0.0, 3)]).id
    unmet = open_qop(engine, org="QHL", criteria=[ExitCriterion("ae_4hr", ">=", 101.0, 1)]).id
    for case in (met, unmet):
        cases.move(engine, NHSE, case, states.DIAGNOSTIC, reason="r")
        cases.move(engine, NHSE, case, states.SUPPORT_OFFERED, reason="r")
        cases.move(engine, NHSE, case, states.INTERVENTION, reason="r")
    seen: list[Any] = []
    compute_and_judge(mine, on_cases=seen.extend)
    assert {e.case_id: e.moved for e in seen} == {met: True, unmet: False}
    assert cases.show(engine, NHSE, met).state == states.EXIT_CRITERIA_MET
    assert cases.show(engine, NHSE, unmet).state == states.INTERVENTION
    trail = cases.show(engine, NHSE, met).audit[-1]
    assert trail["actor"] == "system" and trail["to"] == states.EXIT_CRITERIA_MET
