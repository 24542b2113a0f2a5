"""A target's lifecycle: draft → published → retired, and nothing else.

A draft stands nowhere; a published target stands for the months it covers; a retired one stands
nowhere from then on. A change to a target is a new version (see oversight.judge.register), so a
transition never rewrites what a published version said.
"""

from __future__ import annotations

STATUSES = ("draft", "published", "retired")

STEPS: dict[str, dict[str, str]] = {
    "draft": {"publish": "published"},
    "published": {"retire": "retired"},
    "retired": {},
}
"""For each status, the steps allowed from it and the status each leads to."""


def next_status(target_id: str, current: str, step: str) -> str:
    """The status `step` (publish or retire) leads to; ValueError naming the allowed steps."""
    allowed = STEPS[current]
    if step in allowed:
        return allowed[step]
    if not allowed:
        raise ValueError(f"target {target_id} is {current}: no further step is allowed")
    names = " or ".join(allowed)
    done = {"publish": "published", "retire": "retired"}.get(step, step)
    raise ValueError(
        f"target {target_id} is {current} and cannot be {done}; "
        f"from {current} the allowed step is: {names}"
    )
