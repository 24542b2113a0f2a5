"""Who may change what in the target register and the custom peer groups.

Roles (API tokens, oversight.collect.tokens): `submitter` speaks for one ICB, `nhse` for NHS
England's national oversight, `admin` for the platform's national operators. National targets
and national peer groups are NHS England's (nhse or admin); an ICS's local targets and its own
peer groups are that ICS's (its submitter token, or admin to correct them). NHS England does
not set an ICS's local priorities, so an nhse token may not change local targets.
Pure functions over anything with `role` and `org_code`: the answer is the refusal message or
None when the change is allowed.
"""

from __future__ import annotations

from typing import Protocol

NATIONAL_ROLES = ("nhse", "admin")


class Actor(Protocol):
    @property
    def role(self) -> str: ...

    @property
    def org_code(self) -> str | None: ...


def target_refusal(actor: Actor, scope: str, icb_code: str | None) -> str | None:
    """Why `actor` may not change a `scope` target (of `icb_code` when local), or None."""
    if actor.role == "admin":
        return None
    if scope == "national":
        if actor.role == "nhse":
            return None
        return (
            "national targets are set by NHS England: only an nhse or admin token may change "
            f"them, and this token speaks for {actor.org_code}"
        )
    if actor.role == "nhse":
        return (
            f"local targets are set by each ICS: an nhse token may not change {icb_code}'s "
            "local targets (its ICB's token may)"
        )
    if actor.role == "submitter" and actor.org_code == icb_code:
        return None
    return f"this token may change only {actor.org_code}'s local targets, not {icb_code}'s"


def peer_group_refusal(actor: Actor, owner_org: str | None) -> str | None:
    """Why `actor` may not change a peer group owned by `owner_org` (None: NHS England)."""
    if actor.role == "admin":
        return None
    if owner_org is None:
        if actor.role == "nhse":
            return None
        return (
            "national peer groups belong to NHS England: only an nhse or admin token may "
            "change them"
        )
    if actor.role == "submitter" and actor.org_code == owner_org:
        return None
    return f"this peer group belongs to {owner_org}; this token may not change it"
