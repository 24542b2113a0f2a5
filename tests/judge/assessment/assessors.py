"""People who act on assessments in tests, and one assessment taken through to publication
(the workflow tests and the change feed's rating tests both need one)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy.engine import Engine

from oversight.judge.assessment import workflow as wf

DAY = dt.date(2025, 3, 1)


@dataclass(frozen=True)
class Who:
    name: str
    role: str
    org_code: str | None = None


ANNA, BEN = Who("anna", "cqc"), Who("ben", "cqc")
ADMIN, NHSE, ICB = Who("ops", "admin"), Who("nhse-1", "nhse"), Who("qmj", "submitter", "QMJ")
SCORES = {"learning_culture": 3, "safeguarding": 3, "equity_in_access": 1,
          "safe_systems_pathways_and_transitions": 4}  # fmt: skip


def published(engine: Engine) -> wf.AssessmentView:
    """QMJ assessed by anna, moderated and published by ben (overall: Requires improvement)."""
    a = wf.start(engine, ANNA, org="QMJ", assessed_on=DAY, reason="annual assessment")
    wf.score(engine, ANNA, a.id, SCORES, reason="site visit findings")
    wf.move(engine, ANNA, a.id, "moderation", reason="ready")
    return wf.move(engine, BEN, a.id, "published", reason="moderated")
