"""Who may annotate a series, propose a rebase of it, and decide on one.

Roles are the API tokens' (oversight.collect.tokens). A series belongs to its ICB, or to
NHS England for a region's or England's series. NHS England's roles (nhse, admin) may act on
every series. An ICB's submitter token may annotate and propose rebases of its own ICB's
series only; it may approve, reject or reverse them only when NHS England has named that
token the ICB's rebase approver (oversight.annotations.approvers). Nobody approves their own
proposal. Pure functions: the refusal message, or None when the action is allowed.
"""

from __future__ import annotations

from typing import Protocol

from oversight.judge.authority import NATIONAL_ROLES

SYSTEM = "system"
"""The platform itself (oversight.annotations.demo_seed): it may annotate, nothing else."""


class Actor(Protocol):
    @property
    def token_id(self) -> str: ...

    @property
    def role(self) -> str: ...

    @property
    def org_code(self) -> str | None: ...


def _whose(owner: str | None) -> str:
    return f"{owner}'s" if owner else "NHS England's (a region's or England's)"


def change_refusal(actor: Actor, owner: str | None, what: str) -> str | None:
    """Why `actor` may not `what` (annotate, propose a rebase of...) a series owned by
    `owner` (an ICB code; None for a region's or England's series), or None."""
    if actor.role in (*NATIONAL_ROLES, SYSTEM):
        return None
    if owner is not None and actor.role == "submitter" and actor.org_code == owner:
        return None
    return f"this token speaks for {actor.org_code}: it may not {what} {_whose(owner)} series"


def decide_refusal(
    actor: Actor, owner: str | None, *, named_approver: bool, decision: str
) -> str | None:
    """Why `actor` may not `decision` (approve, reject, reverse) a rebase of a series owned
    by `owner`, or None. `named_approver`: the token is on the owner ICB's approver register."""
    if actor.role in NATIONAL_ROLES:
        return None
    if owner is None:
        return f"only NHS England (an nhse or admin token) may {decision} {_whose(owner)} rebases"
    if actor.role == "submitter" and actor.org_code == owner and named_approver:
        return None
    if actor.org_code == owner:
        return (
            f"only NHS England or {owner}'s named rebase approver may {decision} its rebases; "
            "this token is not on the approver register (oversight rebase approver list)"
        )
    return f"this token speaks for {actor.org_code}: it may not {decision} {owner}'s rebases"


def self_approval_refusal(actor: Actor, proposer_token: str) -> str | None:
    """A rebase is approved by someone other than its proposer (four eyes)."""
    if actor.token_id == proposer_token:
        return "a rebase needs a second person: its proposer may not approve it"
    return None
