"""API tokens: created once, shown once, stored as a salted SHA-256 digest.

A token looks like `ovs_<id>_<secret>`: the id finds the row, the secret is checked against
the digest in constant time. A submitter token is scoped to one organisation (its ICB);
an admin token (national teams) may act for any. A collection NHS England itself sends
(`submitter: nhse` in the catalogue, e.g. `gp_appointments_return`) is sent with an admin
token only: an ICB may not replace NHS England's figures, even its own. An nhse token
(national oversight: national targets, national peer groups) has no organisation and submits
nothing; see oversight.judge.authority for what each role may change in the target register.
dhsc and cqc tokens submit nothing: which figures each role sees before their release time is
oversight.publish.access's rule; a cqc token also makes CQC assessments
(oversight.judge.assessment.access).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING

from sqlalchemy import Engine, select

from oversight.collect import organisations
from oversight.store import database
from oversight.store.models import AuditEvent, Token, utcnow

if TYPE_CHECKING:
    from oversight.catalogue import Catalogue

PREFIX = "ovs"
ROLES = ("submitter", "nhse", "dhsc", "cqc", "admin")
NATIONAL_READERS = ("nhse", "dhsc", "cqc")
"""Roles with no organisation; dhsc and cqc read (oversight.publish.access), never submit."""


@dataclass(frozen=True)
class Principal:
    """Who a request acts as, once its token checked out."""

    token_id: str
    name: str
    org_code: str | None
    role: str

    def may_act_for(self, org: str) -> bool:
        """Admins act for anyone; a submitter only for its own organisation."""
        return self.role == "admin" or self.org_code == org

    def submit_refusal(self, org: str, collection: str, sent_by: str | None) -> str | None:
        """Why this token may not submit `collection` (sent by `sent_by`: icb, provider or
        nhse) for `org`, or None when it may. The API answers the reason with 403."""
        if self.role == "admin":
            return None
        if self.role != "submitter":
            return f"a token of role {self.role} reads figures; it submits nothing"
        if sent_by == "nhse":
            return (
                f"collection {collection} is sent by NHS England; only a national (admin) "
                "token may submit it"
            )
        if self.org_code != org:
            return f"this token may submit data only for {self.org_code}, not for {org}"
        return None

    @property
    def submitter(self) -> str:
        return f"token:{self.name}"


def _catalogue() -> Catalogue:
    from oversight.catalogue import load

    return load()


def _digest(salt: str, secret: str) -> str:
    return hashlib.sha256(f"{salt}:{secret}".encode()).hexdigest()


def create(
    name: str,
    org: str | None,
    role: str = "submitter",
    *,
    engine: Engine,
    catalogue: Catalogue | None = None,
) -> str:
    """Store a new token and return its full text (the only time it is ever visible).
    ValueError for an unknown role or an organisation code the catalogue does not know."""
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}, not {role!r}")
    if role == "submitter" and not org:
        raise ValueError("a submitter token needs the organisation it submits for")
    if role in NATIONAL_READERS and org:
        raise ValueError(f"a token of role {role} is national: it has no organisation")
    if org is not None:
        organisations.find(catalogue if catalogue is not None else _catalogue(), org)
    token_id = uuid.uuid4().hex[:16]
    secret = secrets.token_urlsafe(32)
    salt = secrets.token_hex(16)
    with database.session(engine) as s:
        s.add(
            Token(
                id=token_id,
                name=name,
                org_code=org,
                role=role,
                salt=salt,
                digest=_digest(salt, secret),
            )
        )
        s.add(AuditEvent(actor="cli", action="token.create", subject=token_id, detail={"org": org}))
    return f"{PREFIX}_{token_id}_{secret}"


def authenticate(presented: str | None, engine: Engine) -> Principal | None:
    """The principal behind a presented token, or None if it is unknown, wrong or revoked."""
    if not presented:
        return None
    parts = presented.strip().split("_", 2)
    if len(parts) != 3 or parts[0] != PREFIX:
        return None
    _, token_id, secret = parts
    with database.session(engine) as s:
        token = s.get(Token, token_id)
    if token is None or token.revoked_at is not None:
        return None
    if not hmac.compare_digest(token.digest, _digest(token.salt, secret)):
        return None
    return Principal(token.id, token.name, token.org_code, token.role)


def revoke(token_id: str, engine: Engine) -> bool:
    """Revoke a token by id; False if there is no such live token."""
    with database.session(engine) as s:
        token = s.get(Token, token_id)
        if token is None or token.revoked_at is not None:
            return False
        token.revoked_at = utcnow()
        s.add(AuditEvent(actor="cli", action="token.revoke", subject=token_id, detail={}))
        return True


def listing(engine: Engine) -> list[Token]:
    """Every token (digests included; never the secrets, which are not stored)."""
    with database.session(engine) as s:
        return list(s.scalars(select(Token).order_by(Token.created_at)))
