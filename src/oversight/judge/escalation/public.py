"""The public summary of escalation cases: what the portal may show anyone.

A case's organisation, state, public summary, triggers, dates, actions (text, owner, due,
done) and exit criteria with their latest evaluation. Not shown: who made each change and why
(the audit trail, for NHS England roles through `oversight case show`).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, select

from oversight.judge.escalation import states
from oversight.judge.escalation.cases import view
from oversight.store import database
from oversight.store.models import EscalationCase


def public_summary(view: Any) -> dict[str, Any]:
    """One case (a CaseView) as the public sees it."""
    return {
        "id": view.id,
        "org": view.org,
        "state": view.state,
        "open": view.state != states.CLOSED,
        "summary": view.summary,
        "triggers": [t["kind"] for t in view.triggers],
        "opened": view.opened_at.date().isoformat(),
        "updated": view.updated_at.date().isoformat(),
        "actions": [
            {k: a[k] for k in ("text", "owner", "due", "done")} for a in view.actions
        ],
        "exit_criteria": [
            {
                k: c[k]
                for k in ("metric", "comparison", "threshold", "periods", "months_met", "through",
                          "met")
            }
            for c in view.criteria
        ],
    }


def public_cases(engine: Engine, org: str | None = None) -> list[dict[str, Any]]:
    """Every case (of an organisation), oldest first, as the public sees it."""
    query = select(EscalationCase).order_by(EscalationCase.opened_at, EscalationCase.id)
    if org is not None:
        query = query.where(EscalationCase.org_code == org)
    with database.session(engine) as s:
        return [public_summary(view(s, row, with_audit=False)) for row in s.scalars(query)]
