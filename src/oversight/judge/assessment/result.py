"""A whole assessment's result from its scores: every theme rated, then the overall rating, with
the professional-judgement overrides applied and the account of each. Pure; JSON out.

`scores` maps quality statement ids to a 1-4 score or to evidence category scores (method
evidence_categories); `overrides` maps a theme id or "overall" to {rating, reason, by}.
Statements not scored are left out of their theme; a theme with none is not rated.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from oversight.judge.assessment.framework import Framework
from oversight.judge.assessment.scoring import OVERALL, Rating, override, rate_overall, rate_theme


def check_scores(scores: Mapping[str, Any], framework: Framework) -> None:
    """ValueError naming an unknown statement (the valid ones listed)."""
    for sid in scores:
        if sid not in framework.statements:
            raise ValueError(
                f"{sid!r} is not a quality statement of {framework.id} "
                f"({', '.join(framework.statements)})"
            )


def _rating_json(rating: Rating) -> dict[str, Any]:
    return {
        "percentage": float(rating.percentage.exact),
        "rounded": rating.percentage.rounded,
        "points": rating.percentage.points,
        "maximum": rating.percentage.maximum,
        "aggregated": rating.aggregated,
        "limiter": rating.limiter,
        "limited": rating.limited,
        "rating": rating.rating,
        "override": None if rating.override is None else {
            "rating": rating.override.rating, "reason": rating.override.reason,
            "by": rating.override.by,
        },
        "scores": dict(rating.scores),
        "account": list(rating.account),
    }  # fmt: skip


def _overridden(rating: Rating, overrides: Mapping[str, Any], key: str, fwk: Framework) -> Rating:
    given = overrides.get(key)
    if not given:
        return rating
    return override(rating, given["rating"], given["reason"], given["by"], fwk)


def evaluate(
    scores: Mapping[str, Any], method: str, framework: Framework,
    overrides: Mapping[str, Any] | None = None,
) -> dict[str, Any]:  # fmt: skip
    """{"themes": {theme id: rating json}, "overall": rating json or None, framework info}."""
    check_scores(scores, framework)
    overrides = overrides or {}
    themes: dict[str, Rating] = {}
    for theme in sorted(framework.themes.values(), key=lambda t: t.order):
        mine = {s.id: scores[s.id] for s in framework.statements_of(theme.id) if s.id in scores}
        if mine:
            rated = rate_theme(mine, method, framework=framework, theme=theme.id)
            themes[theme.id] = _overridden(rated, overrides, theme.id, framework)
    overall = None
    if themes:
        overall = _overridden(rate_overall(themes.values(), framework), overrides, OVERALL,
                              framework)  # fmt: skip
    unthemed = sorted(s for s in scores if framework.statements[s].theme_id is None)
    return {
        **framework.describe(),
        "method": method,
        "themes": {k: _rating_json(v) for k, v in themes.items()},
        "overall": None if overall is None else _rating_json(overall),
        "not_in_a_theme": unthemed,
    }
