"""Scoring one metric: 1.00 (best) to 4.00 per organisation, as nof-2025 step 1 says.

- Meeting the standard (at least as good as it) scores 1.00; failing the floor (strictly worse
  than it) scores 4.00.
- Every other organisation with a value is scored by its percentile rank among those others
  (the organisations of the type neither meeting the standard nor failing the floor), spread
  linearly between the bookends: 1-4 without standard or floor, 2-4 with a standard only, 1-3
  with a floor only, 2-3 with both.
- Percentile rank of organisation i among the n organisations being spread: the share of the
  other n - 1 whose value is no better than i's, p = #{j != i: v_j no better than v_i} / (n - 1)
  (p = 1 when n = 1). The best gets 1, the worst 0; tied organisations all count each other as
  no better, so a tied cluster takes the best rank of the cluster, hence its best score.
  Score = worst - p * (worst - best), rounded to 2 decimals.
- Discrete brackets: the first bracket whose bound the value reaches (at least as good as it)
  gives the score; the last bracket takes the rest.
- No value (missing or suppressed): not scored.
"""

from __future__ import annotations

import functools
from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass

from oversight.catalogue.models.rule_sets import Number, ScoredMetric
from oversight.judge.segmentation.combine import round_half_up


def better(improvement: str, a: float, b: float) -> bool:
    """`a` strictly better than `b` for a metric whose `improvement` is increase or decrease."""
    return a > b if improvement == "increase" else a < b


def no_worse(improvement: str, a: float, b: float) -> bool:
    """`a` at least as good as `b`."""
    return not better(improvement, b, a)


@dataclass(frozen=True)
class MetricScore:
    """One organisation's score on one metric, with what it was scored against."""

    metric: str
    value: float | None
    score: float | None
    basis: str
    """standard, floor, percentile, bracket, or missing."""
    standard: float | None = None
    floor: float | None = None
    percentile: float | None = None
    unconfirmed: tuple[str, ...] = ()
    """The unconfirmed numbers that decided this score."""

    @property
    def scored(self) -> bool:
        return self.score is not None


def percentile_ranks(values: Mapping[str, float], improvement: str) -> dict[str, float]:
    """p_i = share of the other organisations whose value is no better than i's."""
    n = len(values)
    if n == 1:
        return dict.fromkeys(values, 1.0)
    ordered = sorted(values.values())
    if improvement == "increase":  # no better than v: w <= v
        behind = {org: bisect_right(ordered, v) - 1 for org, v in values.items()}
    else:  # lower is better, so no better than v: w >= v
        behind = {org: n - bisect_left(ordered, v) - 1 for org, v in values.items()}
    return {org: count / (n - 1) for org, count in behind.items()}


def bookends(scored: ScoredMetric) -> tuple[float, float]:
    """(best, worst) score of the percentile spread."""
    best = 2.0 if scored.standard is not None else 1.0
    worst = 3.0 if scored.floor is not None else 4.0
    return best, worst


def _label(what: str, metric: str, number: Number) -> str:
    return f"{what} of {metric} ({number.value:g}: {number.source})"


def _unconfirmed(scored: ScoredMetric) -> tuple[str, ...]:
    named = (("standard", scored.standard), ("floor", scored.floor))
    return tuple(_label(w, scored.metric, n) for w, n in named if n is not None and n.unconfirmed)


def _brackets(
    scored: ScoredMetric, improvement: str, value: float
) -> tuple[float, tuple[str, ...]]:
    passed: list[Number] = []
    for bracket in scored.brackets:
        bound = bracket.bound
        if bound is None or no_worse(improvement, value, bound.value):
            deciding = [n for n in (passed[-1:] + ([bound] if bound else [])) if n.unconfirmed]
            labels = tuple(_label("bracket bound", scored.metric, n) for n in deciding)
            return bracket.score, labels
        passed.append(bound)
    raise AssertionError("the last bracket has no bound")  # the model guarantees it


@functools.lru_cache(maxsize=4096)
def _spread_score(best: float, worst: float, p: float, decimals: int) -> float:
    """A percentile's score between the bookends, rounded (the same few ranks recur in every
    rescoring of a metric)."""
    return round_half_up(worst - p * (worst - best), decimals)


def score_metric(
    scored: ScoredMetric,
    improvement: str,
    values: Mapping[str, float | None],
    decimals: int = 2,
) -> dict[str, MetricScore]:
    """Every organisation's score on one metric (organisations of one type, one quarter),
    each rounded to `decimals` places."""
    m = scored.metric
    std = scored.standard.value if scored.standard else None
    flr = scored.floor.value if scored.floor else None
    out: dict[str, MetricScore] = {}
    spread: dict[str, float] = {}
    unconfirmed = _unconfirmed(scored)
    for org, value in values.items():
        if value is None:
            out[org] = MetricScore(m, None, None, "missing", std, flr)
        elif scored.method == "brackets":
            score, labels = _brackets(scored, improvement, value)
            score = round_half_up(score, decimals)
            out[org] = MetricScore(m, value, score, "bracket", unconfirmed=labels)
        elif std is not None and no_worse(improvement, value, std):
            out[org] = MetricScore(m, value, 1.0, "standard", std, flr, unconfirmed=unconfirmed)
        elif flr is not None and better(improvement, flr, value):
            out[org] = MetricScore(m, value, 4.0, "floor", std, flr, unconfirmed=unconfirmed)
        else:
            spread[org] = value
    best, worst = bookends(scored)
    for org, p in percentile_ranks(spread, improvement).items():
        score = _spread_score(best, worst, p, decimals)
        out[org] = MetricScore(m, spread[org], score, "percentile", std, flr, p, unconfirmed)
    return {org: out[org] for org in values}
