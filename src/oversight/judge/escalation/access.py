"""Who may open, advance, close and read escalation cases.

Roles are the API tokens' (oversight.collect.tokens): `nhse` (NHS England's national
oversight) and `admin` (national operators) open, advance and close cases and read them all;
a `submitter` token speaks for one ICB and may only read that organisation's cases. Pure
functions over anything with `role` and `org_code`: the refusal message, or None.
"""

from __future__ import annotations

from typing import Protocol

from oversight.judge.authority import NATIONAL_ROLES  # the target register's national roles


class Actor(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def org_code(self) -> str | None: ...


def change_refusal(actor: Actor) -> str | None:
    """Why `actor` may not open or change cases, or None."""
    if actor.role in NATIONAL_ROLES:
        return None
    return (
        "escalation cases are opened and advanced by NHS England: only an nhse or admin token "
        f"may change them, and this token speaks for {actor.org_code}"
    )


def read_refusal(actor: Actor, org: str) -> str | None:
    """Why `actor` may not read a case on `org`, or None."""
    if actor.role in NATIONAL_ROLES or actor.org_code == org:
        return None
    return f"this token may read only {actor.org_code}'s cases, not {org}'s"
