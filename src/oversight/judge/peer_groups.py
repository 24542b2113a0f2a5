"""Custom peer groups (oversight.md §2): named sets of ICBs an ICB, or NHS England, chooses to
be compared with, beside the computed nearest neighbours (judge.peers).

Each group is dated (valid_from, optional valid_to; retiring it ends it on the retirement day),
so the ICB set before and after the 2026 mergers is told apart by date: every member must exist
on every day the group is valid. `groups_on(engine, date)` gives the groups valid on a date in
the shape the computed groups use (members as a tuple of ICB codes). Every change is audited.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, select

from oversight.collect.organisations import OrganisationError, find
from oversight.judge.authority import Actor, peer_group_refusal
from oversight.judge.register import actor_name
from oversight.store import database
from oversight.store.models import AuditEvent
from oversight.store.register_models import CustomPeerGroup

MIN_MEMBERS = 2
NATIONAL_OWNER = "nhse"
"""How a group NHS England owns is named in its id."""


class PeerGroupError(ValueError):
    """A peer group refused; the message says why."""


@dataclass(frozen=True)
class PeerGroup:
    id: str
    name: str
    owner_org: str | None
    """The ICB that owns it; None for NHS England's."""
    members: tuple[str, ...]
    description: str
    valid_from: dt.date
    valid_to: dt.date | None
    retired_on: dt.date | None
    created_by: str

    def valid_on(self, on: dt.date) -> bool:
        """True when the group is in force on `on` (retired groups end the day before)."""
        return (
            self.valid_from <= on
            and (self.valid_to is None or on <= self.valid_to)
            and (self.retired_on is None or on < self.retired_on)
        )

    def peers_of(self, code: str) -> tuple[str, ...]:
        """The members other than `code`: the peers it is compared with."""
        return tuple(m for m in self.members if m != code)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "owner": self.owner_org or "NHS England",
            "members": list(self.members),
            "description": self.description,
            "valid_from": self.valid_from.isoformat(),
            "valid_to": self.valid_to.isoformat() if self.valid_to else None,
            "retired_on": self.retired_on.isoformat() if self.retired_on else None,
        }


def _group(row: CustomPeerGroup) -> PeerGroup:
    return PeerGroup(
        row.id,
        row.name,
        row.owner_org,
        tuple(row.members),
        row.description,
        row.valid_from,
        row.valid_to,
        row.retired_on,
        row.created_by,
    )


def _slug(name: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", name.lower()).strip("-")[:60]


def _members(
    catalogue: Any, members: Sequence[str], start: dt.date, end: dt.date | None
) -> tuple[str, ...]:
    codes = tuple(dict.fromkeys(m.strip() for m in members if m and m.strip()))
    if len(codes) < MIN_MEMBERS:
        raise PeerGroupError(f"a peer group needs at least {MIN_MEMBERS} different ICBs")
    for code in codes:
        try:
            org = find(catalogue, code)
        except OrganisationError as error:
            raise PeerGroupError(str(error)) from None
        if org.kind != "icb":
            raise PeerGroupError(f"{code} is a {org.kind}; a peer group's members are ICBs")
        born = getattr(org.entry, "valid_from", None)
        died = getattr(org.entry, "valid_to", None)
        if born is not None and born > start:
            raise PeerGroupError(
                f"{code} did not exist on {start} (formed {born}); start the group later"
            )
        if died is not None and (end is None or died < end):
            raise PeerGroupError(
                f"{code} ceased on {died}: end the group by then (valid_to) and form another "
                "for the ICBs after it"
            )
    return codes


def add(
    engine: Engine,
    name: str,
    members: Sequence[str],
    valid_from: dt.date,
    actor: Actor,
    catalogue: Any,
    *,
    reason: str | None,
    valid_to: dt.date | None = None,
    description: str = "",
) -> PeerGroup:
    """Store a group owned by the actor's ICB (an ICB token) or by NHS England (nhse/admin)."""
    why = (reason or "").strip()
    if not why:
        raise PeerGroupError("a reason is required to add a peer group")
    if not (name or "").strip() or not _slug(name):
        raise PeerGroupError("a peer group needs a name with letters or digits")
    if valid_to is not None and valid_to < valid_from:
        raise PeerGroupError(f"valid_to {valid_to} is before valid_from {valid_from}")
    owner = actor.org_code if actor.role == "submitter" else None
    refusal = peer_group_refusal(actor, owner)
    if refusal is not None:
        raise PeerGroupError(refusal)
    codes = _members(catalogue, members, valid_from, valid_to)
    group_id = f"{owner or NATIONAL_OWNER}-{_slug(name)}-{valid_from:%Y%m%d}"
    with database.session(engine) as s:
        if s.get(CustomPeerGroup, group_id) is not None:
            raise PeerGroupError(f"peer group {group_id} already exists")
        row = CustomPeerGroup(
            id=group_id,
            name=name.strip(),
            owner_org=owner,
            members=list(codes),
            description=description.strip(),
            valid_from=valid_from,
            valid_to=valid_to,
            created_by=actor_name(actor),
        )
        s.add(row)
        s.flush()
        group = _group(row)
        s.add(
            AuditEvent(
                actor=actor_name(actor),
                action="peer_group.add",
                subject=group_id,
                detail={"reason": why, "role": actor.role, **group.to_dict()},
            )
        )
    return group


def retire(
    engine: Engine, group_id: str, actor: Actor, *, reason: str | None, on: dt.date
) -> PeerGroup:
    """End a group on `on` (it is valid up to the day before); audited with the reason."""
    why = (reason or "").strip()
    if not why:
        raise PeerGroupError("a reason is required to retire a peer group")
    with database.session(engine) as s:
        row = s.get(CustomPeerGroup, group_id)
        if row is None:
            raise PeerGroupError(f"no peer group {group_id!r} (see `oversight peer-group list`)")
        refusal = peer_group_refusal(actor, row.owner_org)
        if refusal is not None:
            raise PeerGroupError(refusal)
        if row.retired_on is not None:
            raise PeerGroupError(f"peer group {group_id} was already retired on {row.retired_on}")
        if on < row.valid_from:
            raise PeerGroupError(f"peer group {group_id} starts on {row.valid_from}, after {on}")
        row.retired_on = on
        s.add(
            AuditEvent(
                actor=actor_name(actor),
                action="peer_group.retire",
                subject=group_id,
                detail={"reason": why, "role": actor.role, "retired_on": on.isoformat()},
            )
        )
        s.flush()
        return _group(row)


def listing(engine: Engine) -> list[PeerGroup]:
    """Every custom group, retired ones included, by owner and name."""
    with database.session(engine) as s:
        rows = s.scalars(select(CustomPeerGroup)).all()
        groups = [_group(r) for r in rows]
    return sorted(groups, key=lambda g: (g.owner_org or "", g.name, g.valid_from))


def groups_on(engine: Engine, on: dt.date, *, owner: str | None = None) -> list[PeerGroup]:
    """The custom groups valid on `on` (optionally only `owner`'s: an ICB code, or "nhse")."""
    wanted = None if owner is None else (None if owner == NATIONAL_OWNER else owner)
    return [
        g for g in listing(engine) if g.valid_on(on) and (owner is None or g.owner_org == wanted)
    ]


def peers_on(engine: Engine, code: str, on: dt.date) -> dict[str, tuple[str, ...]]:
    """For one ICB, each custom group valid on `on` that it belongs to (by id) with the other
    members: the same shape as the computed groups' `groups[code]`, one entry per group."""
    return {g.id: g.peers_of(code) for g in groups_on(engine, on) if code in g.members}


__all__ = [
    "PeerGroup",
    "PeerGroupError",
    "add",
    "groups_on",
    "listing",
    "peers_on",
    "retire",
]
