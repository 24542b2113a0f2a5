"""The states of a rebase and the only legal moves between them, as data.

proposed -> approved -> reversed; proposed -> rejected; proposed -> withdrawn. Only an
approved rebase moves the SPC limits; reversing it gives the previous limits back at the
next compute. Rejected, withdrawn and reversed are final: a new proposal starts again.
"""

from __future__ import annotations

from typing import Final

PROPOSED: Final = "proposed"
APPROVED: Final = "approved"
REJECTED: Final = "rejected"
WITHDRAWN: Final = "withdrawn"
REVERSED: Final = "reversed"

STATES: Final[tuple[str, ...]] = (PROPOSED, APPROVED, REJECTED, WITHDRAWN, REVERSED)

TRANSITIONS: Final[dict[str, tuple[str, ...]]] = {
    PROPOSED: (APPROVED, REJECTED, WITHDRAWN),
    APPROVED: (REVERSED,),
    REJECTED: (),
    WITHDRAWN: (),
    REVERSED: (),
}
"""From each state, the states a rebase may move to (nothing else is allowed)."""

LIVE: Final[tuple[str, ...]] = (PROPOSED, APPROVED)
"""States that hold a month of a series: a second rebase of the same month is refused."""


class TransitionError(ValueError):
    """A refused state change; the message names the allowed ones."""


def allowed(current: str) -> tuple[str, ...]:
    """The states a rebase in `current` may move to."""
    return TRANSITIONS[known(current)]


def check(current: str, target: str) -> None:
    """Refuse (TransitionError) any move from `current` to `target` the table does not list."""
    nexts = allowed(current)
    known(target)
    if target in nexts:
        return
    if not nexts:
        raise TransitionError(
            f"the rebase is {current}: it cannot move to any other state (propose a new one)"
        )
    names = " or ".join(repr(s) for s in nexts)
    raise TransitionError(
        f"a rebase cannot move from {current!r} to {target!r}; from {current!r} it may move "
        f"only to {names}"
    )


def known(state: str) -> str:
    """`state` itself, or TransitionError naming the states."""
    if state not in TRANSITIONS:
        raise TransitionError(
            f"{state!r} is not a rebase state; the states are "
            + ", ".join(repr(s) for s in STATES)
        )
    return state
