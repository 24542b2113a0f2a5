"""Who may do what to an assessment, and which moves between states are legal. Pure.

Roles are the API tokens' (oversight.collect.tokens):
- `cqc` (an assessor) starts assessments, edits only the drafts it started, and sends them to
  moderation; another `cqc` token (or `admin`) moderates: publishes or returns it to draft. The
  assessor never moderates its own assessment (four eyes).
- `admin` may moderate and start a new version, but edits no one else's draft either.
- Anyone may read published assessments; drafts and moderation are read by `cqc` and `admin`.
States: draft -> moderation -> published, moderation -> draft (returned). A published version is
immutable: a new version (a draft that supersedes it) carries any change.
"""

from __future__ import annotations

from typing import Protocol

DRAFT, MODERATION, PUBLISHED = "draft", "moderation", "published"
STATES = (DRAFT, MODERATION, PUBLISHED)
MOVES = {DRAFT: (MODERATION,), MODERATION: (PUBLISHED, DRAFT), PUBLISHED: ()}
ASSESSORS = ("cqc", "admin")


class Actor(Protocol):
    @property
    def name(self) -> str: ...

    @property
    def role(self) -> str: ...


def start_refusal(actor: Actor) -> str | None:
    """Why `actor` may not start an assessment (or a new version of one), or None."""
    if actor.role in ASSESSORS:
        return None
    return (
        f"assessments are made by CQC assessors: a cqc or admin token is needed, not {actor.role}"
    )


def edit_refusal(actor: Actor, status: str, assessor: str) -> str | None:
    """Why `actor` may not change an assessment's scores, overrides or evidence, or None."""
    if status == PUBLISHED:
        return "a published assessment cannot be changed: start a new version (assess revise)"
    if status != DRAFT:
        return f"the assessment is in {status}: only a draft can be changed (return it first)"
    if actor.name != assessor:
        return f"only its assessor ({assessor}) may change this draft"
    return None


def illegal_move(status: str, to: str) -> str | None:
    """Why no one may move an assessment from `status` to `to`, or None."""
    if to not in MOVES.get(status, ()):
        allowed = ", ".join(MOVES.get(status, ())) or "none: it is final"
        return f"an assessment in {status} cannot move to {to} (allowed: {allowed})"
    return None


def move_refusal(actor: Actor, status: str, to: str, assessor: str) -> str | None:
    """Why `actor` may not move an assessment from `status` to `to`, or None."""
    if illegal := illegal_move(status, to):
        return illegal
    if actor.role not in ASSESSORS:
        return f"a cqc or admin token is needed to move an assessment, not {actor.role}"
    if status == DRAFT and actor.name != assessor:
        return f"only its assessor ({assessor}) may send this draft to moderation"
    if status == MODERATION and actor.name == assessor:
        return "an assessor may not moderate their own assessment: another cqc token must"
    return None


def read_refusal(actor: Actor | None, status: str) -> str | None:
    """Why `actor` (None: no token) may not read an assessment in `status`, or None."""
    if status == PUBLISHED or (actor is not None and actor.role in ASSESSORS):
        return None
    return "only published assessments are public; drafts are read with a cqc or admin token"
