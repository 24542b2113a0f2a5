"""Re-check every open case's exit criteria against the published results.

Each criterion's latest run (months met, ending at the results' last month) is stored on it;
a case in 'intervention' whose criteria all hold moves to 'exit criteria met', audited as the
system. A case without exit criteria never moves on its own.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from sqlalchemy import Engine, select

from oversight.home import Home
from oversight.judge.escalation import states
from oversight.judge.escalation.cases import System, transition
from oversight.judge.escalation.criteria import ExitCriterion, run_length
from oversight.metrics.results import ResultsVersion, current
from oversight.period import Period
from oversight.store import database
from oversight.store.models import CaseExitCriterion, EscalationCase, utcnow


@dataclass(frozen=True)
class Evaluated:
    """One case's evaluation: its criteria met or not, and whether it moved."""

    case_id: str
    org: str
    state: str
    met: tuple[bool, ...]
    moved: bool


def _series(version: ResultsVersion, metric: str, org: str) -> dict[Period, float | None]:
    frame = version.series(metric, org)
    series: dict[Period, float | None] = {}
    for period, value in zip(frame["period"], frame["value"], strict=True):
        month = Period.month_of(period)
        number = None if value is None or not math.isfinite(float(value)) else float(value)
        series.setdefault(month, number)
    return series


def evaluate(home: Home, engine: Engine | None = None) -> list[Evaluated] | None:
    """Evaluate every case that is not closed; None when no results are published yet."""
    version = current(home)
    if version is None:
        return None
    engine = engine if engine is not None else home.database()
    through = Period.month_of(max(version.periods))
    system = System()
    outcome: list[Evaluated] = []
    with database.session(engine) as s:
        rows = s.scalars(
            select(EscalationCase)
            .where(EscalationCase.state != states.CLOSED)
            .order_by(EscalationCase.opened_at, EscalationCase.id)
            .with_for_update()  # PostgreSQL: no person moves a case while it is evaluated
        ).all()
        for row in rows:
            crits = s.scalars(
                select(CaseExitCriterion)
                .where(CaseExitCriterion.case_id == row.id)
                .order_by(CaseExitCriterion.id)
            ).all()
            met: list[bool] = []
            for c in crits:
                rule = ExitCriterion(c.metric_id, c.comparison, c.threshold, c.periods)
                c.run = run_length(rule, _series(version, c.metric_id, row.org_code), through)
                c.through = str(through)
                c.evaluated_at = utcnow()
                met.append(c.run >= c.periods)
            moved = row.state == states.INTERVENTION and bool(met) and all(met)
            if moved:
                shown = "; ".join(
                    f"{c.metric_id} {c.comparison} {c.threshold:g} for {c.run} months to {through}"
                    for c in crits
                )
                transition(
                    s,
                    system,
                    row,
                    states.EXIT_CRITERIA_MET,
                    f"every exit criterion held in results {version.id}: {shown}",
                )
            outcome.append(Evaluated(row.id, row.org_code, row.state, tuple(met), moved))
    return outcome
