"""Shared pieces of the annotation and rebase tests: a token per role, and the audit trail."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Engine, func, select

from oversight.collect import tokens
from oversight.collect.tokens import Principal
from oversight.store import database
from oversight.store.models import AuditEvent


@dataclass(frozen=True)
class Team:
    """Live tokens (their text) and principals: NHS England, an admin, two people of QMJ
    (North Central London) and one of QOP (Greater Manchester)."""

    text: dict[str, str]
    who: dict[str, Principal]


def team(engine: Engine) -> Team:
    specs = {
        "nhse": ("nhse-oversight", None, "nhse"),
        "admin": ("ops", None, "admin"),
        "qmj": ("ncl-performance", "QMJ", "submitter"),
        "qmj2": ("ncl-director", "QMJ", "submitter"),
        "qop": ("gm-performance", "QOP", "submitter"),
    }
    text = {k: tokens.create(name, org, role, engine=engine) for k, (name, org, role) in
            specs.items()}
    who = {k: tokens.authenticate(t, engine) for k, t in text.items()}
    assert all(w is not None for w in who.values())
    return Team(text, {k: w for k, w in who.items() if w is not None})


def audit_count(engine: Engine) -> int:
    with database.session(engine) as s:
        return int(s.scalar(select(func.count()).select_from(AuditEvent)) or 0)
