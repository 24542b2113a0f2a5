"""CQC assessment: frameworks as data, scores and ratings, evidence, inequality, workflow."""

from oversight.judge.assessment.scoring import (
    override,
    rate_overall,
    rate_theme,
    rating_for_percentage,
    score_statement,
)

__all__ = ["override", "rate_overall", "rate_theme", "rating_for_percentage", "score_statement"]
