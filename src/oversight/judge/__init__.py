"""The judge stage: the three judgements of every organisation × metric × month (change over
time, position, target), where they disagree, what they say in words, how many organisations a
summary covers, and peer groups. Pure functions over results handed to it; see
docs/methodology.md."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oversight.home import Home
    from oversight.judge.judgement import Judgement


def judgements(home: Home, **filters: Any) -> list[Judgement]:
    """Read back persisted judgements: `org=`, `metric=`, `period=`, `version=` (see
    oversight.judge.stage.judgements; imported here lazily to keep start-up light)."""
    from oversight.judge.stage import judgements as read

    return read(home, **filters)
