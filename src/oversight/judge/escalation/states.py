"""The states of an escalation case and the only legal transitions between them, as data.

identified -> diagnostic -> support offered -> intervention -> exit criteria met -> closed;
a case may also be closed from identified or diagnostic (with a reason, as every change has).
"""

from __future__ import annotations

from typing import Final

IDENTIFIED: Final = "identified"
DIAGNOSTIC: Final = "diagnostic"
SUPPORT_OFFERED: Final = "support offered"
INTERVENTION: Final = "intervention"
EXIT_CRITERIA_MET: Final = "exit criteria met"
CLOSED: Final = "closed"

STATES: Final[tuple[str, ...]] = (
    IDENTIFIED,
    DIAGNOSTIC,
    SUPPORT_OFFERED,
    INTERVENTION,
    EXIT_CRITERIA_MET,
    CLOSED,
)

TRANSITIONS: Final[dict[str, tuple[str, ...]]] = {
    IDENTIFIED: (DIAGNOSTIC, CLOSED),
    DIAGNOSTIC: (SUPPORT_OFFERED, CLOSED),
    SUPPORT_OFFERED: (INTERVENTION,),
    INTERVENTION: (EXIT_CRITERIA_MET,),
    EXIT_CRITERIA_MET: (CLOSED,),
    CLOSED: (),
}
"""From each state, the states a case may move to (nothing else is allowed)."""


class TransitionError(ValueError):
    """A refused state change; the message names the allowed ones."""


def allowed(current: str) -> tuple[str, ...]:
    """The states a case in `current` may move to."""
    return TRANSITIONS[_known(current)]


def check(current: str, target: str) -> None:
    """Refuse (TransitionError) any move from `current` to `target` the table does not list."""
    nexts = allowed(current)
    _known(target)
    if target in nexts:
        return
    if not nexts:
        raise TransitionError(f"the case is {current}: it cannot move to any other state")
    names = " or ".join(repr(s) for s in nexts)
    raise TransitionError(
        f"a case cannot move from {current!r} to {target!r}; from {current!r} it may move "
        f"only to {names}"
    )


def next_state(current: str) -> str:
    """The forward step from `current` (the first listed transition); TransitionError at the end."""
    nexts = allowed(current)
    forward = [s for s in nexts if s != CLOSED] or list(nexts)
    if not forward:
        raise TransitionError(f"the case is {current}: it cannot move to any other state")
    return forward[0]


def _known(state: str) -> str:
    if state not in TRANSITIONS:
        raise TransitionError(
            f"{state!r} is not a case state; the states are {', '.join(repr(s) for s in STATES)}"
        )
    return state
