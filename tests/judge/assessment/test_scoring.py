"""Worked scoring examples (cqc_scoring.md) at every band edge and for each limiter rule, with
both methods: scores per evidence category (before December 2024) and per quality statement."""

from __future__ import annotations

from fractions import Fraction

import pytest

from oversight.judge.assessment import (
    override,
    rate_overall,
    rate_theme,
    rating_for_percentage,
    score_statement,
)
from oversight.judge.assessment.scoring import score_for_percentage

BOTH = ["evidence_categories", "quality_statement"]


@pytest.mark.parametrize(
    ("pct", "rating", "score"),
    [
        (25, "Inadequate", 1),
        (38, "Inadequate", 1),
        (38.49, "Inadequate", 1),
        (38.5, "Requires improvement", 2),
        (39, "Requires improvement", 2),
        (62, "Requires improvement", 2),
        (62.5, "Good", 3),
        (63, "Good", 3),
        (87, "Good", 3),
        (87.5, "Outstanding", 4),
        (88, "Outstanding", 4),
        (100, "Outstanding", 4),
        (Fraction(200, 3), "Good", 3),
        # exact however close to a half: a hair below 38.5 or 62.5 stays in the lower band
        (Fraction(77, 2) - Fraction(1, 10**18), "Inadequate", 1),
        (Fraction(125, 2) - Fraction(1, 10**18), "Requires improvement", 2),
    ],
)
def test_percentage_bands_at_every_edge(pct: float, rating: str, score: int) -> None:
    assert rating_for_percentage(pct) == rating
    assert score_for_percentage(pct) == score


@pytest.mark.parametrize("pct", [24.4, 0, 100.5, 101])
def test_a_percentage_no_scores_can_give_is_refused(pct: float) -> None:
    with pytest.raises(ValueError, match="outside 25-100%"):
        rating_for_percentage(pct)


@pytest.mark.parametrize(
    ("categories", "text", "score"),
    [
        ({"outcomes": 1, "processes": 1}, "25%", 1),  # the minimum
        (
            dict.fromkeys(
                [
                    "outcomes",
                    "processes",
                    "observation",
                    "people_s_experience",
                    "feedback_from_partners",
                ],
                1,
            )
            | {"feedback_from_staff_and_leaders": 4},
            "37.5%",
            1,
        ),  # 9 of 24 rounds to 38: still 1
        ({"outcomes": 2, "processes": 1, "observation": 2}, "41.67%", 2),  # just over 38
        (
            dict.fromkeys(
                [
                    "outcomes",
                    "processes",
                    "observation",
                    "people_s_experience",
                    "feedback_from_partners",
                ],
                2,
            )
            | {"feedback_from_staff_and_leaders": 4},
            "58.33%",
            2,
        ),
        ({"outcomes": 3, "processes": 2}, "62.5%", 3),  # rounds to 63
        (
            dict.fromkeys(["outcomes", "processes", "observation", "people_s_experience"], 3)
            | {"feedback_from_partners": 4, "feedback_from_staff_and_leaders": 4},
            "83.33%",
            3,
        ),
        ({"outcomes": 4, "processes": 3}, "87.5%", 4),  # rounds to 88
        ({"outcomes": 4}, "100%", 4),
    ],
)
def test_statement_scores_from_evidence_categories(
    categories: dict[str, int], text: str, score: int
) -> None:
    result = score_statement(categories, method="evidence_categories")
    assert result.percentage.text() == text
    assert result.score == score
    assert text in result.account[0] and f"scores {score}" in result.account[0]


@pytest.mark.parametrize(("score", "text"), [(1, "25%"), (2, "50%"), (3, "75%"), (4, "100%")])
def test_statement_scored_directly_from_december_2024(score: int, text: str) -> None:
    result = score_statement(score, method="quality_statement")
    assert (result.score, result.percentage.text()) == (score, text)
    copied = score_statement({"outcomes": score, "processes": score}, method="quality_statement")
    assert copied.score == score and copied.percentage.text() == text


def test_statement_method_refuses_differing_category_scores() -> None:
    with pytest.raises(ValueError, match="use method='evidence_categories'"):
        score_statement({"outcomes": 3, "processes": 2}, method="quality_statement")


def test_bad_inputs_name_what_is_allowed() -> None:
    with pytest.raises(ValueError, match="not one of evidence_categories, quality_statement"):
        score_statement(3, method="per_theme")
    with pytest.raises(ValueError, match=r"not an evidence category.*outcomes"):
        score_statement({"outcome": 3}, method="evidence_categories")
    with pytest.raises(ValueError, match="from 1 to 4"):
        score_statement({"outcomes": 5}, method="evidence_categories")
    with pytest.raises(ValueError, match="a score per category"):
        score_statement(3, method="evidence_categories")


def _theme(scores: list[int]) -> dict[str, int]:
    return {f"s{i}": s for i, s in enumerate(scores)}


def _as_categories(scores: dict[str, int]) -> dict[str, dict[str, int]]:
    """The same statement scores reached from two evidence categories scored alike."""
    return {s: {"outcomes": v, "processes": v} for s, v in scores.items()}


@pytest.mark.parametrize("method", BOTH)
@pytest.mark.parametrize(
    ("scores", "rounded", "rating"),
    [
        ([1, 1, 1], 25, "Inadequate"),
        ([1, 1, 1, 1, 2, 2, 2, 2], 38, "Inadequate"),  # 37.5%
        ([2, 2, 2, 2, 1, 1, 1], 39, "Requires improvement"),  # 39.29%
        ([3] * 6 + [2] * 7, 62, "Requires improvement"),  # 61.54%
        ([3, 3, 3, 3, 2, 2, 2, 2], 63, "Good"),  # 62.5%: no statement scored 1
        ([4] * 6 + [3] * 7, 87, "Good"),  # 86.54%: statements scored 3 do not limit
        ([4, 4, 4, 4, 3, 3, 3, 3], 88, "Outstanding"),  # 87.5%
        ([4, 4, 4], 100, "Outstanding"),
    ],
)
def test_theme_ratings_at_every_edge(
    method: str, scores: list[int], rounded: int, rating: str
) -> None:
    given = _theme(scores)
    result = rate_theme(
        _as_categories(given) if method == "evidence_categories" else given, method=method
    )
    assert result.percentage.rounded == rounded
    assert (result.aggregated, result.limiter, result.rating) == (rating, None, rating)
    assert result.scores == given


@pytest.mark.parametrize("method", BOTH)
@pytest.mark.parametrize(
    ("scores", "aggregated", "limiter", "rating"),
    [
        ([4, 4, 1], "Good", "good_capped_by_score_1", "Requires improvement"),  # 75%
        ([3, 3, 3, 3, 3, 3, 4, 1], "Good", "good_capped_by_score_1", "Requires improvement"),
        ([3, 3, 2], "Good", None, "Good"),  # a 2 does not limit Good
        ([4] * 7 + [2], "Outstanding", "outstanding_capped_by_score_1_or_2", "Good"),  # 93.75%
        ([4] * 8 + [1], "Outstanding", "outstanding_capped_by_score_1_or_2", "Good"),  # 91.67%
        ([4, 4, 3], "Outstanding", None, "Outstanding"),
        ([2, 2, 1], "Requires improvement", None, "Requires improvement"),  # nothing to limit
    ],
)
def test_limiter_rules(
    method: str, scores: list[int], aggregated: str, limiter: str | None, rating: str
) -> None:
    given = _theme(scores)
    result = rate_theme(
        _as_categories(given) if method == "evidence_categories" else given, method=method
    )
    assert (result.aggregated, result.limiter, result.rating) == (aggregated, limiter, rating)
    if limiter:
        assert f"limited to {rating}" in result.account[-1]
        assert limiter in result.account[-1]


def test_a_statement_scored_1_from_its_categories_limits_the_theme() -> None:
    """Before December 2024: categories 1 and 2 give 37.5%, rounded 38%, so the statement
    scores 1 and the Good theme (75%) is limited to Requires improvement."""
    result = rate_theme(
        {
            "a": {"outcomes": 4, "processes": 4},
            "b": {"outcomes": 4, "processes": 4},
            "c": {"outcomes": 1, "processes": 2},
        },
        method="evidence_categories",
    )
    assert result.scores == {"a": 4, "b": 4, "c": 1}
    assert (result.aggregated, result.rating) == ("Good", "Requires improvement")
    assert any("37.5%, which rounds to 38%" in line for line in result.account)


def test_overall_pools_every_statement_and_applies_limiters() -> None:
    first = rate_theme({"a": 4, "b": 4}, theme="leadership")
    second = rate_theme({"c": 4, "d": 2}, theme="integration")
    overall = rate_overall([first, second])
    assert overall.percentage.points == 14 and overall.percentage.maximum == 16
    assert (overall.aggregated, overall.rating) == ("Outstanding", "Good")  # 87.5%, a 2
    assert "Leadership Outstanding" in overall.account[0]
    with pytest.raises(ValueError, match="more than one theme"):
        rate_overall([first, first])


def test_override_replaces_the_rating_and_says_so() -> None:
    theme = rate_theme({"a": 3, "b": 3})
    changed = override(theme, "Inadequate", "a serious safeguarding failure", "assessor-1")
    assert (theme.rating, changed.rating, changed.limited) == ("Good", "Inadequate", "Good")
    assert changed.override is not None and changed.override.by == "assessor-1"
    said = "Professional judgement: rated Inadequate instead of Good by assessor-1, because a"
    assert changed.account[-1].startswith(said)
    with pytest.raises(ValueError, match="a reason is needed"):
        override(theme, "Inadequate", "  ", "assessor-1")
    with pytest.raises(ValueError, match=r"not a rating.*Outstanding"):
        override(theme, "Excellent", "why", "assessor-1")
