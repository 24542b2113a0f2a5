"""Scores and ratings as pure functions (cqc_scoring.md), with the account of how each was reached.

Two named methods:
- `evidence_categories` (assessments before December 2024): each evidence category used for a
  quality statement is scored 1-4; the statement's percentage is their sum over 4 x the number
  of categories, and the statement score (1-4) is the band that percentage falls in.
- `quality_statement` (from December 2024): the statement is scored 1-4 directly; category
  scores, if given, must all be that one score (CQC's system copies it into each category).
A theme's percentage is the sum of its statement scores over 4 x their number; the rating is its
band, then the limiter rules (data) may cap it. The overall rating pools every rated statement
the same way (the framework file's `overall`, an assumption flagged there). A professional-
judgement override replaces a rating with a reason and is shown as such.

Bands, limiters and rounding come from a `Framework` (default: the ICS one); nothing here is
specific to ICSs.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from numbers import Rational

from oversight.judge.assessment import framework as fw
from oversight.judge.assessment.framework import METHODS, Framework, Method
from oversight.judge.assessment.percentages import (
    MAX_SCORE,
    Percentage,
    band_for,
    band_text,
)

OVERALL = "overall"


@dataclass(frozen=True)
class StatementScore:
    """A quality statement's score and how it was reached."""

    statement: str | None
    method: Method
    categories: Mapping[str, int]
    percentage: Percentage
    score: int
    account: tuple[str, ...]


@dataclass(frozen=True)
class Override:
    """A professional-judgement rating in place of the aggregated one, with who and why."""

    rating: str
    reason: str
    by: str


@dataclass(frozen=True)
class Rating:
    """A theme's (or the overall) percentage and rating, and how they were reached."""

    subject: str
    method: Method
    scores: Mapping[str, int]
    percentage: Percentage
    aggregated: str
    limiter: str | None
    limited: str
    account: tuple[str, ...]
    override: Override | None = field(default=None)

    @property
    def rating(self) -> str:
        """The rating given: the override's when there is one, else the limited aggregate."""
        return self.override.rating if self.override else self.limited


def _framework(framework: Framework | None) -> Framework:
    return framework or fw.ics()


def _check_method(method: str) -> Method:
    if method not in METHODS:
        raise ValueError(f"method: {method!r} is not one of {', '.join(METHODS)}")
    return method


def _check_score(what: str, score: object) -> int:
    if isinstance(score, bool) or not isinstance(score, int) or not 1 <= score <= MAX_SCORE:
        raise ValueError(f"{what}: score {score!r} must be a whole number from 1 to {MAX_SCORE}")
    return score


def _name(table: Mapping[str, object], key: str, attr: str) -> str:
    entry = table.get(key)
    return str(getattr(entry, attr)) if entry is not None else key


def rating_for_percentage(pct: float | Rational, framework: Framework | None = None) -> str:
    """Outstanding, Good, Requires improvement or Inadequate for a percentage (25-100)."""
    return band_for(pct, _framework(framework).rating_bands)[1].label


def score_for_percentage(pct: float | Rational, framework: Framework | None = None) -> int:
    """The 1-4 statement score for a percentage (25-100)."""
    band = band_for(pct, _framework(framework).statement_bands)[1]
    assert band.score is not None
    return band.score


def score_statement(
    category_scores: Mapping[str, int] | int,
    method: str = "quality_statement",
    *,
    framework: Framework | None = None,
    statement: str | None = None,
) -> StatementScore:
    """A statement's percentage and 1-4 score from its evidence category scores (or, with the
    quality_statement method, its one score)."""
    fwk, how = _framework(framework), _check_method(method)
    given = {"": category_scores} if isinstance(category_scores, int) else dict(category_scores)
    if not given:
        raise ValueError("category_scores: at least one score is needed")
    for cat, score in given.items():
        if cat and cat not in fwk.categories:
            raise ValueError(
                f"category_scores: {cat!r} is not an evidence category of {fwk.id} "
                f"({', '.join(fwk.categories)})"
            )
        _check_score(cat or "statement", score)
    words = ", ".join(f"{_name(fwk.categories, c, 'name')} {s}" for c, s in given.items() if c)
    if how == "quality_statement":
        distinct = set(given.values())
        if len(distinct) != 1:
            raise ValueError(
                "category_scores: the quality_statement method scores the statement once; "
                f"the categories differ ({words}); use method='evidence_categories'"
            )
        score = distinct.pop()
        pct = Percentage(score, MAX_SCORE)
        carried = f"; the categories carry it ({words})" if words else ""
        account = (
            f"Scored {score} at quality statement level from all the evidence (scores per "
            f"statement, from December 2024){carried}: {score} of {MAX_SCORE} is {pct.text()}.",
        )
        return StatementScore(statement, how, given, pct, score, account)
    if "" in given:
        raise ValueError(
            "category_scores: the evidence_categories method needs a score per category"
        )
    pct = Percentage(sum(given.values()), MAX_SCORE * len(given))
    whole, band = band_for(pct.exact, fwk.statement_bands)
    assert band.score is not None
    rounding = "" if pct.exact == whole else f", which rounds to {whole}%"
    account = (
        f"{words}: {pct.points} of a possible {pct.maximum} is {pct.text()}{rounding}; "
        f"{whole}% is in the {band_text(band)} band, so the statement scores {band.score} "
        "(scores per evidence category, before December 2024).",
    )
    return StatementScore(statement, how, given, pct, band.score, account)


def _scores(
    statement_scores: Mapping[str, int | Mapping[str, int] | StatementScore],
    how: Method,
    fwk: Framework,
) -> tuple[dict[str, int], list[str]]:
    """Each statement's 1-4 score (scoring category scores first), and their accounts."""
    out: dict[str, int] = {}
    account: list[str] = []
    for sid, given in statement_scores.items():
        if isinstance(given, StatementScore):
            out[sid] = given.score
            account.extend(f"{_name(fwk.statements, sid, 'title')}: {a}" for a in given.account)
        elif isinstance(given, Mapping):
            scored = score_statement(given, how, framework=fwk, statement=sid)
            out[sid] = scored.score
            account.extend(f"{_name(fwk.statements, sid, 'title')}: {a}" for a in scored.account)
        else:
            out[sid] = _check_score(sid, given)
    if not out:
        raise ValueError("statement_scores: at least one quality statement score is needed")
    return out, account


def _limit(rating: str, scores: Mapping[str, int], fwk: Framework) -> tuple[str, str | None, str]:
    """The rating after the first limiter rule that applies, the rule's id, and a sentence."""
    for rule in fwk.limiters:
        low = sorted(s for s, v in scores.items() if v in rule.statement_scores)
        if rule.applies_to == rating and low:
            names = ", ".join(f"{_name(fwk.statements, s, 'title')} ({scores[s]})" for s in low)
            return (
                rule.limit_to,
                rule.id,
                (
                    f"The percentage is in the {rating} band but {names} scored "
                    f"{' or '.join(map(str, rule.statement_scores))}, so the rating is limited to "
                    f"{rule.limit_to} (limiter {rule.id}, {rule.verification}: to be verified "
                    "against CQC's wording)."
                ),
            )
    return rating, None, ""


def _rate(
    subject: str, scores: dict[str, int], how: Method, fwk: Framework, account: list[str]
) -> Rating:
    pct = Percentage(sum(scores.values()), MAX_SCORE * len(scores))
    whole, band = band_for(pct.exact, fwk.rating_bands)
    rounding = "" if pct.exact == whole else f", which rounds to {whole}%"
    listed = ", ".join(f"{_name(fwk.statements, s, 'title')} {v}" for s, v in scores.items())
    account.append(
        f"{listed}: {pct.points} of a possible {pct.maximum} is {pct.text()}{rounding}, "
        f"in the {band_text(band)} band: {band.label}."
    )
    limited, rule, why = _limit(band.label, scores, fwk)
    if why:
        account.append(why)
    return Rating(subject, how, scores, pct, band.label, rule, limited, tuple(account))


def rate_theme(
    statement_scores: Mapping[str, int | Mapping[str, int] | StatementScore],
    method: str = "quality_statement",
    *,
    framework: Framework | None = None,
    theme: str = "theme",
) -> Rating:
    """A theme's percentage, rating and the limiter that applied, if any.

    `statement_scores` maps each quality statement to its 1-4 score, to a scored
    StatementScore, or (either method) to its evidence category scores, scored first."""
    fwk, how = _framework(framework), _check_method(method)
    scores, account = _scores(statement_scores, how, fwk)
    return _rate(theme, scores, how, fwk, account)


def rate_overall(themes: Iterable[Rating], framework: Framework | None = None) -> Rating:
    """The overall rating: every rated statement of the themes pooled, limiters applied."""
    fwk = _framework(framework)
    rated = list(themes)
    if not rated:
        raise ValueError("themes: at least one rated theme is needed")
    scores: dict[str, int] = {}
    for theme in rated:
        for sid, score in theme.scores.items():
            if sid in scores:
                raise ValueError(f"themes: statement {sid!r} is in more than one theme")
            scores[sid] = score
    words = "; ".join(f"{_name(fwk.themes, t.subject, 'name')} {t.rating}" for t in rated)
    account = [
        f"Theme ratings: {words}. The overall rating pools every rated statement "
        f"({fwk.settings.overall}, {fwk.settings.overall_verification}: to be verified)."
    ]
    return _rate(OVERALL, scores, rated[0].method, fwk, account)


def override(
    rating: Rating, to: str, reason: str, by: str, framework: Framework | None = None
) -> Rating:
    """The rating replaced by professional judgement: `to` with its reason and who decided."""
    fwk = _framework(framework)
    if to not in fwk.ratings:
        raise ValueError(f"override: {to!r} is not a rating ({', '.join(fwk.ratings)})")
    if not reason.strip():
        raise ValueError("override: a reason is needed")
    if not by.strip():
        raise ValueError("override: who decided is needed")
    said = (
        f"Professional judgement: rated {to} instead of {rating.limited} by {by}, because "
        f"{reason.strip()}"
    )
    return replace(
        rating, override=Override(to, reason.strip(), by), account=(*rating.account, said)
    )
