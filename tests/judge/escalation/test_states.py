"""Every pair of states, legal and illegal, against the transitions oversight.md §4 lists."""

from __future__ import annotations

import itertools

import pytest

from oversight.judge.escalation import states

# Written out from the method, not read from states.TRANSITIONS, so a change to the table fails.
LEGAL = {
    ("identified", "diagnostic"),
    ("diagnostic", "support offered"),
    ("support offered", "intervention"),
    ("intervention", "exit criteria met"),
    ("exit criteria met", "closed"),
    ("identified", "closed"),
    ("diagnostic", "closed"),
}
ALL = (
    "identified",
    "diagnostic",
    "support offered",
    "intervention",
    "exit criteria met",
    "closed",
)


def test_the_states_are_the_method_s() -> None:
    assert states.STATES == ALL


@pytest.mark.parametrize(("current", "target"), list(itertools.product(ALL, ALL)))
def test_every_transition_is_legal_only_if_listed(current: str, target: str) -> None:
    if (current, target) in LEGAL:
        states.check(current, target)
        return
    with pytest.raises(states.TransitionError) as refused:
        states.check(current, target)
    message = str(refused.value)
    allowed = [t for c, t in sorted(LEGAL) if c == current]
    if allowed:
        assert f"from {current!r} to {target!r}" in message
        for state in allowed:
            assert repr(state) in message
        for state in set(ALL) - set(allowed) - {current, target}:
            assert repr(state) not in message
    else:
        assert "cannot move to any other state" in message


@pytest.mark.parametrize(
    ("current", "forward"),
    [
        ("identified", "diagnostic"),
        ("diagnostic", "support offered"),
        ("support offered", "intervention"),
        ("intervention", "exit criteria met"),
        ("exit criteria met", "closed"),
    ],
)
def test_next_state_is_the_forward_step(current: str, forward: str) -> None:
    assert states.next_state(current) == forward


def test_a_closed_case_has_no_next_state() -> None:
    with pytest.raises(states.TransitionError, match="closed"):
        states.next_state("closed")


@pytest.mark.parametrize("bad", ["open", "Closed", ""])
def test_an_unknown_state_names_the_states(bad: str) -> None:
    with pytest.raises(states.TransitionError, match=r"is not a case state.*'identified'"):
        states.check("identified", bad)
    with pytest.raises(states.TransitionError, match="is not a case state"):
        states.allowed(bad)
