"""The words of a score's and a rating's account, the errors that name what was wrong, and what
a whole assessment's result keeps: the sentences a moderator reads to check a rating by hand."""

from __future__ import annotations

import pytest

from oversight.judge.assessment import framework as fw
from oversight.judge.assessment import override, rate_overall, rate_theme, score_statement
from oversight.judge.assessment.result import evaluate

DIRECT = "Scored 3 at quality statement level from all the evidence (scores per statement, from "


def test_a_statement_scored_directly_says_so_and_names_the_categories_it_carries() -> None:
    assert score_statement(3).account == (
        f"{DIRECT}December 2024): 3 of 4 is 75%.",)  # fmt: skip
    carried = score_statement({"outcomes": 3, "processes": 3}, "quality_statement")
    assert carried.account == (
        f"{DIRECT}December 2024); the categories carry it (Outcomes 3, Processes 3): "
        "3 of 4 is 75%.",
    )


def test_a_bad_score_names_its_category_or_the_statement() -> None:
    with pytest.raises(ValueError, match=r"^outcomes: score 5 must be a whole number from 1 to 4"):
        score_statement({"outcomes": 5}, "evidence_categories")
    with pytest.raises(ValueError, match=r"^statement: score 0 must be a whole number from 1 to 4"):
        score_statement(0)
    with pytest.raises(ValueError, match=r"^statement: score True must be a whole number"):
        score_statement(True)
    with pytest.raises(ValueError, match="at least one score is needed"):
        score_statement({}, "evidence_categories")


def test_a_theme_given_a_scored_statement_keeps_that_statement_s_account() -> None:
    scored = score_statement({"outcomes": 3, "processes": 2}, "evidence_categories",
                             statement="safeguarding")  # fmt: skip
    theme = rate_theme({"safeguarding": scored, "equity_in_access": 4},
                       "evidence_categories", theme="quality_and_safety")  # fmt: skip
    assert theme.scores == {"safeguarding": 3, "equity_in_access": 4}
    assert theme.account == (
        "Safeguarding: Outcomes 3, Processes 2: 5 of a possible 8 is 62.5%, which rounds to 63%; "
        "63% is in the 63-87% band, so the statement scores 3 (scores per evidence category, "
        "before December 2024).",
        "Safeguarding 3, Equity in access 4: 7 of a possible 8 is 87.5%, which rounds to 88%, "
        "in the 88-100% band: Outstanding.",
    )
    assert (theme.aggregated, theme.limiter, theme.rating) == ("Outstanding", None, "Outstanding")


def test_the_overall_rating_of_one_theme_keeps_its_method_and_says_how_it_pooled() -> None:
    theme = rate_theme({"a": {"outcomes": 2, "processes": 3}}, "evidence_categories")
    overall = rate_overall([theme])
    assert overall.method == "evidence_categories" and overall.subject == "overall"
    assert overall.account == (
        "Theme ratings: theme Good. The overall rating pools every rated statement "
        "(pooled_statements, recalled: to be verified).",
        "a 3: 3 of a possible 4 is 75%, in the 63-87% band: Good.",
    )


def test_nothing_to_rate_and_an_unnamed_judge_are_refused() -> None:
    with pytest.raises(ValueError, match="at least one quality statement score is needed"):
        rate_theme({})
    with pytest.raises(ValueError, match="at least one rated theme is needed"):
        rate_overall([])
    with pytest.raises(ValueError, match="who decided is needed"):
        override(rate_theme({"a": 3}), "Good", "a reason", " ")


def test_a_result_lists_statements_outside_every_theme_and_leaves_them_unrated() -> None:
    scores = {"safe_and_effective_staffing": 1, "safeguarding": 4}
    result = evaluate(scores, "quality_statement", fw.ics())  # no overrides given
    assert result["not_in_a_theme"] == ["safe_and_effective_staffing"]
    assert list(result["themes"]) == ["quality_and_safety"]
    assert result["overall"]["scores"] == {"safeguarding": 4}
    assert result["overall"]["rating"] == "Outstanding"  # the 1 outside every theme limits not
    assert result["overall"]["override"] is None


def test_a_result_refuses_a_statement_its_framework_does_not_have() -> None:
    with pytest.raises(ValueError, match=r"'kindness' is not a quality statement of cqc_ics \("):
        evaluate({"kindness": 3}, "quality_statement", fw.ics())
