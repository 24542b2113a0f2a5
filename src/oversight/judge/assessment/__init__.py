"""CQC assessment: frameworks as data, scores and ratings, evidence, inequality, workflow.

The scoring functions are exported lazily: importing the package (as the command line does for
`oversight assess`) must not load the framework files' YAML parser before a command runs.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from oversight.judge.assessment.scoring import (
        override,
        rate_overall,
        rate_theme,
        rating_for_percentage,
        score_statement,
    )

__all__ = ["override", "rate_overall", "rate_theme", "rating_for_percentage", "score_statement"]


def __getattr__(name: str) -> Any:
    if name in __all__:
        from oversight.judge.assessment import scoring

        return getattr(scoring, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
